import ArgumentParser
import Foundation
import Inference
import SafeText
import LLMInterface

struct GenerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Generate text with a GGUF model (or a hosted one), streamed to stdout.",
        discussion: """
        With --chat the prompt (and --system) are wrapped in the model's chat template. --temp 0 is greedy. \
        Generation ends at the model's end of text, a stop string, --max-tokens or a full context; Ctrl-C \
        stops it at once (status 130).
        """
    )

    @OptionGroup var model: AnyModelOption
    @Option(help: "A system prompt (with --chat).")
    var system: String?
    @Option(help: "The prompt.")
    var prompt: String
    @Flag(help: "Wrap the prompt in the model's chat template.")
    var chat = false
    @Option(help: "The chat template (chatml, llama3, llama2, phi3, gemma; default: from the model).")
    var template: ChatTemplate?
    @Option(help: "Stop after this many tokens.")
    var maxTokens = 128
    @Option(help: "Temperature; 0 is greedy.")
    var temp: Float = 0.7
    @Option(help: "Top-k (0 keeps all).")
    var topK = 40
    @Option(help: "Top-p.")
    var topP: Float = 0.95
    @Option(help: "Min-p.")
    var minP: Float = 0.05
    @Option(help: "Repetition penalty (1 is off).")
    var repeatPenalty: Float = 1.1
    @Option(help: "Random seed: the same seed gives the same text.")
    var seed: UInt64 = 42
    @Option(parsing: .singleValue, help: "End the text before this string (repeatable).")
    var stop: [String] = []
    @OptionGroup var engine: EngineOptions
    @Option(help: "Context length in tokens (default: the model's, at most 8192).")
    var context: Int?
    @Flag(help: "Print token counts and speeds on stderr at the end.")
    var stats = false

    func run() throws {
        try Failure.reporting {
            guard (1...100_000).contains(maxTokens) else { throw ValidationErrorMessage("--max-tokens must be between 1 and 100000") }
            if let context, context < 2 { throw ValidationErrorMessage("--context must be at least 2") }
            var sampling = SamplingOptions()
            sampling.temperature = temp
            sampling.topK = topK
            sampling.topP = topP
            sampling.minP = minP
            sampling.repetitionPenalty = repeatPenalty
            sampling = try sampling.validated()

            let llm: any LLM
            if let hosted = try model.hosted() {
                llm = hosted
            } else {
                let file = try model.openFile()
                llm = try engine.load(file, sequences: 1, contextLength: context, template: template, notices: noticeOnStandardError)
            }
            var messages: [ChatMessage] = []
            if let system { messages.append(.init(role: "system", content: system)) }
            messages.append(.init(role: "user", content: prompt))
            let request = GenerationRequest(prompt: chat ? .chat(messages) : .text(prompt), sampling: sampling,
                                            maxTokens: maxTokens, stopStrings: stop, seed: seed)
            try stream(llm, request)
        }
    }

    /// Writes the text as it comes; Ctrl-C cancels the generation and exits with 130.
    private func stream(_ llm: any LLM, _ request: GenerationRequest) throws {
        let outcome = Outcome()
        // A model file is outside input too: on a terminal its text is shown, never obeyed. A pipe gets
        // the bytes exactly as generated.
        let toTerminal = isatty(1) != 0
        let start = ContinuousClock.now
        let task = Task {
            do {
                for try await event in llm.generate(request) {
                    switch event {
                    case .text(let text):
                        StandardStreams.write((toTerminal ? Sanitizer.clean(text) : text))
                        outcome.record { $0.sawText = true }
                    case .retrying(let attempt, let most, let delay, let reason):
                        noticeOnStandardError(Sanitizer.line(String(format: "%@; attempt %d of %d in %.1f s", reason, attempt, most, delay)))
                    case .finished(let reason, let usage):
                        outcome.record { $0.finish = (reason, usage) }
                    }
                }
            } catch {
                outcome.record { $0.error = error }
            }
            outcome.done.signal()
        }
        signal(SIGINT, SIG_IGN)
        let interrupt = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
        interrupt.setEventHandler {
            outcome.record { $0.interrupted = true }
            task.cancel()
        }
        interrupt.resume()
        outcome.done.wait()
        interrupt.cancel()

        let result = outcome.snapshot()
        if result.sawText { StandardStreams.write("\n") }
        if let error = result.error { throw error }
        if result.interrupted {
            throw Failure.report("interrupted; the text so far is above", code: 130)
        }
        if let (reason, usage) = result.finish {
            if reason == .contextFull, let local = llm as? LocalLLM {
                StandardStreams.write("mowai: stopped: the context of \(local.contextLength) tokens is full (raise --context)\n", to: StandardStreams.error)
            }
            if stats {
                let seconds = (ContinuousClock.now - start).seconds
                let line = String(format: "mowai: %d prompt + %d generated tokens in %.2f s (%.1f tok/s overall), ended by %@\n",
                                  usage.promptTokens, usage.generatedTokens, seconds,
                                  Double(usage.promptTokens + usage.generatedTokens) / seconds, reason.rawValue)
                StandardStreams.write(line, to: StandardStreams.error)
            }
        }
    }
}

/// What the streaming task saw, read by the command once it is done.
private final class Outcome: @unchecked Sendable {
    struct Result {
        var sawText = false
        var finish: (FinishReason, GenerationUsage)?
        var error: (any Error)?
        var interrupted = false
    }
    let done = DispatchSemaphore(value: 0)
    private let lock = NSLock()
    private var result = Result()

    func record(_ change: (inout Result) -> Void) { lock.withLock { change(&result) } }
    func snapshot() -> Result { lock.withLock { result } }
}

extension ChatTemplate: ExpressibleByArgument {}
