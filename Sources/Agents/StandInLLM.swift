import LLMInterface

/// An `LLM` that answers at once with a fixed text: for checking an agent without a model, and for
/// measuring the host's own overhead.
public struct StandInLLM: ImmediateLLM {
    public let name = "stand-in model"
    public let answer: String
    /// Answers with the start of the prompt instead, so who told whom what can be followed (mobs).
    public let echoesPrompt: Bool

    public init(answer: String = "A stand-in answer: no model was asked.", echoesPrompt: Bool = false) {
        self.answer = answer
        self.echoesPrompt = echoesPrompt
    }

    public func answer(_ request: GenerationRequest) -> String {
        guard echoesPrompt else { return answer }
        let prompt: String
        switch request.prompt {
        case .chat(let messages): prompt = messages.last?.content ?? ""
        case .text(let text): prompt = text
        }
        let line = prompt.split(whereSeparator: \.isNewline).joined(separator: " / ")
        return "Stand-in answer to: \(line.count > 160 ? line.prefix(160) + "…" : Substring(line))"
    }

    public func generate(_ request: GenerationRequest) -> AsyncThrowingStream<GenerationEvent, any Error> {
        let answer = answer(request)
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
