/// What the engine drives: a batch of token/sequence/position rows in, logits for the rows that asked
/// for them out. The CPU backend (`CPUBackend`) and the Vulkan one run the same `ForwardProgram`.
/// One caller at a time: the engine's thread owns a backend.
public protocol ForwardBackend: AnyObject {
    /// Where it runs, for people: "CPU (avx2, 2 threads)", "Vulkan: NVIDIA H100".
    var deviceDescription: String { get }
    var batch: TokenBatch { get set }
    var vocabulary: Int { get }
    /// Runs the batch through the model. Tokens of one sequence must come in position order; each sees
    /// its sequence's cache up to its own position.
    func evaluate() throws(ForwardError)
    /// The logits of the `row`th token that asked for them, valid until the next `evaluate`.
    func logits(row: Int) -> UnsafeMutableBufferPointer<Float>
}

/// Why a forward pass did not run. The requests in it end with this error; the engine goes on with the
/// CPU backend when it has one to fall back to.
public enum ForwardError: Error, Equatable, CustomStringConvertible {
    case deviceLost(String)
    case failed(String)

    public var description: String {
        switch self {
        case .deviceLost(let detail): return "the GPU stopped answering: \(detail)"
        case .failed(let detail): return "the forward pass failed: \(detail)"
        }
    }
}

extension ForwardBackend {
    public var batchCapacity: Int { batch.capacity }
    public var sequenceCount: Int { batch.sequenceCount }
    public var contextLength: Int { batch.contextLength }
    public var batchCount: Int { batch.count }
    public var logitCount: Int { batch.logitSources.count }

    public func clearBatch() { batch.clear() }

    public func append(_ token: Int32, sequence: Int, position: Int, wantsLogits: Bool) throws(TokenBatch.Refusal) {
        try batch.append(token, sequence: sequence, position: position, wantsLogits: wantsLogits)
    }

    /// Feeds `tokens` of one sequence from `position` on, a batch at a time; returns the logits after
    /// the last one.
    public func prefill(_ tokens: ArraySlice<Int32>, sequence: Int, from position: Int) throws -> UnsafeMutableBufferPointer<Float> {
        precondition(!tokens.isEmpty, "prefill needs at least one token")
        var next = position
        var rest = tokens
        repeat {
            clearBatch()
            let chunk = rest.prefix(batchCapacity)
            for (offset, token) in chunk.enumerated() {
                try append(token, sequence: sequence, position: next + offset, wantsLogits: offset == chunk.count - 1 && chunk.count == rest.count)
            }
            try evaluate()
            next += chunk.count
            rest = rest.dropFirst(chunk.count)
        } while !rest.isEmpty
        return logits(row: 0)
    }
}
