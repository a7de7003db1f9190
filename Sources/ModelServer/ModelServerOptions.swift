import ModelServing

public struct ModelServerOptions: Sendable {
    /// The address to listen on; "0.0.0.0" listens on every IPv4 interface.
    public var host = "127.0.0.1"
    /// 0 lets the kernel choose a free port (read it back from `ModelServer.port`).
    public var port = 8000
    public var limits = ServeLimits()
    /// When set, every request but `/health` must bring it as "Authorization: Bearer KEY".
    public var apiKey: String?
    /// Seconds a client may take to send its request, and an idle kept-alive connection may stay open.
    public var httpTimeoutSeconds: UInt32 = 30
    /// A client that leaves this much of a streamed answer unread is too slow: it is dropped and its
    /// generation cancelled, so it holds no sequence of the engine.
    public var maxPendingOutputBytes = 1 << 20
    /// libwebsockets' own error lines go to stderr.
    public var printsLibraryErrors = true

    public init() {}
}
