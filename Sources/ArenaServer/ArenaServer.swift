import ArenaProtocol
import ArenaRelay
import CWebsockets
import ServerShell
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

public enum ArenaServerError: Error, CustomStringConvertible {
    case cannotListen(host: String, port: Int)
    case tlsNeedsBoth
    case cannotRecord(path: String, reason: String)

    public var description: String {
        switch self {
        case .cannotListen(let host, let port):
            return "cannot listen on \(host):\(port) — is another arena already using that port? Pick another with --port."
        case .tlsNeedsBoth:
            return "TLS needs both --tls-cert and --tls-key."
        case .cannotRecord(let path, let reason):
            return "cannot record into \(path): \(reason). Pick a file in a folder you can write to with --record."
        }
    }
}

/// `mowai arena`: the libwebsockets shell around the pure `Relay`.
///
/// One thread owns the lws context and the relay: `run()` serves on the calling thread until `stop()`
/// (callable from any thread or a signal handler's queue) has closed every client with 1001.
public final class ArenaServer: @unchecked Sendable {
    public let options: ArenaServerOptions
    let log: Log
    /// The port actually bound (useful with port 0).
    public private(set) var port = 0

    var relay: Relay
    private var context: OpaquePointer?
    private let protocols: UnsafeMutablePointer<lws_protocols>
    private let protocolName = strdup("mowai-arena")
    private let alpn = strdup("http/1.1")
    private let timer = UnsafeMutablePointer<mowai_timer>.allocate(capacity: 1)
    private let flushTimer = UnsafeMutablePointer<mowai_timer>.allocate(capacity: 1)
    /// Connections with queued output, written together once per turn of the service loop.
    private var dirty: [ClientConnection] = []
    private var isFlushScheduled = false
    private var nextFlushAllowedAt: Int64 = 0
    private var backpressure = Backpressure()

    var connections = ConnectionTable()
    var connectionsBySocket: [OpaquePointer: ClientConnection] = [:]
    var httpExchanges: [OpaquePointer: HTTPExchange] = [:]
    var upgradeSecrets: [OpaquePointer: String] = [:]

    private let stopRequested = Atomic<Bool>(false)
    private var shutdownStartedAt: Moment?
    private var isFinished = false

    /// Where `--record` writes, if anywhere.
    let recorder: Recorder?

    public init(options: ArenaServerOptions, log: Log, recorder: Recorder? = nil) {
        self.options = options
        self.log = log
        self.recorder = recorder
        var system = SystemRandomNumberGenerator()
        relay = Relay(config: options.relay, startedAt: Moment.now(), seed: system.next())
        protocols = .allocate(capacity: 2)
        protocols.initialize(repeating: lws_protocols(), count: 2)
        timer.initialize(to: mowai_timer())
        flushTimer.initialize(to: mowai_timer())
    }

    deinit {
        if let context { lws_context_destroy(context) }
        protocols.deallocate()
        timer.deallocate()
        flushTimer.deallocate()
        free(protocolName)
        free(alpn)
    }

