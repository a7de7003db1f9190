import Inference

/// An `LLM` that answers at once with a fixed text: for checking an agent without a model, and for
/// measuring the host's own overhead.
public struct StandInLLM: ImmediateLLM {
    public let name = "stand-in model"
    public let answer: String

    public init(answer: String = "A stand-in answer: no model was asked.") {
        self.answer = answer
    }

    public func answer(_ request: GenerationRequest) -> String { answer }

    public func generate(_ request: GenerationRequest) -> AsyncThrowingStream<GenerationEvent, any Error> {
        let answer = answer
        return AsyncThrowingStream { continuation in
            continuation.yield(.text(answer))
            continuation.yield(.finished(.endOfText, GenerationUsage(promptTokens: 0, generatedTokens: 1)))
            continuation.finish()
        }
    }
}

/// A model that answers without waiting (a stand-in, a cache): `host-llm` calls it on the agent's own
/// thread instead of handing the request to the cooperative pool and waiting for the stream, so what
/// `mowai bench agents` measures is the host, not a thread hand-off.
public protocol ImmediateLLM: LLM {
    func answer(_ request: GenerationRequest) -> String
}
