import Foundation
import Synchronization
import LLMInterface

/// The thread that owns a `ForwardBackend` and serves requests on it: it admits requests into free
/// sequences, plans each step's batch fairly, samples, and streams text back. Everything a request
/// needs while running lives on this thread; callers talk to it through `submit` and `cancel`.
final class InferenceEngine: @unchecked Sendable {
    typealias Continuation = AsyncThrowingStream<GenerationEvent, any Error>.Continuation

    /// Changes only on the engine's thread (a lost GPU gives way to the fallback); read elsewhere only
    /// for what every backend of this engine shares (capacity, context).
    private(set) var backend: any ForwardBackend
    /// Makes the backend that takes over when a forward pass fails (the CPU, for a GPU backend).
    private var fallback: (@Sendable () -> any ForwardBackend)?
    private let tokenizer: Tokenizer
    private let notices: @Sendable (String) -> Void
    private let inbox = Mutex(Inbox())
    private let wakeup = NSCondition()
    private let counters = Mutex(BatchStatistics())

    /// How full the forward passes were so far.
    var statistics: BatchStatistics { counters.withLock { $0 } }

    private struct Inbox {
        var nextID = 1
        var arrived: [Job] = []
        var cancelled: Set<Int> = []
        var stopping = false
        var stopped = false
    }

    init(backend: any ForwardBackend, fallback: (@Sendable () -> any ForwardBackend)?, tokenizer: Tokenizer,
         notices: @escaping @Sendable (String) -> Void) {
        self.backend = backend
        self.fallback = fallback
        self.tokenizer = tokenizer
        self.notices = notices
        // The thread holds the engine until `serve` returns; the engine does not hold the thread (a
        // Foundation Thread keeps its closure, so holding it would be a cycle).
        let thread = Thread { [self] in self.serve() }
        thread.name = "mowai-inference"
        thread.stackSize = 4 << 20
        thread.start()
    }

    /// An id for a request about to be submitted, so its stream can be wired to cancel it first.
    func reserveID() -> Int {
        inbox.withLock { inbox in
            defer { inbox.nextID += 1 }
            return inbox.nextID
        }
    }

    func submit(id: Int, prompt: [Int32], request: GenerationRequest, stopStrings: [String], continuation: Continuation) {
        inbox.withLock { $0.arrived.append(Job(id: id, prompt: prompt, request: request, stopStrings: stopStrings, continuation: continuation)) }
        signal()
    }

    func cancel(_ id: Int) {
        inbox.withLock { _ = $0.cancelled.insert(id) }
        signal()
    }

    /// Ends every request (their streams finish with CancellationError) and the thread; waits for it.
    func stop() {
        inbox.withLock { $0.stopping = true }
        signal()
        while !inbox.withLock({ $0.stopped }) { usleep(200) }
    }

    private func signal() {
        wakeup.lock()
        wakeup.signal()
        wakeup.unlock()
    }

    // MARK: The engine thread

    private var waiting: [Job] = []
    private var active: [Job] = []
    private var freeSequences: [Int] = []
    private var turn = 0
    /// Set when the backend failed with no fallback: later requests end with this at once.
    private var failed: String?

    private func serve() {
        freeSequences = Array((0..<backend.sequenceCount).reversed())
        while true {
            wakeup.lock()
            while active.isEmpty && waiting.isEmpty && inbox.withLock({ $0.arrived.isEmpty && $0.cancelled.isEmpty && !$0.stopping }) {
                wakeup.wait()
            }
            wakeup.unlock()
            let (arrived, cancelled, stopping) = inbox.withLock { inbox in
                defer { inbox.arrived = []; inbox.cancelled = [] }
                return (inbox.arrived, inbox.cancelled, inbox.stopping)
            }
            waiting += arrived
            if let failed {
                for job in waiting { job.continuation.finish(throwing: LLMError.backendFailed(failed)) }
                waiting.removeAll()
            }
            if stopping {
                for job in waiting + active { job.continuation.finish(throwing: CancellationError()) }
                inbox.withLock { $0.stopped = true }
                return
            }
            if !cancelled.isEmpty {
                // Waiting or running: a cancelled request goes either way.
                waiting.removeAll { cancelled.contains($0.id) }
                for job in active where cancelled.contains(job.id) { release(job) }
            }
            while !waiting.isEmpty, let sequence = freeSequences.popLast() {
                let job = waiting.removeFirst()
                job.sequence = sequence
                active.append(job)
            }
            if !active.isEmpty { step() }
        }
    }

