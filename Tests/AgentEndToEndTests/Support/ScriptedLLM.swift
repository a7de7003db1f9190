import Foundation
import Inference
import Synchronization
import LLMInterface

/// An `LLM` that answers from a script, streamed word by word: agents in these tests are deterministic,
/// so what reaches the wire can be compared exactly. (A copy of AgentsTests' fixture, trimmed.)
final class ScriptedLLM: LLM, Sendable {
    let name = "scripted"
    private let answer: @Sendable (String) -> String
    let prompts = Mutex<[String]>([])

    /// `answer` gets the agent's prompt (the user message, after the persona's system prompt).
    init(answer: @escaping @Sendable (String) -> String = { _ in ScriptedLLM.answer }) {
        self.answer = answer
    }

    /// What every agent answers unless a test scripts otherwise.
    static let answer = "Ship the smallest version first."

    /// The default agent asks twice: for one consideration (its thought), then for the answer.
    static func defaultAgentScript(thought: String = "Cost matters most.", answer: String = ScriptedLLM.answer) -> @Sendable (String) -> String {
        { prompt in prompt.contains("most important thing to consider") ? thought : answer }
    }

    func generate(_ request: GenerationRequest) -> AsyncThrowingStream<GenerationEvent, any Error> {
        let prompt: String
        switch request.prompt {
        case .chat(let messages): prompt = messages.last?.content ?? ""
        case .text(let text): prompt = text
        }
        prompts.withLock { $0.append(prompt) }
        let words = answer(prompt).split(separator: " ", omittingEmptySubsequences: false)
        return AsyncThrowingStream { continuation in
            for (index, word) in words.enumerated() {
                continuation.yield(.text(index == 0 ? String(word) : " " + word))
            }
            continuation.yield(.finished(.endOfText, GenerationUsage(promptTokens: 1, generatedTokens: words.count)))
            continuation.finish()
        }
    }
}
