import CInferenceKernels
import Foundation

/// The machine's memory read bandwidth, measured the way decode reads weights: streaming a buffer far
/// larger than the caches, on `threads` threads at once (each its own slice), best of a few rounds.
public enum MemoryBandwidth {
    /// Bytes per second.
    public static func measure(threads: Int, bytes: Int = 256 << 20, rounds: Int = 5) -> Double {
        let count = bytes / MemoryLayout<Float>.size
        let buffer = UnsafeMutablePointer<Float>.allocate(capacity: count)
        defer { buffer.deallocate() }
        // Touched first, so page faults are not part of the reading.
        buffer.initialize(repeating: 1, count: count)
        let slice = count / max(1, threads)
        var best = 0.0
        let sums = UnsafeMutablePointer<Float>.allocate(capacity: max(1, threads))
        defer { sums.deallocate() }
        // Each thread reads its own slice and writes its own sum.
        nonisolated(unsafe) let (source, results) = (UnsafePointer(buffer), sums)
        for _ in 0..<rounds {
            let start = ContinuousClock.now
            DispatchQueue.concurrentPerform(iterations: max(1, threads)) { index in
                results[index] = mowai_read_sum(source + index * slice, slice)
            }
            let elapsed = ContinuousClock.now - start
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            best = max(best, Double(slice * max(1, threads) * MemoryLayout<Float>.size) / seconds)
        }
        // The reads happen in C and their sums are stored: nothing here can be optimised away.
        return best
    }
}