    /// Binds the listening socket. Throws a message that says how to fix it.
    public func start() throws {
        if (options.tlsCertificatePath == nil) != (options.tlsPrivateKeyPath == nil) { throw ArenaServerError.tlsNeedsBoth }
        lws_set_log_level(options.printsLibraryErrors ? LLL_ERR : 0, nil)

        // One protocol serves both HTTP and WebSocket; any path upgrades, as with the original.
        protocols[0].name = UnsafePointer(protocolName)
        protocols[0].callback = arenaCallback
        protocols[0].per_session_data_size = 0
        protocols[0].rx_buffer_size = 0
        protocols[1] = lws_protocols()

        var info = lws_context_creation_info()
        info.port = Int32(clamping: options.port)
        // HTTP/1.1 only, as the original: lws keeps custom headers (X-Admin-Secret) only on h1, and
        // the pre-framed WebSocket writes assume it.
        info.alpn = UnsafePointer(alpn)
        info.protocols = UnsafePointer(protocols)
        info.user = Unmanaged.passUnretained(self).toOpaque()
        info.options = mowai_lws_option_validate_utf8()
        // lws cuts every write into pieces of this size; the batched output wants few, large writes.
        info.pt_serv_buf_size = 256 * 1024
        info.timeout_secs = options.httpTimeoutSeconds
        info.keepalive_timeout = Int32(clamping: options.httpTimeoutSeconds)
        // A client dribbling its headers holds a header table; it loses it (and the connection) in time.
        info.timeout_secs_ah_idle = options.httpTimeoutSeconds
        let cert = options.tlsCertificatePath.map { strdup($0) } ?? nil
        let key = options.tlsPrivateKeyPath.map { strdup($0) } ?? nil
        defer { free(cert); free(key) }
        if cert != nil {
            info.options |= mowai_lws_option_ssl_global_init()
            info.ssl_cert_filepath = UnsafePointer(cert)
            info.ssl_private_key_filepath = UnsafePointer(key)
        }

        guard let (created, bound) = ListeningContext.create(&info, host: options.host) else {
            throw ArenaServerError.cannotListen(host: options.host, port: options.port)
        }
        context = created
        port = bound
        timer.pointee.owner = Unmanaged.passUnretained(self).toOpaque()
        flushTimer.pointee.owner = Unmanaged.passUnretained(self).toOpaque()
        scheduleTick()
    }

    /// Serves until `stop()` has finished the graceful shutdown.
    public func run() {
        guard let context else { return }
        while !isFinished {
            if lws_service(context, 0) < 0 { break }
        }
    }

    /// Thread-safe: asks the service thread to close every client with 1001 and return from `run()`.
    public func stop() {
        stopRequested.store(true, ordering: .sequentiallyConsistent)
        if let context { lws_cancel_service(context) }
    }

    // MARK: Relay effects

    func handle(_ event: RelayEvent) {
        apply(relay.handle(event))
    }

    func apply(_ effects: [RelayEffect]) {
        for effect in effects {
            switch effect {
            case .send(let message, let recipients):
                // This loop runs once per recipient of every message: everything it reads is hoisted
                // into locals, because each reference-counted read costs an atomic operation.
                let limit = options.maxPendingOutputBytes
                WebSocketFrame.unmasked(message).withUnsafeBytes { frame in
                    connections.forEach(in: recipients) { connection in
                        guard !connection.isClosing else { return }
                        connection.enqueue(frame: frame)
                        if connection.pendingOutputBytes > limit {
                            dropAsTooSlow(connection, reason: "Too slow: over \(limit >> 20) MiB of messages unread")
                        } else {
                            if !connection.isCongested && connection.pendingOutputBytes > Backpressure.congestedBytes {
                                noteCongestion(of: connection)
                            }
                            markDirty(connection)
                        }
                    }
                }
            case .close(let id, let code, let reason):
                guard let connection = connections[id] else { continue }
                connection.pendingClose = (code, reason)
                // Whatever is queued goes out first; a client that never reads is cut off anyway.
                lws_set_timeout(connection.wsi, PENDING_TIMEOUT_USER_OK, 5)
                requestWrite(connection)
            case .log(let level, let message):
                log(level, message)
            case .record(let message):
                recorder?.append(message, at: Moment.now().wallMs)
            }
        }
    }

