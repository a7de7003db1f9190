/// A language model as agents see it: a request in, text streamed out. Local models implement it
/// (`LocalLLM` in the Inference module); remote providers can too, without linking the GGUF engine. Cancelling the consuming task, or dropping the stream,
/// stops the generation.
public protocol LLM: Sendable {
    /// What to show for it ("SmolLM2-135M-Instruct.Q4_1.gguf").
    var name: String { get }
    func generate(_ request: GenerationRequest) -> AsyncThrowingStream<GenerationEvent, any Error>
}

public struct GenerationRequest: Sendable, Equatable {
    public enum Prompt: Sendable, Equatable {
        /// Wrapped in the model's chat template, ending with the assistant's turn.
        case chat([ChatMessage])
        /// Used as it is.
        case text(String)
    }

    public var prompt: Prompt
    public var sampling: SamplingOptions
    public var maxTokens: Int
    /// Generation ends before any of these; the chat template's own end markers always apply.
    public var stopStrings: [String]
    public var seed: UInt64

    public init(prompt: Prompt, sampling: SamplingOptions = SamplingOptions(), maxTokens: Int = 256,
                stopStrings: [String] = [], seed: UInt64 = 42) {
        self.prompt = prompt
        self.sampling = sampling
        self.maxTokens = maxTokens
        self.stopStrings = stopStrings
        self.seed = seed
    }
}

public enum GenerationEvent: Sendable, Equatable {
    /// The next piece of text: whole characters, never part of a stop string.
    case text(String)
    /// A hosted model failed in a way worth another try (rate limited, a server error, a refused or
    /// dropped connection) before any text came: attempt `attempt` of at most `maxAttempts` starts
    /// after `delay` seconds.
    case retrying(attempt: Int, maxAttempts: Int, delay: Double, reason: String)
    case finished(FinishReason, GenerationUsage)
}

public enum FinishReason: String, Sendable, Equatable {
    case endOfText = "end of text"
    case stopString = "stop string"
    case maxTokens = "max tokens"
    case contextFull = "context full"
}

public struct GenerationUsage: Sendable, Equatable {
    public var promptTokens: Int
    public var generatedTokens: Int
    public init(promptTokens: Int, generatedTokens: Int) {
        self.promptTokens = promptTokens
        self.generatedTokens = generatedTokens
    }
}
