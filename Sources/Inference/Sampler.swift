import LLMInterface

/// Picks tokens from logits. Randomness is an input (a seeded generator), so the same seed gives the
/// same text. The candidate buffer is reused between calls: no allocation per token after the first.
public struct Sampler: Sendable {
    public let options: SamplingOptions
    private var candidates: [(logit: Float, token: Int32)] = []
    private var weights: [Float] = []
    private var penalised = Set<Int32>()

    public init(options: SamplingOptions) {
        self.options = options
    }

    public mutating func sample<G: RandomNumberGenerator>(
        _ logits: UnsafeMutableBufferPointer<Float>, recent: ArraySlice<Int32>, using generator: inout G
    ) -> Int32 {
        applyRepetitionPenalty(logits, recent: recent.suffix(options.repetitionWindow))
        if options.temperature == 0 { return Self.argmax(logits) }

        collectTopK(logits)
        // Softmax with temperature, relative to the best logit (no overflow).
        let best = candidates[0].logit
        weights.removeAll(keepingCapacity: true)
        for candidate in candidates { weights.append(expf((candidate.logit - best) / options.temperature)) }
        // min-p: relative to the most likely candidate, whose weight is exp(0) = 1.
        let kept = max(1, weights.prefix { $0 >= options.minP }.count)
        // top-p: the smallest prefix reaching p of the (renormalised) mass.
        var total: Float = 0
        for index in 0..<kept { total += weights[index] }
        var cumulative: Float = 0
        var prefix = 0
        while prefix < kept {
            cumulative += weights[prefix] / total
            prefix += 1
            if cumulative >= options.topP { break }
        }
        var mass: Float = 0
        for index in 0..<prefix { mass += weights[index] }
        var draw = Float.random(in: 0..<1, using: &generator) * mass
        for index in 0..<prefix {
            draw -= weights[index]
            if draw < 0 { return candidates[index].token }
        }
        return candidates[prefix - 1].token
    }

    public static func argmax(_ logits: UnsafeMutableBufferPointer<Float>) -> Int32 {
        var best = 0
        for index in logits.indices where logits[index] > logits[best] { best = index }
        return Int32(best)
    }

    private mutating func applyRepetitionPenalty(_ logits: UnsafeMutableBufferPointer<Float>, recent: ArraySlice<Int32>) {
        guard options.repetitionPenalty != 1 else { return }
        penalised.removeAll(keepingCapacity: true)
        for token in recent where token >= 0 && Int(token) < logits.count && penalised.insert(token).inserted {
            let logit = logits[Int(token)]
            logits[Int(token)] = logit > 0 ? logit / options.repetitionPenalty : logit * options.repetitionPenalty
        }
    }

    /// The k best (all when k is 0), best first.
    private mutating func collectTopK(_ logits: UnsafeMutableBufferPointer<Float>) {
        candidates.removeAll(keepingCapacity: true)
        let k = options.topK == 0 ? logits.count : min(options.topK, logits.count)
        if k == logits.count {
            for index in logits.indices { candidates.append((logits[index], Int32(index))) }
            candidates.sort { $0.logit > $1.logit }
            return
        }
        // Keep a small sorted list of the best k: one pass, cheap for the usual k of 40.
        var threshold = -Float.infinity
        for index in logits.indices {
            let logit = logits[index]
            guard candidates.count < k || logit > threshold else { continue }
            let position = candidates.firstIndex { logit > $0.logit } ?? candidates.count
            candidates.insert((logit, Int32(index)), at: position)
            if candidates.count > k { candidates.removeLast() }
            if candidates.count == k { threshold = candidates[k - 1].logit }
        }
    }
}

#if canImport(Glibc)
import Glibc
#endif