    /// Output is not written message by message. A send syscall on loopback costs microseconds, far more
    /// than copying a frame, so the arena paces its writes: a flush of n connections may be followed by
    /// the next one only n × 10 µs later (at most 4 ms). A quiet arena writes at once; a busy one stays
    /// under about 100 000 writes a second however much it relays, because each write then carries more
    /// frames (200 agents under load: dozens per write). Measured at 200 agents, 10 µs kept p99 under
    /// 5 ms up to 1.6 M messages/s where 20 µs let it reach 30–70 ms.
    private func markDirty(_ connection: ClientConnection) {
        guard !connection.isDirty else { return }
        connection.isDirty = true
        dirty.append(connection)
        guard !isFlushScheduled, let context else { return }
        isFlushScheduled = true
        let wait = min(4000, max(0, nextFlushAllowedAt - MonotonicClock.microseconds()))
        mowai_timer_schedule(context, flushTimer, arenaFlush, wait)
    }

    static let flushPacingMicroseconds = 10

    func flushDirty() {
        isFlushScheduled = false
        nextFlushAllowedAt = MonotonicClock.microseconds() + Int64(Self.flushPacingMicroseconds * dirty.count)
        let flushing = dirty
        dirty.removeAll(keepingCapacity: true)
        for connection in flushing where !connection.isClosed {
            connection.isDirty = false
            // Behind output lws still holds, or with a close pending, wait for the socket to drain.
            if connection.isWriteRequested || connection.pendingClose != nil || lws_partial_buffered(connection.wsi) != 0 {
                requestWrite(connection)
            } else if !connection.flush(maxBytes: 1 << 20) {
                connection.discardOutput()
                lws_set_timeout(connection.wsi, PENDING_TIMEOUT_USER_OK, LWS_TO_KILL_ASYNC)
            } else if connection.pendingOutputBytes > 0 {
                requestWrite(connection)
            }
            if connection.isCongested { noteCongestion(of: connection) }
        }
    }

    /// Re-reads whether `connection` is congested, and pauses or resumes reading when that tips the balance.
    func noteCongestion(of connection: ClientConnection) {
        let delta = Backpressure.delta(pending: connection.pendingOutputBytes, wasCongested: connection.isCongested)
        guard delta != 0 else { return }
        connection.isCongested = delta > 0
        connection.congestedSince = delta > 0 ? MonotonicClock.microseconds() : nil
        adjustInput(backpressure.update(by: delta, connections: connections.count))
    }

    private func adjustInput(_ change: Backpressure.Change?) {
        guard let change else { return }
        if change == .pause { relay.metrics.backpressurePauses += 1 }
        log(.info, change == .pause
            ? "relaying more than the network takes: reading paused until \(backpressure.congested) backlogs drain"
            : "backlogs drained: reading resumed")
        connections.forEach(in: connections.ids) { lws_rx_flow_control($0.wsi, change == .resume ? 1 : 0) }
        // Clients we stopped reading from cannot be judged idle for that time.
        if change == .resume { handle(.readingResumed(at: Moment.now())) }
    }

    /// Closes a client whose messages pile up unread; the relay hears of it when the socket is gone.
    func dropAsTooSlow(_ connection: ClientConnection, reason: String) {
        relay.metrics.slowClientsDropped += 1
        relay.metrics.recordClosed(.policyViolation)
        connection.discardOutput()
        noteCongestion(of: connection)
        connection.pendingClose = (.policyViolation, reason)
        lws_set_timeout(connection.wsi, PENDING_TIMEOUT_USER_OK, 5)
        log(.warn, "\(connection.id): \(reason); closing it")
        requestWrite(connection)
    }

    /// A client that stays backlogged for this long without draining is not reading: it must not keep
    /// the whole arena paused.
    static let stuckCongestionMicroseconds: Int64 = 10_000_000

    private func dropStuckClients() {
        let now = MonotonicClock.microseconds()
        var stuck: [ClientConnection] = []
        connections.forEach(in: connections.ids) { connection in
            if let since = connection.congestedSince, now - since > Self.stuckCongestionMicroseconds, !connection.isClosing {
                stuck.append(connection)
            }
        }
        for connection in stuck {
            dropAsTooSlow(connection, reason: "Too slow: messages unread for \(Self.stuckCongestionMicroseconds / 1_000_000) s")
        }
    }

