import Foundation

/// KL(p‖q) of the softmax distributions of two logit vectors: how much the predictions differ (a uniform
/// shift of the logits changes nothing), in nats.
public func klDivergence(_ p: [Float], _ q: [Float]) -> Double {
    func logSoftmax(_ x: [Float]) -> [Double] {
        let top = Double(x.max() ?? 0)
        let total = x.reduce(0.0) { $0 + exp(Double($1) - top) }
        return x.map { Double($0) - top - log(total) }
    }
    let (lp, lq) = (logSoftmax(p), logSoftmax(q))
    return zip(lp, lq).reduce(0.0) { $0 + exp($1.0) * ($1.0 - $1.1) }
}
