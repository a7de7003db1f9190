import ArenaRelay

/// The open WebSocket connections, indexed by their id. Ids are small integers reused after a close,
/// so lookups are array indexing: fanning one message out to hundreds of clients must not pay for
/// hashing and reference counting per recipient.
struct ConnectionTable {
    private var slots: [Unmanaged<ClientConnection>?] = []
    private var freeIds: [Int] = []
    private(set) var count = 0

    var isEmpty: Bool { count == 0 }

    /// The ids of every open connection.
    var ids: [ConnectionID] {
        slots.indices.filter { slots[$0] != nil }.map(ConnectionID.init)
    }

    /// The id the next inserted connection will get.
    mutating func nextId() -> ConnectionID {
        ConnectionID(freeIds.last ?? slots.count)
    }

    mutating func insert(_ connection: ClientConnection) {
        let index = connection.id.rawValue
        if index == slots.count {
            slots.append(nil)
        } else {
            freeIds.removeAll { $0 == index }
        }
        slots[index] = .passRetained(connection)
        count += 1
    }

    mutating func remove(_ id: ConnectionID) {
        guard let connection = slots[id.rawValue] else { return }
        slots[id.rawValue] = nil
        connection.release()
        freeIds.append(id.rawValue)
        count -= 1
    }

    subscript(id: ConnectionID) -> ClientConnection? {
        guard id.rawValue >= 0, id.rawValue < slots.count else { return nil }
        return slots[id.rawValue]?.takeUnretainedValue()
    }

    /// Calls `body` for each listed connection that is open, without retaining any of them: the
    /// table holds them, and `body` must not remove connections.
    func forEach(in ids: [ConnectionID], _ body: (ClientConnection) -> Void) {
        slots.withUnsafeBufferPointer { slots in
            for id in ids where id.rawValue >= 0 && id.rawValue < slots.count {
                slots[id.rawValue]?._withUnsafeGuaranteedRef(body)
            }
        }
    }
}