    /// One forward pass: every active request advances by its share of the batch.
    private func step() {
        turn = (turn + 1) % active.count
        let order = Array(active[turn...] + active[..<turn])
        let context = backend
        let counts = BatchPlanner.plan(demands: order.map(\.demand), capacity: context.batchCapacity)
        let sequences = counts.filter { $0 > 0 }.count
        let rows = counts.reduce(0, +)
        counters.withLock { $0.record(rows: rows, sequences: sequences) }
        context.clearBatch()
        var sampled: [Job] = []
        for (job, count) in zip(order, counts) where count > 0 {
            do {
                if let token = job.pendingToken {
                    try context.append(token, sequence: job.sequence, position: job.position, wantsLogits: true)
                    job.position += 1
                    sampled.append(job)
                } else {
                    for _ in 0..<count {
                        let last = job.fed + 1 == job.prompt.count
                        try context.append(job.prompt[job.fed], sequence: job.sequence, position: job.position, wantsLogits: last)
                        job.fed += 1
                        job.position += 1
                        if last { sampled.append(job) }
                    }
                }
            } catch {
                job.continuation.finish(throwing: error)
                release(job)
            }
        }
        do {
            try context.evaluate()
        } catch {
            return failBackend(error)
        }
        for (row, job) in sampled.enumerated() { advance(job, logits: context.logits(row: row)) }
    }

    /// A forward pass failed: every running request ends with the reason (their caches are gone), and the
    /// fallback, if there is one, serves the waiting ones and everything after.
    private func failBackend(_ error: ForwardError) {
        let replacement = fallback?()
        let detail = replacement.map { "\(error); from now on the model runs on the \($0.deviceDescription)" } ?? "\(error)"
        // Told first, so whoever shows notices has the reason before the requests end with it.
        notices(detail)
        for job in active {
            job.continuation.finish(throwing: LLMError.backendFailed(detail))
        }
        active.removeAll()
        guard let replacement else {
            // Nothing to go on with: what waits fails too, rather than waiting forever.
            for job in waiting { job.continuation.finish(throwing: LLMError.backendFailed(detail)) }
            waiting.removeAll()
            failed = detail
            return
        }
        backend = replacement
        fallback = nil
        freeSequences = Array((0..<replacement.sequenceCount).reversed())
    }

    /// Samples the next token of `job` and streams what it completes.
    private func advance(_ job: Job, logits: UnsafeMutableBufferPointer<Float>) {
        let token = job.sampler.sample(logits, recent: job.history[...], using: &job.generator)
        job.pendingToken = nil
        if tokenizer.isEndOfGeneration(token) { return finish(job, .endOfText) }
        job.history.append(token)
        job.generated += 1
        let (text, stopped) = job.filter.feed(job.utf8.append(tokenizer.bytes(of: [token])))
        if !text.isEmpty { job.continuation.yield(.text(text)) }
        if stopped { return finish(job, .stopString, flush: false) }
        if job.generated >= job.request.maxTokens { return finish(job, .maxTokens) }
        if job.position >= backend.contextLength { return finish(job, .contextFull) }
        job.pendingToken = token
    }

    private func finish(_ job: Job, _ reason: FinishReason, flush: Bool = true) {
        if flush {
            let rest = job.filter.feed(job.utf8.finish()).text + job.filter.finish()
            if !rest.isEmpty { job.continuation.yield(.text(rest)) }
        }
        job.continuation.yield(.finished(reason, GenerationUsage(promptTokens: job.prompt.count, generatedTokens: job.generated)))
        job.continuation.finish()
        release(job)
    }

    private func release(_ job: Job) {
        guard let index = active.firstIndex(where: { $0 === job }) else { return }
        active.remove(at: index)
        freeSequences.append(job.sequence)
        job.continuation.finish()
    }
}

/// One request while the engine serves it (engine thread only).
private final class Job {
    let id: Int
    let prompt: [Int32]
    let request: GenerationRequest
    let continuation: InferenceEngine.Continuation
    var sequence = 0
    /// Prompt tokens fed so far; the position the next token goes to.
    var fed = 0
    var position = 0
    /// Sampled, streamed, not yet fed back.
    var pendingToken: Int32?
    var generated = 0
    var history: [Int32]
    var sampler: Sampler
    var generator: SamplingRandom
    var utf8 = UTF8Stream()
    var filter: StopStringFilter

    init(id: Int, prompt: [Int32], request: GenerationRequest, stopStrings: [String], continuation: InferenceEngine.Continuation) {
        self.id = id
        self.prompt = prompt
        self.request = request
        self.continuation = continuation
        history = prompt
        history.reserveCapacity(prompt.count + min(request.maxTokens, 4096))
        sampler = Sampler(options: request.sampling)
        generator = SamplingRandom(seed: request.seed)
        filter = StopStringFilter(stopStrings: stopStrings)
    }

    /// Tokens it could feed now.
    var demand: Int { pendingToken != nil ? 1 : prompt.count - fed }
}

/// What the engine's forward passes held: how many passes, token rows and sequences. Occupancy is what a
/// swarm gains from sharing one model: several agents' tokens in one pass over the weights.
public struct BatchStatistics: Sendable, Equatable {
    public private(set) var passes = 0
    public private(set) var rows = 0
    public private(set) var sequences = 0
    public private(set) var mostSequences = 0

    public init() {}

    mutating func record(rows: Int, sequences: Int) {
        passes += 1
        self.rows += rows
        self.sequences += sequences
        mostSequences = max(mostSequences, sequences)
    }

    /// Sequences per pass, on average.
    public var meanSequences: Double { passes == 0 ? 0 : Double(sequences) / Double(passes) }
    /// Token rows per pass, on average.
    public var meanRows: Double { passes == 0 ? 0 : Double(rows) / Double(passes) }
}
