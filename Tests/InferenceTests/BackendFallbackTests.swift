import EndToEndSupport
import Foundation
@testable import Inference
import Testing
import LLMInterface

/// A CPU backend that fails like a lost GPU on its `failing`th forward pass (and every one after).
final class FailingBackend: ForwardBackend {
    let inner: CPUBackend
    let failing: Int
    private(set) var passes = 0

    init(model: LlamaModel, shape: BackendShape, failing: Int) {
        inner = CPUBackend(model: model, threads: 1, sequences: shape.sequences, contextLength: shape.contextLength)
        self.failing = failing
    }

    var deviceDescription: String { "test GPU" }
    var batch: TokenBatch {
        get { inner.batch }
        set { inner.batch = newValue }
    }
    var vocabulary: Int { inner.vocabulary }
    func evaluate() throws(ForwardError) {
        passes += 1
        if passes >= failing { throw .deviceLost("the test device reset") }
        inner.evaluate()
    }
    func logits(row: Int) -> UnsafeMutableBufferPointer<Float> { inner.logits(row: row) }
}

/// Collects notices from the engine's thread.
final class Notices: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []
    var all: [String] { lock.withLock { lines } }
    func add(_ line: String) { lock.withLock { lines.append(line) } }
}

@Suite("Backend fallback", .enabled(if: DefaultModel.isPresent, "run `make setup` to fetch the default model"))
struct BackendFallbackTests {
    @Test("an accelerator that cannot take the model leaves it on the CPU, with one notice naming the reason")
    func refusedAtLoad() async throws {
        struct TooBig: Error, CustomStringConvertible { var description: String { "test GPU cannot hold the model: it needs 9 GiB, it has 2 GiB" } }
        let notices = Notices()
        let llm = try LocalLLM(file: GGUFModelFile(path: DefaultModel.path), threads: 1, sequences: 1, contextLength: 64,
                               accelerator: { _, _ in throw TooBig() }, notices: notices.add)
        #expect(llm.deviceDescription.hasPrefix("CPU"), "\(llm.deviceDescription)")
        #expect(notices.all.count == 1)
        #expect(notices.all.first?.contains("it needs 9 GiB, it has 2 GiB; the model runs on the CPU") == true, "\(notices.all)")
        let (text, _) = try await LocalLLMTests.collect(llm, LocalLLMTests.greedy("What is the capital of France?"))
        #expect(text.contains("Paris"), "\(text)")
    }

    @Test("a device lost mid-generation ends that request with the reason, keeps its text, and the next request runs on the CPU")
    func lostMidGeneration() async throws {
        let notices = Notices()
        let llm = try LocalLLM(file: GGUFModelFile(path: DefaultModel.path), threads: 1, sequences: 2, contextLength: 128,
                               accelerator: { model, shape in FailingBackend(model: model, shape: shape, failing: 6) }, notices: notices.add)
        #expect(llm.deviceDescription == "test GPU")
        var text = ""
        var failure: (any Error)?
        do {
            for try await event in llm.generate(LocalLLMTests.greedy("Count from one to twenty.", maxTokens: 40)) {
                if case .text(let piece) = event { text += piece }
            }
        } catch {
            failure = error
        }
        // The prompt took one pass; the next four gave text before the sixth failed.
        #expect(!text.isEmpty)
        guard case LLMError.backendFailed(let reason)? = failure else {
            Issue.record("ended with \(String(describing: failure))")
            return
        }
        #expect(reason.contains("the test device reset") && reason.contains("from now on the model runs on the CPU"), "\(reason)")
        #expect(notices.all == [reason])
        let (answer, end) = try await LocalLLMTests.collect(llm, LocalLLMTests.greedy("What is the capital of France?"))
        #expect(answer.contains("Paris"), "\(answer)")
        guard case .finished = end else { Issue.record("the CPU's request ended with \(String(describing: end))"); return }
        #expect(notices.all.count == 1, "one notice, not one per request")
    }
}
