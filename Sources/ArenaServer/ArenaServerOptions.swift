import ArenaRelay

public struct ArenaServerOptions: Sendable {
    /// The address to listen on; "0.0.0.0" listens on every IPv4 interface.
    public var host = "0.0.0.0"
    /// 0 lets the kernel choose a free port (tests read it back from `ArenaServer.port`).
    public var port = 8080
    public var tlsCertificatePath: String?
    public var tlsPrivateKeyPath: String?
    public var relay = RelayConfig()
    /// How often the relay's clock ticks (keepalive, idle expiry).
    public var tickIntervalMs: Int64 = 1000
    /// A client that has this much unsent output is too slow to keep up and is closed.
    public var maxPendingOutputBytes = 2 * 1024 * 1024
    /// Seconds an HTTP client may take to send its headers and body (slowloris guard).
    public var httpTimeoutSeconds: UInt32 = 10
    /// libwebsockets' own error lines go to stderr; an arena embedded in the console turns them off.
    public var printsLibraryErrors = true
    /// When set, the arena shuts down once this process is no longer its parent.
    public var parentProcess: Int32?

    public init() {}
}
