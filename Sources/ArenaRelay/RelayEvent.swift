import ArenaProtocol

/// Everything that can happen to the relay. Time is part of every event, so tests never sleep.
public enum RelayEvent: Sendable {
    /// A WebSocket finished its handshake. `adminSecret` is the `X-Admin-Secret` header it carried.
    case opened(ConnectionID, adminSecret: String?, at: Moment)
    /// One complete message (text or binary) arrived.
    case received([UInt8], from: ConnectionID, at: Moment)
    /// The socket is gone, whoever closed it.
    case closed(ConnectionID, at: Moment)
    /// The clock moved: keepalive pings and idle expiry happen here.
    case tick(at: Moment)
    /// The shell had stopped reading from every client (backpressure) and reads again: nobody was
    /// heard meanwhile, so nobody is idle for that time.
    case readingResumed(at: Moment)
    /// The arena is stopping: every client is closed with 1001.
    case shutdown(at: Moment)
}
