/// When the arena relays more than it can write, it stops reading from its clients until the backlog
/// drains, instead of buffering without bound and then dropping everybody as "too slow". Their TCP
/// buffers fill and their sends wait: the load adapts to what the arena can deliver.
///
/// A connection is congested when more than `congestedBytes` wait for it, and relieved again below
/// `relievedBytes`. One slow reader alone does not pause anybody (it is dropped once it passes the
/// per-connection limit); a quarter of all connections congested at once means the arena itself is
/// behind.
struct Backpressure: Sendable, Equatable {
    static let congestedBytes = 256 * 1024
    static let relievedBytes = 64 * 1024

    enum Change: Equatable { case pause, resume }

    private(set) var congested = 0
    private(set) var isPaused = false

    /// Records that `delta` connections became congested (+1) or relieved (-1) among `connections`,
    /// and says whether reading must now pause or resume.
    mutating func update(by delta: Int, connections: Int) -> Change? {
        congested = max(0, congested + delta)
        if !isPaused && congested >= max(2, connections / 4) {
            isPaused = true
            return .pause
        }
        if isPaused && congested < max(1, connections / 8) {
            isPaused = false
            return .resume
        }
        return nil
    }

    /// +1 when `pending` bytes make a relieved connection congested, -1 when they relieve a congested one.
    static func delta(pending: Int, wasCongested: Bool) -> Int {
        if !wasCongested && pending > congestedBytes { return 1 }
        if wasCongested && pending < relievedBytes { return -1 }
        return 0
    }
}
