import ArenaBench
import ArgumentParser
import Foundation
import Inference
import SafeText
import VulkanInference

struct ModelBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "model",
        abstract: "Measure model load time, prompt processing (pp) and decode (tg) tokens/s, and peak RSS.",
        discussion: """
        Prompt processing feeds --prompt-tokens tokens in batches; decode generates --decode-tokens tokens one \
        at a time (greedy) from an empty context, like llama-bench's pp512 and tg128. On the CPU each is run \
        with one thread and with --threads (default: every core), best of --repetitions. With --device vulkan \
        (or vulkan:N) they run on that GPU; --profile adds the GPU time per kernel group. On the CPU the \
        machine's memory read bandwidth is measured too, and decode's share of it (weight bytes read per \
        token × tokens/s ÷ bandwidth). --parallel 1,5,8 also runs that many sequences at once, each a \
        prompt then a decode (like llama-batched-bench), and prints aggregate and per-sequence tokens/s.
        """
    )

    @OptionGroup var model: ModelOption
    @OptionGroup var engine: EngineOptions
    @Option(help: "Prompt tokens to process.")
    var promptTokens = 512
    @Option(help: "Tokens to decode.")
    var decodeTokens = 128
    @Option(help: "Runs of each measurement; the best is reported.")
    var repetitions = 3
    @Flag(help: "Print one JSON object instead of a table.")
    var json = false
    @Flag(help: "With a Vulkan device: GPU time per kernel group (timestamp queries), for decode.")
    var profile = false
    @Option(help: ArgumentHelp("Sequences decoding at once, comma-separated (1 to 64 each), like llama-batched-bench's -npl.",
                               valueName: "n,n,…"))
    var parallel: String?

    struct Run: Codable {
        /// CPU threads (the engine thread alone for a GPU run).
        let threads: Int
        let promptTokensPerSecond: Double
        let decodeTokensPerSecond: Double
        /// CPU runs: the read bandwidth of this many threads, and the share of it decode uses.
        let readBytesPerSecond: Double?
        let decodeBandwidthShare: Double?
    }

    /// `sequences` prompts processed, then decoded side by side (one pass a step for all of them).
    struct ParallelRun: Codable {
        let sequences: Int
        let promptTokensPerSecond: Double
        let decodeTokensPerSecond: Double
        let decodeTokensPerSecondPerSequence: Double
    }

    /// GPU time of one kernel group per decoded token.
    struct KernelGroupTime: Codable {
        let group: String
        let microsecondsPerToken: Double
        let share: Double
    }

    struct Report: Codable {
        let model: String
        let fileBytes: Int
        let instructionSet: String
        /// "cpu", or the Vulkan device's name.
        let device: String
        let loadSeconds: Double
        let runs: [Run]
        let peakRSSBytes: Int
        let kvCacheBytes: Int
        /// Weight bytes one decode step reads.
        let decodeBytesPerToken: Int
        let parallel: [ParallelRun]?
        /// Vulkan only: dispatches recorded per decode step, and (with --profile) GPU time per group.
        let dispatchesPerToken: Int?
        let kernelGroups: [KernelGroupTime]?
    }

    func run() throws {
        try Failure.reporting {
            let threads = try engine.checked()
            guard promptTokens >= 1, decodeTokens >= 1, repetitions >= 1 else {
                throw ValidationErrorMessage("--prompt-tokens, --decode-tokens and --repetitions must be at least 1")
            }
            let sequenceCounts = try parallel.map(Self.sequenceCounts) ?? []
            let loadStart = ContinuousClock.now
            let file = try model.open()
            let llama = try LlamaModel(file: file)
            _ = try Tokenizer(gguf: file.gguf)
            let loadSeconds = (ContinuousClock.now - loadStart).seconds
            let used = promptTokens + decodeTokens
            guard used <= llama.config.contextLength else {
                throw ValidationErrorMessage("--prompt-tokens plus --decode-tokens (\(used)) exceed the model's context of \(llama.config.contextLength)")
            }

            let shape = BackendShape(sequences: 1, contextLength: used)
            var runs: [Run] = []
            var device = "cpu"
            var dispatches: Int?
            var groups: [KernelGroupTime]?
            let accelerator = engine.accelerator(profiling: profile, notices: noticeOnStandardError)
            if let accelerator {
                let backend = try accelerator(llama, shape)
                let gpu = backend as? VulkanBackend
                device = gpu?.device.info.name ?? backend.deviceDescription
                let (pp, tg) = try measure(backend, vocabulary: llama.config.vocabulary) { gpu?.resetProfile() }
                runs.append(Run(threads: 1, promptTokensPerSecond: pp, decodeTokensPerSecond: tg, readBytesPerSecond: nil, decodeBandwidthShare: nil))
                dispatches = gpu?.dispatchesPerStep
                if profile, let gpu {
                    // The last repetition's decode: its GPU time per token, group by group.
                    let total = gpu.profile.values.reduce(0, +)
                    groups = gpu.profile.sorted { $0.value > $1.value }.map {
                        KernelGroupTime(group: $0.key, microsecondsPerToken: $0.value / Double(decodeTokens) * 1e6,
                                        share: total > 0 ? $0.value / total : 0)
                    }
                }
            } else {
                for count in Set([1, threads]).sorted() {
                    let backend = CPUBackend(model: llama, threads: count, contextLength: used)
                    let (pp, tg) = try measure(backend, vocabulary: llama.config.vocabulary) {}
                    runs.append(Run(threads: count, promptTokensPerSecond: pp, decodeTokensPerSecond: tg, readBytesPerSecond: nil, decodeBandwidthShare: nil))
                }
            }

            // One sequence's peak: before the parallel runs' caches and the bandwidth measurement's buffer.
            let peak = peakResidentBytes()
            var parallelRuns: [ParallelRun] = []
            for sequences in sequenceCounts {
                let shape = BackendShape(sequences: sequences, contextLength: used)
                let backend = try accelerator?(llama, shape)
                    ?? CPUBackend(model: llama, threads: threads, sequences: sequences, contextLength: used)
                parallelRuns.append(try measureParallel(backend, sequences: sequences, vocabulary: llama.config.vocabulary))
            }
            runs = runs.map { run in
                guard device == "cpu" else { return run }
                let bandwidth = MemoryBandwidth.measure(threads: run.threads)
                return Run(threads: run.threads, promptTokensPerSecond: run.promptTokensPerSecond, decodeTokensPerSecond: run.decodeTokensPerSecond,
                           readBytesPerSecond: bandwidth, decodeBandwidthShare: Double(llama.program(contextLength: used).decodeWeightBytes) * run.decodeTokensPerSecond / bandwidth)
            }
            let c = llama.config
            // The CPU keeps f32 keys and values; the Vulkan backend f16.
            let cacheScalar = accelerator == nil ? MemoryLayout<Float>.size : 2
            let report = Report(
                model: (file.gguf.file as NSString).lastPathComponent, fileBytes: file.mapping.bytes.count, instructionSet: kernelInstructionSet,
                device: device, loadSeconds: loadSeconds, runs: runs, peakRSSBytes: peak,
                kvCacheBytes: 2 * c.layers * used * c.kvDimension * cacheScalar, decodeBytesPerToken: llama.program(contextLength: used).decodeWeightBytes,
                parallel: sequenceCounts.isEmpty ? nil : parallelRuns, dispatchesPerToken: dispatches, kernelGroups: groups)
            print(json ? try reportJSON(report) : table(report))
        }
    }

    static func sequenceCounts(_ text: String) throws -> [Int] {
        try countList(text, option: "--parallel", of: "sequences", upTo: 64, example: "1,5,8")
    }

    /// `sequences` sequences: each one's prompt (the batches of a pass filled across them), then decode
    /// steps of one token for every sequence in one pass. Best of `repetitions`; aggregate tokens/s.
    private func measureParallel(_ backend: any ForwardBackend, sequences: Int, vocabulary: Int) throws -> ParallelRun {
        var pp = 0.0, tg = 0.0
        for _ in 0..<repetitions {
            let prompts = (0..<sequences).map { s in (0..<promptTokens).map { Int32(($0 * 7919 + 11 + s * 104_729) % vocabulary) } }
            let start = ContinuousClock.now
            var next = Array(repeating: 0, count: sequences)
            while next.contains(where: { $0 < promptTokens }) {
                backend.clearBatch()
                for s in 0..<sequences where next[s] < promptTokens {
                    while next[s] < promptTokens, backend.batch.count < backend.batchCapacity {
                        try backend.append(prompts[s][next[s]], sequence: s, position: next[s], wantsLogits: next[s] == promptTokens - 1)
                        next[s] += 1
                    }
                }
                try backend.evaluate()
            }
            pp = max(pp, Double(sequences * promptTokens) / (ContinuousClock.now - start).seconds)

            var tokens = prompts.map { $0[promptTokens - 1] }
            let decodeStart = ContinuousClock.now
            for step in 0..<decodeTokens {
                backend.clearBatch()
                for s in 0..<sequences { try backend.append(tokens[s], sequence: s, position: promptTokens + step, wantsLogits: true) }
                try backend.evaluate()
                for s in 0..<sequences { tokens[s] = Sampler.argmax(backend.logits(row: s)) }
            }
            tg = max(tg, Double(sequences * decodeTokens) / (ContinuousClock.now - decodeStart).seconds)
        }
        return ParallelRun(sequences: sequences, promptTokensPerSecond: pp, decodeTokensPerSecond: tg,
                           decodeTokensPerSecondPerSequence: tg / Double(sequences))
    }

    /// Best-of-`repetitions` prompt processing and decode tokens/s; `beforeDecode` runs before each timed decode.
    private func measure(_ backend: any ForwardBackend, vocabulary: Int, beforeDecode: () -> Void) throws -> (Double, Double) {
        let prompt = (0..<promptTokens).map { Int32(($0 * 7919 + 11) % vocabulary) }
        var pp = 0.0, tg = 0.0
        for _ in 0..<repetitions {
            let start = ContinuousClock.now
            _ = try backend.prefill(prompt[...], sequence: 0, from: 0)
            pp = max(pp, Double(promptTokens) / (ContinuousClock.now - start).seconds)

            var token: Int32 = prompt[0]
            beforeDecode()
            let decodeStart = ContinuousClock.now
            for position in 0..<decodeTokens {
                backend.clearBatch()
                try backend.append(token, sequence: 0, position: position, wantsLogits: true)
                try backend.evaluate()
                token = Sampler.argmax(backend.logits(row: 0))
            }
            tg = max(tg, Double(decodeTokens) / (ContinuousClock.now - decodeStart).seconds)
        }
        return (pp, tg)
    }

    private func table(_ report: Report) -> String {
        func megabytes(_ bytes: Int) -> String { String(format: "%.1f MB", Double(bytes) / 1_000_000) }
        var lines = [
            "model      \(report.model) (\(megabytes(report.fileBytes))), "
                + (report.device == "cpu" ? "kernels \(report.instructionSet)" : "Vulkan on \(report.device)"),
            String(format: "load       %.3f s", report.loadSeconds),
        ]
        for run in report.runs {
            let label = report.device == "cpu" ? String(format: "threads %-3d", run.threads) : "vulkan     "
            var line = String(format: "%@ pp%d %8.1f tok/s   tg%d %7.1f tok/s", label, promptTokens,
                              run.promptTokensPerSecond, decodeTokens, run.decodeTokensPerSecond)
            if let bandwidth = run.readBytesPerSecond, let share = run.decodeBandwidthShare {
                line += String(format: "   read %.1f GB/s, decode uses %.0f %%", bandwidth / 1e9, share * 100)
            }
            lines.append(line)
        }
        lines.append(String(format: "decode     reads %@ of weights per token", megabytes(report.decodeBytesPerToken)))
        for run in report.parallel ?? [] {
            lines.append(String(format: "parallel %-2d pp%d %8.1f tok/s   tg%d %7.1f tok/s (%.1f per sequence)", run.sequences, promptTokens,
                                run.promptTokensPerSecond, decodeTokens, run.decodeTokensPerSecond, run.decodeTokensPerSecondPerSequence))
        }
        if let dispatches = report.dispatchesPerToken { lines.append("dispatches \(dispatches) per decode step, one command buffer") }
        for group in report.kernelGroups ?? [] {
            lines.append(String(format: "  %-14@ %9.1f µs/token  %5.1f %%", group.group, group.microsecondsPerToken, group.share * 100))
        }
        let limit = Double(report.fileBytes) * 1.5 + Double(report.kvCacheBytes)
        lines.append("peak RSS   \(megabytes(report.peakRSSBytes)) (\(String(format: "%.2f", Double(report.peakRSSBytes) / limit)) × (1.5 × file + KV cache \(megabytes(report.kvCacheBytes))))")
        return lines.map(Sanitizer.line).joined(separator: "\n")
    }
}

/// The most memory this program has had resident (VmHWM; getrusage as a fallback off Linux).
func peakResidentBytes() -> Int {
    if let bytes = peakResidentBytes(ofProcess: getpid()) { return bytes }
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Int(usage.ru_maxrss) * 1024
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}

/// A comma-separated list of counts ("1,5,8"), each from 1 to `limit`, at most 16 of them.
func countList(_ text: String, option: String, of things: String, upTo limit: Int, example: String) throws -> [Int] {
    let counts = text.split(separator: ",", omittingEmptySubsequences: false).map { Int($0.trimmingCharacters(in: .whitespaces)) }
    guard !counts.isEmpty, counts.count <= 16, counts.allSatisfy({ ($0 ?? 0) >= 1 && ($0 ?? 0) <= limit }) else {
        throw ValidationErrorMessage("\(option) takes up to 16 comma-separated counts of 1 to \(limit) \(things), like \(example) (got \(text))")
    }
    return counts.compactMap { $0 }
}
