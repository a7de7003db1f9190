import EndToEndSupport
import Foundation
@testable import Inference
import Testing
import LLMInterface

@Suite("Serving requests")
struct BatchPlannerTests {
    @Test("every sequence with work gets a token; the rest of the batch goes to prompts in equal shares")
    func fairShares() {
        #expect(BatchPlanner.plan(demands: [1, 1, 1], capacity: 64) == [1, 1, 1])
        #expect(BatchPlanner.plan(demands: [500, 1, 500], capacity: 64) == [32, 1, 31])
        #expect(BatchPlanner.plan(demands: [3, 500], capacity: 64) == [3, 61])
        #expect(BatchPlanner.plan(demands: [0, 10], capacity: 4) == [0, 4])
        #expect(BatchPlanner.plan(demands: [5, 5, 5], capacity: 2) == [1, 1, 0])
        #expect(BatchPlanner.plan(demands: [], capacity: 8) == [])
    }

    @Test("stop strings are never shown, not even in part; what precedes them is")
    func stopStrings() {
        var filter = StopStringFilter(stopStrings: ["<|im_end|>", "\n\nUser:"])
        #expect(filter.feed("Hello") == ("Hello", false))
        #expect(filter.feed(" there<|im") == (" there", false))
        #expect(filter.feed("_e") == ("", false))
        #expect(filter.feed("nd|> more") == ("", true))
        var partial = StopStringFilter(stopStrings: ["STOP"])
        #expect(partial.feed("a ST") == ("a ", false))
        #expect(partial.feed("ORM") == ("STORM", false))
        #expect(partial.feed(" ST") == (" ", false))
        #expect(partial.finish() == "ST")
        var none = StopStringFilter(stopStrings: [""])
        #expect(none.feed("anything") == ("anything", false))
    }

    @Test("the sampling generator is deterministic per seed and differs between seeds")
    func seededRandom() {
        var a = SamplingRandom(seed: 7), b = SamplingRandom(seed: 7), c = SamplingRandom(seed: 8)
        let first = (0..<4).map { _ in a.next() }
        #expect(first == (0..<4).map { _ in b.next() })
        #expect(first != (0..<4).map { _ in c.next() })
    }
}

@Suite("Local LLM", .enabled(if: DefaultModel.isPresent, "run `make setup` to fetch the default model"))
struct LocalLLMTests {
    static let llm: LocalLLM? = try? LocalLLM(file: GGUFModelFile(path: DefaultModel.path), threads: 2, sequences: 4, contextLength: 512)

    static func collect(_ llm: LocalLLM, _ request: GenerationRequest) async throws -> (text: String, end: GenerationEvent?) {
        var text = ""
        var end: GenerationEvent?
        for try await event in llm.generate(request) {
            if case .text(let piece) = event { text += piece } else { end = event }
        }
        return (text, end)
    }

    static func greedy(_ question: String, maxTokens: Int = 24) -> GenerationRequest {
        GenerationRequest(prompt: .chat([.init(role: "user", content: question)]), sampling: .greedy, maxTokens: maxTokens)
    }

    @Test("chat questions get sensible English answers (greedy) and the reason they ended")
    func answers() async throws {
        let llm = try #require(Self.llm)
        for (question, expected) in [("What colour is the sky on a clear day?", "blue"), ("Name the largest planet in the solar system.", "planet")] {
            let answer = try await Self.collect(llm, Self.greedy(question, maxTokens: 40)).text
            #expect(answer.contains(expected), "\(answer)")
            // English prose: words of letters, the commonest words present.
            let words = answer.split { !$0.isLetter && $0 != "'" && $0 != "-" }
            let common = Set(words.map { $0.lowercased() }).intersection(["the", "is", "a", "and", "of", "in", "it", "to"])
            #expect(words.count >= 15 && common.count >= 3, "\(answer)")
        }
        let (text, end) = try await Self.collect(llm, Self.greedy("What is the capital of France?"))
        #expect(text.contains("Paris"), "\(text)")
        guard case .finished(.endOfText, let usage) = end else { Issue.record("ended with \(String(describing: end))"); return }
        #expect(usage.generatedTokens > 0)
        #expect(!text.contains("<|im_end|>"))
    }

    @Test("concurrent requests share the model, stream side by side, and each gets the text it would get alone")
    func concurrentRequestsAreServedFairly() async throws {
        let llm = try #require(Self.llm)
        let questions = ["Name three colours.", "What is two plus two?", "Say hello in French."]
        var alone: [String] = []
        for question in questions { alone.append(try await Self.collect(llm, Self.greedy(question, maxTokens: 20)).text) }

        let log = EventLog()
        // All three are queued before any is read, so they start together.
        let streams = questions.map { llm.generate(Self.greedy($0, maxTokens: 20)) }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (index, stream) in streams.enumerated() {
                group.addTask { for try await event in stream { log.append(index, event) } }
            }
            try await group.waitForAll()
        }
        for index in questions.indices { #expect(log.text(of: index) == alone[index], "request \(index)") }
        // Fair: every request had streamed text before any of them finished.
        let firstFinish = log.entries.firstIndex { if case .finished = $0.event { return true } else { return false } } ?? 0
        for index in questions.indices {
            #expect(log.entries[..<firstFinish].contains { $0.request == index }, "request \(index) waited for another to finish")
        }
    }

