import ArenaProtocol
import Foundation
import LLMInterface

/// One `host-llm` call: the model streams on the cooperative pool while the agent's own thread waits
/// here (host functions are synchronous). Never call it from the pool itself.
final class BlockingCompletion: @unchecked Sendable {
    enum Outcome: Equatable {
        case finished(text: String, usage: GenerationUsage, reason: FinishReason)
        case failed(String)
        case timedOut(text: String)
        case pastDeadline
        case cancelled
        /// The run this call belongs to was canceled: the agent goes on with an empty answer.
        case abandoned
    }

    private let lock = NSLock()
    private var text = ""
    private var result: Result<(GenerationUsage, FinishReason), any Error>?
    /// Signalled when `result` is set. Waiting on a semaphore with a `DispatchTime` runs on the monotonic
    /// clock; `NSCondition.wait(until:)` would take a `Date`, and a wall clock set back would stretch it.
    private let finished = DispatchSemaphore(value: 0)
    /// Set when `run` has returned: text the model still streams before its cancellation lands belongs
    /// to no call (it would otherwise be shown as the agent's next one).
    private var isClosed = false

    /// Runs `request` on `llm`, reporting each piece of text (and each retry of a hosted model), until
    /// it finishes, `timeoutMs` passes,
    /// the call's `deadline` (monotonic ms) passes, or `isCancelled()` turns true.
    static func run(_ request: GenerationRequest, on llm: any LLM, timeoutMs: Int64, deadline: Int64,
                    isCancelled: @escaping @Sendable () -> Bool, isAbandoned: @escaping @Sendable () -> Bool = { false },
                    onRetry: @escaping @Sendable (LLMRetry) -> Void = { _ in },
                    onText: @escaping @Sendable (String) -> Void) -> Outcome {
        let completion = BlockingCompletion()
        let task = Task.detached {
            do {
                var finish = (GenerationUsage(promptTokens: 0, generatedTokens: 0), FinishReason.endOfText)
                for try await event in llm.generate(request) {
                    switch event {
                    case .text(let piece):
                        if completion.append(piece) { onText(piece) }
                    case .retrying(let attempt, let most, let delay, let reason):
                        // The provider waits and tries again; this call's timeout still bounds it all.
                        onRetry(LLMRetry(attempt: attempt, maxAttempts: most, delayMs: Int64((delay * 1000).rounded()), error: reason))
                    case .finished(let reason, let usage):
                        finish = (usage, reason)
                    }
                }
                completion.finish(.success(finish))
            } catch {
                completion.finish(.failure(error))
            }
        }
        defer { completion.close() }
        let timeoutAt = Moment.monotonicNowMs() + timeoutMs
        while true {
            if isCancelled() {
                task.cancel()
                return .cancelled
            }
            if isAbandoned() {
                task.cancel()
                return .abandoned
            }
            let now = Moment.monotonicNowMs()
            if now >= deadline {
                task.cancel()
                return .pastDeadline
            }
            if now >= timeoutAt {
                task.cancel()
                return .timedOut(text: completion.snapshot().text)
            }
            // Short waits, so cancellation is noticed within 100 ms.
            if let outcome = completion.wait(milliseconds: min(deadline, timeoutAt, now + 100) - now) { return outcome }
        }
    }

    /// Keeps a piece of the answer; false once the call is over (the piece is dropped).
    private func append(_ piece: String) -> Bool {
        lock.withLock {
            guard !isClosed else { return false }
            text += piece
            return true
        }
    }

    private func close() {
        lock.withLock { isClosed = true }
    }

    private func finish(_ outcome: Result<(GenerationUsage, FinishReason), any Error>) {
        lock.withLock { result = outcome }
        finished.signal()
    }

    private func snapshot() -> (text: String, result: Result<(GenerationUsage, FinishReason), any Error>?) {
        lock.withLock { (text, result) }
    }

    /// Waits up to `milliseconds` for the model to finish; its outcome, or nil if it has not.
    private func wait(milliseconds: Int64) -> Outcome? {
        if snapshot().result == nil {
            _ = finished.wait(timeout: .now() + .milliseconds(Int(max(0, milliseconds))))
        }
        return lock.withLock {
            switch result {
            case .success(let (usage, reason))?: return .finished(text: text, usage: usage, reason: reason)
            case .failure(let error)?: return .failed("\(error)")
            case nil: return nil
            }
        }
    }
}
