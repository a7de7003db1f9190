import Foundation
import Inference

/// One `host-llm` call: the model streams on the cooperative pool while the agent's own thread waits
/// here (host functions are synchronous). Never call it from the pool itself.
final class BlockingCompletion: @unchecked Sendable {
    enum Outcome: Equatable {
        case finished(text: String, generatedTokens: Int)
        case failed(String)
        case timedOut(text: String)
        case pastDeadline
        case cancelled
    }

    private let condition = NSCondition()
    private var text = ""
    private var result: Result<Int, any Error>?

    /// Runs `request` on `llm`, reporting each piece of text, until it finishes, `timeoutMs` passes,
    /// the call's `deadline` (ms since epoch) passes, or `isCancelled()` turns true.
    static func run(_ request: GenerationRequest, on llm: any LLM, timeoutMs: Int64, deadline: Int64,
                    isCancelled: @escaping @Sendable () -> Bool, onText: @escaping @Sendable (String) -> Void) -> Outcome {
        let completion = BlockingCompletion()
        let task = Task.detached {
            do {
                var generated = 0
                for try await event in llm.generate(request) {
                    switch event {
                    case .text(let piece):
                        completion.append(piece)
                        onText(piece)
                    case .finished(_, let usage):
                        generated = usage.generatedTokens
                    }
                }
                completion.finish(.success(generated))
            } catch {
                completion.finish(.failure(error))
            }
        }
        let timeoutAt = Clock.nowMs() + timeoutMs
        while true {
            if isCancelled() {
                task.cancel()
                return .cancelled
            }
            let now = Clock.nowMs()
            if now >= deadline {
                task.cancel()
                return .pastDeadline
            }
            if now >= timeoutAt {
                task.cancel()
                return .timedOut(text: completion.snapshot().text)
            }
            // Short waits, so cancellation is noticed within 100 ms.
            if let outcome = completion.wait(untilMs: min(deadline, timeoutAt, now + 100)) { return outcome }
        }
    }

    private func append(_ piece: String) {
        condition.withLock { text += piece }
    }

    private func finish(_ outcome: Result<Int, any Error>) {
        condition.withLock {
            result = outcome
            condition.broadcast()
        }
    }

    private func snapshot() -> (text: String, result: Result<Int, any Error>?) {
        condition.withLock { (text, result) }
    }

    private func wait(untilMs: Int64) -> Outcome? {
        condition.withLock {
            if result == nil {
                _ = condition.wait(until: Date(timeIntervalSince1970: Double(untilMs) / 1000))
            }
            switch result {
            case .success(let generated)?: return .finished(text: text, generatedTokens: generated)
            case .failure(let error)?: return .failed("\(error)")
            case nil: return nil
            }
        }
    }
}

enum Clock {
    static func nowMs() -> Int64 { Int64(Date().timeIntervalSince1970 * 1000) }
}