    func requestWrite(_ connection: ClientConnection) {
        guard !connection.isWriteRequested else { return }
        connection.isWriteRequested = true
        lws_callback_on_writable(connection.wsi)
    }

    // MARK: Connections

    func opened(_ wsi: OpaquePointer) {
        let connection = ClientConnection(id: connections.nextId(), wsi: wsi)
        connections.insert(connection)
        if backpressure.isPaused { lws_rx_flow_control(wsi, 0) }
        connectionsBySocket[wsi] = connection
        let secret = upgradeSecrets.removeValue(forKey: wsi)
        if shutdownStartedAt != nil {
            connection.pendingClose = (.goingAway, "Arena shutting down")
            requestWrite(connection)
        }
        handle(.opened(connection.id, adminSecret: secret, at: Moment.now()))
    }

    func closed(_ wsi: OpaquePointer) {
        upgradeSecrets[wsi] = nil
        guard let connection = connectionsBySocket.removeValue(forKey: wsi) else { return }
        // It may still be waiting in `dirty`; its wsi is about to be freed.
        connection.isClosed = true
        if connection.isCongested {
            connection.isCongested = false
            adjustInput(backpressure.update(by: -1, connections: connections.count - 1))
        }
        connections.remove(connection.id)
        handle(.closed(connection.id, at: Moment.now()))
        if shutdownStartedAt != nil && connections.isEmpty { isFinished = true }
    }

    // MARK: Time and shutdown

    private func scheduleTick() {
        guard let context else { return }
        mowai_timer_schedule(context, timer, arenaTick, options.tickIntervalMs * 1000)
    }

    func tick() {
        let now = Moment.now()
        if let startedAt = shutdownStartedAt {
            // Clients that do not answer the close handshake are not waited for.
            if now.milliseconds(since: startedAt) > 2000 { isFinished = true }
        } else {
            dropStuckClients()
            // While reading is paused nobody can be heard, so nobody is judged idle (and no PINGs are
            // added to the backlogs).
            if !backpressure.isPaused { handle(.tick(at: now)) }
            if let parent = options.parentProcess, getppid() != parent {
                log(.warn, "the process that started this arena is gone; stopping")
                stop()
            }
        }
        scheduleTick()
    }

    /// Runs on the service thread after `lws_cancel_service`.
    func serviceWasCancelled() {
        guard stopRequested.load(ordering: .sequentiallyConsistent), shutdownStartedAt == nil else { return }
        let now = Moment.now()
        shutdownStartedAt = now
        log(.info, "shutting down: closing \(connections.count) connection(s)")
        handle(.shutdown(at: now))
        if connections.isEmpty { isFinished = true }
    }
}

/// lws calls this for every event of the arena's sockets, always on the service thread.
private func arenaCallback(
    _ wsi: OpaquePointer?, _ reason: lws_callback_reasons, _ user: UnsafeMutableRawPointer?,
    _ input: UnsafeMutableRawPointer?, _ length: Int
) -> Int32 {
    guard let wsi, let context = lws_get_context(wsi), let owner = lws_context_user(context) else { return 0 }
    let server = Unmanaged<ArenaServer>.fromOpaque(owner).takeUnretainedValue()
    return server.callback(wsi, reason: reason, input: input, length: length)
}

private func arenaFlush(_ sul: UnsafeMutablePointer<lws_sorted_usec_list_t>?) {
    guard let sul, let owner = mowai_timer_owner(sul) else { return }
    Unmanaged<ArenaServer>.fromOpaque(owner).takeUnretainedValue().flushDirty()
}

private func arenaTick(_ sul: UnsafeMutablePointer<lws_sorted_usec_list_t>?) {
    guard let sul, let owner = mowai_timer_owner(sul) else { return }
    Unmanaged<ArenaServer>.fromOpaque(owner).takeUnretainedValue().tick()
}
