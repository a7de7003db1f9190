import ArenaProtocol
import ArgumentParser
import Foundation
import Inference

struct GenerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Generate text with a GGUF model, streamed to stdout.",
        discussion: "With --chat the prompt (and --system) are wrapped in the model's chat template. --temp 0 is greedy."
    )

    @Option(help: "A GGUF model (default: the installed SmolLM2-135M-Instruct).")
    var model: String?
    @Option(help: "A system prompt (with --chat).")
    var system: String?
    @Option(help: "The prompt.")
    var prompt: String
    @Flag(help: "Wrap the prompt in the model's chat template.")
    var chat = false
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

    func run() throws {
        do {
            var options = SamplingOptions()
            options.temperature = temp
            options.topK = topK
            options.topP = topP
            options.minP = minP
            options.repetitionPenalty = repeatPenalty
            options = try options.validated()
            guard (1...100_000).contains(maxTokens) else { throw ValidationErrorMessage("--max-tokens must be between 1 and 100000") }

            let file = try GGUFModelFile(path: try ModelLocator.path(model))
            let tokenizer = try BPETokenizer(gguf: file.gguf)
            let llama = try LlamaModel(file: file)
            let template = ChatTemplate.detect(in: file.gguf)
            var messages: [ChatTemplate.Message] = []
            if let system { messages.append(.init(role: "system", content: system)) }
            messages.append(.init(role: "user", content: prompt))
            let text = chat ? template.render(messages) : prompt
            let promptTokens = tokenizer.encode(text)
            guard promptTokens.count + maxTokens <= llama.config.contextLength else {
                throw ValidationErrorMessage("the prompt (\(promptTokens.count) tokens) and --max-tokens \(maxTokens) exceed the model's context of \(llama.config.contextLength) tokens")
            }

            var session = LlamaSession(model: llama)
            var logits: [Float] = []
            for token in promptTokens { logits = session.forward(token) }
            var sampler = Sampler(options: options)
            var generator = SplitMix64(seed: seed)
            var history = promptTokens
            var stream = UTF8Stream()
            var shown = ""
            var printed = 0
            generation: for _ in 0..<maxTokens {
                let token = logits.withUnsafeMutableBufferPointer { sampler.sample($0, recent: history[...], using: &generator) }
                if token == tokenizer.eosToken { break }
                history.append(token)
                shown += stream.append(tokenizer.bytes(of: [token]))
                // Stop strings end the text before them; what precedes them is still shown.
                for stop in template.stopStrings {
                    if let range = shown.range(of: stop) {
                        FileHandle.standardOutput.write(Data(shown[..<range.lowerBound].dropFirst(printed).utf8))
                        break generation
                    }
                }
                FileHandle.standardOutput.write(Data(shown.dropFirst(printed).utf8))
                printed = shown.count
                logits = session.forward(token)
            }
            FileHandle.standardOutput.write(Data("\n".utf8))
        } catch let error as GGUFError {
            throw Failure.report(error.description)
        } catch let error as SamplingError {
            throw Failure.report(error.description)
        } catch let error as ValidationErrorMessage {
            throw Failure.report(error.description)
        }
    }
}