    @Test("the same seed gives the same text; another seed another text")
    func seeds() async throws {
        let llm = try #require(Self.llm)
        func story(_ seed: UInt64) -> GenerationRequest {
            var sampling = SamplingOptions()
            sampling.temperature = 1
            return GenerationRequest(prompt: .text("Once upon a time"), sampling: sampling, maxTokens: 16, seed: seed)
        }
        let first = try await Self.collect(llm, story(1)).text
        #expect(try await Self.collect(llm, story(1)).text == first)
        #expect(try await Self.collect(llm, story(2)).text != first)
    }

    @Test("cancelling a request stops it and frees its sequence for the next", .timeLimit(.minutes(1)))
    func cancellation() async throws {
        let llm = try #require(Self.llm)
        let long = GenerationRequest(prompt: .text("1, 2, 3,"), sampling: .greedy, maxTokens: 2000)
        // More requests than sequences, each cancelled after its second piece of text: were a cancelled
        // request to keep its sequence, the fifth would wait forever.
        for _ in 0..<6 {
            let task = Task {
                var pieces = 0, finished = false
                for try await event in llm.generate(long) {
                    if case .text = event { pieces += 1 } else { finished = true }
                    if pieces == 2 { withUnsafeCurrentTask { $0?.cancel() } }
                }
                return (pieces, finished)
            }
            let (pieces, finished) = try await task.value
            // Text already on its way may still arrive; the end of 2000 tokens never does.
            #expect(pieces >= 2 && !finished)
        }
        let (text, _) = try await Self.collect(llm, Self.greedy("What is the capital of France?"))
        #expect(text.contains("Paris"))
    }

    @Test("releasing a LocalLLM frees its model, engine and threads")
    func release() async throws {
        weak var model: LlamaModel?
        do {
            let llm = try LocalLLM(file: GGUFModelFile(path: DefaultModel.path), threads: 3, sequences: 1, contextLength: 64)
            model = llm.model
            _ = try await Self.collect(llm, GenerationRequest(prompt: .text("Hi"), sampling: .greedy, maxTokens: 2))
        }
        // The engine thread lets go of everything as it ends, just after the LocalLLM's deinit.
        let deadline = ContinuousClock.now + .seconds(5)
        while model != nil && ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(10)) }
        #expect(model == nil)
    }

    @Test("bad requests are refused with the reason")
    func badRequests() async throws {
        let llm = try #require(Self.llm)
        let long = String(repeating: "word ", count: 600)
        await #expect(throws: LLMError.promptTooLong(tokens: 601, contextLength: 512)) {  // 600 words and the trailing space
            _ = try await Self.collect(llm, GenerationRequest(prompt: .text(long)))
        }
        await #expect(throws: LLMError.invalidRequest("max tokens must be at least 1")) {
            _ = try await Self.collect(llm, GenerationRequest(prompt: .text("x"), maxTokens: 0))
        }
        // An absurd token budget is bounded by the context, not trusted.
        let (_, end) = try await Self.collect(llm, GenerationRequest(prompt: .text("Hi"), sampling: .greedy, maxTokens: .max, stopStrings: ["."]))
        #expect(end != nil)
        var absurd = SamplingOptions()
        absurd.topP = 0
        await #expect(throws: SamplingError.self) { _ = try await Self.collect(llm, GenerationRequest(prompt: .text("x"), sampling: absurd)) }
    }

    @Test("a request that fills the context ends with context full")
    func contextFull() async throws {
        let small = try LocalLLM(file: GGUFModelFile(path: DefaultModel.path), threads: 1, sequences: 1, contextLength: 12)
        let (_, end) = try await Self.collect(small, GenerationRequest(prompt: .text("1, 2, 3,"), sampling: .greedy, maxTokens: 100))
        guard case .finished(.contextFull, let usage) = end else { Issue.record("ended with \(String(describing: end))"); return }
        // Every position holds a token; the last token sampled needs none.
        #expect(usage.promptTokens + usage.generatedTokens == 12 + 1)
    }
}

/// Events from concurrent requests in the order they arrived.
final class EventLog: @unchecked Sendable {
    struct Entry { let request: Int; let event: GenerationEvent }
    private let lock = NSLock()
    private var stored: [Entry] = []
    var entries: [Entry] { lock.withLock { stored } }
    func append(_ request: Int, _ event: GenerationEvent) { lock.withLock { stored.append(Entry(request: request, event: event)) } }
    func text(of request: Int) -> String {
        entries.filter { $0.request == request }.compactMap { if case .text(let text) = $0.event { text } else { nil } }.joined()
    }
}
