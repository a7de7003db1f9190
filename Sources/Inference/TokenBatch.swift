/// The rows of one forward pass: each a token of some sequence at some position, some wanting logits.
/// Every backend takes its batch this way; the checks are made here, once.
public struct TokenBatch: Sendable {
    public let capacity: Int
    public let sequenceCount: Int
    public let contextLength: Int
    let vocabulary: Int
    public private(set) var tokens: [Int32]
    public private(set) var sequences: [Int]
    public private(set) var positions: [Int]
    /// Rows whose logits are wanted, in the order `logits(row:)` numbers them.
    public private(set) var logitSources: [Int] = []
    public private(set) var count = 0

    public enum Refusal: Error, Equatable, CustomStringConvertible {
        case batchFull(capacity: Int)
        case positionOutOfRange(position: Int, contextLength: Int)
        case noSuchSequence(Int)

        public var description: String {
            switch self {
            case .batchFull(let capacity): return "the batch is full (\(capacity) tokens)"
            case .positionOutOfRange(let position, let length):
                return "position \(position) is beyond the context of \(length) tokens"
            case .noSuchSequence(let sequence): return "there is no sequence \(sequence)"
            }
        }
    }

    public init(capacity: Int, sequences: Int, contextLength: Int, vocabulary: Int) {
        self.capacity = max(1, capacity)
        sequenceCount = max(1, sequences)
        self.contextLength = max(1, contextLength)
        self.vocabulary = vocabulary
        tokens = Array(repeating: 0, count: self.capacity)
        self.sequences = Array(repeating: 0, count: self.capacity)
        positions = Array(repeating: 0, count: self.capacity)
        logitSources.reserveCapacity(self.capacity)
    }

    public mutating func clear() {
        count = 0
        logitSources.removeAll(keepingCapacity: true)
    }

    /// Adds a token of `sequence` at `position`; with `wantsLogits` its logits will be row `logitCount - 1`.
    /// A token id outside the vocabulary is clamped into it (a row must not read past the embedding).
    public mutating func append(_ token: Int32, sequence: Int, position: Int, wantsLogits: Bool) throws(Refusal) {
        guard count < capacity else { throw .batchFull(capacity: capacity) }
        guard (0..<sequenceCount).contains(sequence) else { throw .noSuchSequence(sequence) }
        guard (0..<contextLength).contains(position) else { throw .positionOutOfRange(position: position, contextLength: contextLength) }
        tokens[count] = min(max(token, 0), Int32(vocabulary - 1))
        sequences[count] = sequence
        positions[count] = position
        if wantsLogits { logitSources.append(count) }
        count += 1
    }
}
