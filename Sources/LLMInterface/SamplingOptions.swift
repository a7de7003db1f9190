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
