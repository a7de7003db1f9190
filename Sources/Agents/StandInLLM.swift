import Inference

/// An `LLM` that answers at once with a fixed text: for checking an agent without a model, and for
/// measuring the host's own overhead.
public struct StandInLLM: LLM {
    public let name = "stand-in model"
    public let answer: String

    public init(answer: String = "A stand-in answer: no model was asked.") {
        self.answer = answer
    }

    public func generate(_ request: GenerationRequest) -> AsyncThrowingStream<GenerationEvent, any Error> {
        let answer = answer
        return AsyncThrowingStream { continuation in
            continuation.yield(.text(answer))
            continuation.yield(.finished(.endOfText, GenerationUsage(promptTokens: 0, generatedTokens: 1)))
            continuation.finish()
        }
    }
}
