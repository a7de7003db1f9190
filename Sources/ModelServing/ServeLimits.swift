/// What one server accepts: every number a client sends is bounded by these.
public struct ServeLimits: Sendable, Equatable {
    /// The largest request body, in bytes.
    public var maxBodyBytes = 1 << 20
    /// The most tokens one answer may ask for; also the answer's length when a request names none.
    public var maxTokens = 2048
    /// Requests running or waiting at once; beyond it new ones get 429.
    public var maxQueued = 64
    /// Messages in one chat request.
    public var maxMessages = 1024
    /// Stop strings per request (OpenAI takes 4), and the bytes of each.
    public var maxStopStrings = 4
    public var maxStopBytes = 256

    public init() {}
}

/// The model a server serves, as `/v1/models` lists it.
public struct ServedModel: Sendable, Equatable {
    /// The name clients send as `model` ("SmolLM2-135M-Instruct.Q4_1").
    public var id: String
    /// Other names that mean the same model (the file's name with its extension).
    public var aliases: [String]
    /// When it was loaded, in seconds since 1970 (OpenAI's `created`).
    public var created: Int
    public var contextLength: Int

    public init(id: String, aliases: [String] = [], created: Int, contextLength: Int) {
        self.id = id
        self.aliases = aliases
        self.created = created
        self.contextLength = contextLength
    }

    public func answers(to name: String) -> Bool { name == id || aliases.contains(name) }
}
