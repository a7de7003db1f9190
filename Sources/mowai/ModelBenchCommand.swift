import ArgumentParser
import Foundation
import Inference

struct ModelBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "model",
        abstract: "Measure model load time, prompt processing (pp) and decode (tg) tokens/s, and peak RSS.",
        discussion: """
        Prompt processing feeds --prompt-tokens tokens in batches; decode generates --decode-tokens tokens one \
        at a time (greedy) from an empty context, like llama-bench's pp512 and tg128. Each is run with one \
        thread and with --threads (default: every core), best of --repetitions.
        """
    )

    @OptionGroup var model: ModelOption
    @OptionGroup var threadsOption: ThreadsOption
    @Option(help: "Prompt tokens to process.")
    var promptTokens = 512
    @Option(help: "Tokens to decode.")
    var decodeTokens = 128
    @Option(help: "Runs of each measurement; the best is reported.")
    var repetitions = 3
    @Flag(help: "Print one JSON object instead of a table.")
    var json = false

    struct Run: Codable {
        let threads: Int
        let promptTokensPerSecond: Double
        let decodeTokensPerSecond: Double
    }

    struct Report: Codable {
        let model: String
        let fileBytes: Int
        let instructionSet: String
        let loadSeconds: Double
        let runs: [Run]
        let peakRSSBytes: Int
        let kvCacheBytes: Int
    }

    func run() throws {
        try Failure.reporting {
            let threads = try threadsOption.checked()
            guard promptTokens >= 1, decodeTokens >= 1, repetitions >= 1 else {
                throw ValidationErrorMessage("--prompt-tokens, --decode-tokens and --repetitions must be at least 1")
            }
            let loadStart = ContinuousClock.now
            let file = try model.open()
            let llama = try LlamaModel(file: file)
            _ = try Tokenizer(gguf: file.gguf)
            let loadSeconds = (ContinuousClock.now - loadStart).seconds
            let used = promptTokens + decodeTokens
            guard used <= llama.config.contextLength else {
                throw ValidationErrorMessage("--prompt-tokens plus --decode-tokens (\(used)) exceed the model's context of \(llama.config.contextLength)")
            }

            var runs: [Run] = []
            for count in Set([1, threads]).sorted() {
                let context = CPUBackend(model: llama, threads: count, contextLength: used)
                let prompt = (0..<promptTokens).map { Int32(($0 * 7919 + 11) % llama.config.vocabulary) }
                var pp = 0.0, tg = 0.0
                for _ in 0..<repetitions {
                    let start = ContinuousClock.now
                    _ = try context.prefill(prompt[...], sequence: 0, from: 0)
                    pp = max(pp, Double(promptTokens) / (ContinuousClock.now - start).seconds)

                    var token: Int32 = prompt[0]
                    let decodeStart = ContinuousClock.now
                    for position in 0..<decodeTokens {
                        context.clearBatch()
                        try context.append(token, sequence: 0, position: position, wantsLogits: true)
                        context.evaluate()
                        token = Sampler.argmax(context.logits(row: 0))
                    }
                    tg = max(tg, Double(decodeTokens) / (ContinuousClock.now - decodeStart).seconds)
                }
                runs.append(Run(threads: count, promptTokensPerSecond: pp, decodeTokensPerSecond: tg))
            }
            let c = llama.config
            let report = Report(
                model: (file.gguf.file as NSString).lastPathComponent, fileBytes: file.mapping.bytes.count, instructionSet: kernelInstructionSet,
                loadSeconds: loadSeconds, runs: runs, peakRSSBytes: peakResidentBytes(),
                kvCacheBytes: 2 * c.layers * used * c.kvDimension * MemoryLayout<Float>.size)
            print(json ? try jsonText(report) : table(report))
        }
    }

    private func jsonText(_ report: Report) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(report), as: UTF8.self)
    }

    private func table(_ report: Report) -> String {
        func megabytes(_ bytes: Int) -> String { String(format: "%.1f MB", Double(bytes) / 1_000_000) }
        var lines = [
            "model      \(report.model) (\(megabytes(report.fileBytes))), kernels \(report.instructionSet)",
            String(format: "load       %.3f s", report.loadSeconds),
        ]
        for run in report.runs {
            lines.append(String(format: "threads %-3d pp%d %8.1f tok/s   tg%d %7.1f tok/s", run.threads, promptTokens,
                                run.promptTokensPerSecond, decodeTokens, run.decodeTokensPerSecond))
        }
        let limit = Double(report.fileBytes) * 1.5 + Double(report.kvCacheBytes)
        lines.append("peak RSS   \(megabytes(report.peakRSSBytes)) (\(String(format: "%.2f", Double(report.peakRSSBytes) / limit)) × (1.5 × file + KV cache \(megabytes(report.kvCacheBytes))))")
        return lines.joined(separator: "\n")
    }
}

/// The most memory this process has had resident, from getrusage (kilobytes on Linux).
func peakResidentBytes() -> Int {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Int(usage.ru_maxrss) * 1024
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
