import Foundation
import Synchronization

/// Work that every thread of a pool runs at once, each taking its share (SPMD), meeting at barriers.
protocol ParallelJob: AnyObject {
    func execute(worker: Int, of workers: Int)
}

/// Threads that run one job at a time together with the caller, who is worker 0. Between jobs the
/// workers spin briefly (a decode step follows the last within microseconds), then sleep.
final class WorkerPool: @unchecked Sendable {
    let count: Int
    let barrier: SpinBarrier
    private let shared: Shared
    private var threads: [Thread] = []

    /// What the workers hold on to: the pool itself may go away while they finish.
    private final class Shared: @unchecked Sendable {
        let generation = Atomic<Int>(0)
        let running = Atomic<Int>(0)
        let sleepers = Atomic<Int>(0)
        let finished = Atomic<Int>(0)
        let wakeup = NSCondition()
        var job: (any ParallelJob)?
        var stopping = false
    }

    init(threads count: Int) {
        self.count = max(1, count)
        barrier = SpinBarrier(parties: self.count)
        shared = Shared()
        for worker in 1..<self.count {
            let thread = Thread { [shared, count = self.count] in Self.work(as: worker, of: count, shared) }
            thread.name = "mowai-inference-\(worker)"
            thread.stackSize = 1 << 20
            threads.append(thread)
            thread.start()
        }
    }

    /// Runs `job` on every thread; returns when all have finished it.
    func run(_ job: any ParallelJob) {
        guard count > 1 else { return job.execute(worker: 0, of: 1) }
        shared.job = job
        shared.running.store(count - 1, ordering: .sequentiallyConsistent)
        shared.generation.wrappingAdd(1, ordering: .sequentiallyConsistent)
        if shared.sleepers.load(ordering: .sequentiallyConsistent) > 0 {
            shared.wakeup.lock(); shared.wakeup.broadcast(); shared.wakeup.unlock()
        }
        job.execute(worker: 0, of: count)
        var spins = 0
        while shared.running.load(ordering: .acquiring) > 0 { spins += 1; if spins > 4096 { sched_yield() } }
        shared.job = nil
    }

    private static func work(as worker: Int, of count: Int, _ shared: Shared) {
        var seen = 0
        while true {
            var spins = 0
            while shared.generation.load(ordering: .acquiring) == seen {
                spins += 1
                if spins < 200_000 { continue }
                // Idle for a while: sleep until the next job. Registering as a sleeper before the last
                // look at `generation` means `run` either sees us and wakes us, or we see its job.
                shared.wakeup.lock()
                shared.sleepers.wrappingAdd(1, ordering: .sequentiallyConsistent)
                while shared.generation.load(ordering: .sequentiallyConsistent) == seen && !shared.stopping { shared.wakeup.wait() }
                shared.sleepers.wrappingSubtract(1, ordering: .sequentiallyConsistent)
                shared.wakeup.unlock()
                spins = 0
            }
            seen = shared.generation.load(ordering: .acquiring)
            if shared.stopping { break }
            shared.job?.execute(worker: worker, of: count)
            shared.running.wrappingSubtract(1, ordering: .releasing)
        }
        shared.finished.wrappingAdd(1, ordering: .releasing)
    }

    deinit {
        shared.wakeup.lock()
        shared.stopping = true
        shared.generation.wrappingAdd(1, ordering: .sequentiallyConsistent)
        shared.wakeup.broadcast()
        shared.wakeup.unlock()
        while shared.finished.load(ordering: .acquiring) < count - 1 { usleep(50) }
    }
}

/// All parties wait until the last arrives; reusable immediately (the phase counter tells rounds apart).
final class SpinBarrier: @unchecked Sendable {
    let parties: Int
    private let arrived = Atomic<Int>(0)
    private let phase = Atomic<Int>(0)

    init(parties: Int) { self.parties = parties }

    func wait() {
        guard parties > 1 else { return }
        let current = phase.load(ordering: .acquiring)
        if arrived.wrappingAdd(1, ordering: .acquiringAndReleasing).newValue == parties {
            arrived.store(0, ordering: .relaxed)
            phase.wrappingAdd(1, ordering: .releasing)
        } else {
            var spins = 0
            while phase.load(ordering: .acquiring) == current { spins += 1; if spins > 4096 { sched_yield() } }
        }
    }
}

/// The part of 0..<count that `worker` of `workers` takes.
@inline(__always)
func share(_ count: Int, worker: Int, of workers: Int) -> Range<Int> {
    (count * worker / workers)..<(count * (worker + 1) / workers)
}
