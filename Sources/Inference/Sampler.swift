/// How the next token is chosen. `temperature` 0 is greedy; the filters apply in llama.cpp's usual
/// order: repetition penalty, top-k, then temperature, min-p and top-p on the probabilities.
public struct SamplingOptions: Sendable, Equatable {
    public var temperature: Float = 0.7
    /// Keep the k most likely tokens; 0 keeps all.
    public var topK = 40
    /// Keep the smallest set of tokens whose probabilities add up to p; 1 keeps all.
    public var topP: Float = 0.95
    /// Drop tokens less likely than minP × the most likely one; 0 keeps all.
    public var minP: Float = 0.05
    /// Divide (or, when negative, multiply) the logits of recently used tokens; 1 disables it.
    public var repetitionPenalty: Float = 1.1
    /// How many recent tokens the penalty looks at.
    public var repetitionWindow = 64

    public init() {}

    public static let greedy: SamplingOptions = {
        var options = SamplingOptions()
        options.temperature = 0
        return options
    }()

    /// Refuses values that would make sampling meaningless, saying which and what is allowed.
    public func validated() throws(SamplingError) -> SamplingOptions {
        guard temperature.isFinite, temperature >= 0, temperature <= 100 else { throw .invalid("temperature must be between 0 and 100 (0 is greedy)") }
        guard topK >= 0 else { throw .invalid("top-k must be 0 (off) or more") }
        guard topP.isFinite, topP > 0, topP <= 1 else { throw .invalid("top-p must be above 0 and at most 1") }
        guard minP.isFinite, minP >= 0, minP < 1 else { throw .invalid("min-p must be at least 0 and below 1") }
        guard repetitionPenalty.isFinite, repetitionPenalty > 0, repetitionPenalty <= 10 else {
            throw .invalid("the repetition penalty must be above 0 and at most 10 (1 is off)")
        }
        guard repetitionWindow >= 0 else { throw .invalid("the repetition window must be 0 or more") }
        return self
    }
}

public enum SamplingError: Error, Equatable, CustomStringConvertible {
    case invalid(String)
    public var description: String {
        switch self { case .invalid(let reason): return "invalid sampling option: \(reason)" }
    }
}

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
