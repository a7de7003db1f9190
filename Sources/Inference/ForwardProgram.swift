#if canImport(Glibc)
import Glibc
#endif

/// A model's forward pass as a list of steps, described once from the model and run by every backend:
/// the CPU backend walks it with its worker threads, the Vulkan backend records it into a command buffer.
/// A new architecture is a new way of building this list (and, where it needs one, a new kind of step).
public struct ForwardProgram: @unchecked Sendable {
    /// The activation rows a step reads.
    public enum Activation: Sendable {
        /// Each token's attention output (heads side by side).
        case attention
        /// The gated feed-forward's output.
        case feedForward
    }

    public enum Step: @unchecked Sendable {
        /// residual = the embedding rows of the batch's tokens.
        case embed(WeightMatrix)
        /// normed = RMSNorm(residual) · weight.
        case norm(WeightVector)
        /// query, key, value = the three projections of normed.
        case attentionInputs(query: WeightMatrix, key: WeightMatrix, value: WeightMatrix)
        /// Biases (Qwen2), RoPE at each token's position, then the key and value into the sequence's cache.
        case rotateAndCache(layer: Int, biases: AttentionBiases?)
        /// attention = each head of each token over its sequence's cache up to its position; with a
        /// `window`, over only the last `window` positions (its own included).
        case attend(layer: Int, window: Int?)
        /// residual += matrix · activation.
        case addProjection(WeightMatrix, from: Activation)
        /// feedForward = SiLU(gate · normed) × (up · normed).
        case gatedFeedForward(gate: WeightMatrix, up: WeightMatrix)
        /// logits = output · RMSNorm(residual) · norm, for the rows that want them.
        case logits(norm: WeightVector, output: WeightMatrix)
    }

    public struct AttentionBiases: @unchecked Sendable {
        public let query, key, value: WeightVector
    }

    public let config: LlamaConfig
    public let steps: [Step]
    public let rotary: RotaryEmbedding
    /// Every matrix the steps use, once each (a tied embedding is also the output).
    public var matrices: [WeightMatrix] {
        var seen = Set<String>()
        return steps.flatMap { step -> [WeightMatrix] in
            switch step {
            case .embed(let m), .addProjection(let m, _), .logits(_, let m): return [m]
            case .attentionInputs(let q, let k, let v): return [q, k, v]
            case .gatedFeedForward(let gate, let up): return [gate, up]
            case .norm, .rotateAndCache, .attend: return []
            }
        }.filter { seen.insert($0.name).inserted }
    }

    /// Weight bytes one decode step reads: every matrix whole, except the embedding table, of which
    /// only the token's row is read (unless it is also the output head).
    public var decodeWeightBytes: Int {
        let lookedUp = steps.compactMap { step -> WeightMatrix? in if case .embed(let m) = step { m } else { nil } }.first
        let outputs = Set(steps.compactMap { step -> String? in if case .logits(_, let m) = step { m.name } else { nil } })
        return matrices.reduce(0) { total, matrix in
            let whole = matrix.rowBytes * matrix.rows
            return total + (matrix.name == lookedUp?.name && !outputs.contains(matrix.name) ? matrix.rowBytes : whole)
        }
    }
}

extension LlamaModel {
    /// Llama, Qwen2 and Phi-3: pre-norm blocks of attention and a SwiGLU feed-forward, each added to the
    /// residual. `contextLength` (positions per sequence) picks Phi-3's short or long RoPE factors.
    public func program(contextLength: Int) -> ForwardProgram {
        var steps: [ForwardProgram.Step] = [.embed(embedding)]
        for (layer, block) in blocks.enumerated() {
            let biases = block.queryBias.flatMap { query in
                block.keyBias.flatMap { key in
                    block.valueBias.map { ForwardProgram.AttentionBiases(query: query, key: key, value: $0) }
                }
            }
            steps += [
                .norm(block.attentionNorm),
                .attentionInputs(query: block.query, key: block.key, value: block.value),
                .rotateAndCache(layer: layer, biases: biases),
                .attend(layer: layer, window: config.slidingWindow),
                .addProjection(block.attentionOutput, from: .attention),
                .norm(block.feedForwardNorm),
                .gatedFeedForward(gate: block.gate, up: block.up),
                .addProjection(block.down, from: .feedForward),
            ]
        }
        steps.append(.logits(norm: outputNorm, output: output))
        let longContext = config.ropeOriginalContext.map { contextLength > $0 } ?? false
        let factors = (longContext ? ropeFactorsLong : ropeFactorsShort) ?? ropeFrequencyFactors
        return ForwardProgram(config: config, steps: steps, rotary: RotaryEmbedding(config: config, frequencyFactors: factors))
    }
}

/// RoPE's angles: each pair of a head turns by position × its frequency (Llama 3.1's and Phi-3's factors
/// divide some frequencies; linear scaling divides positions; LongRoPE scales cos and sin).
public struct RotaryEmbedding: Sendable {
    public let layout: LlamaConfig.RopeLayout
    public let inverseFrequencies: [Float]
    public let positionScale: Float
    public let magnitude: Float

    init(config c: LlamaConfig, frequencyFactors: WeightVector?) {
        layout = c.ropeLayout
        positionScale = c.ropeLinearScale
        magnitude = c.ropeAttentionFactor
        inverseFrequencies = (0..<c.headDimension / 2).map { i in
            let frequency = powf(c.ropeBase, -Float(2 * i) / Float(c.headDimension))
            return frequency / (frequencyFactors?.pointer[i] ?? 1)
        }
    }

    /// The angle of pair `pair` at `position`.
    @inline(__always)
    public func angle(position: Int, pair: Int) -> Float {
        Float(position) / positionScale * inverseFrequencies[pair]
    }

    /// The cosine and sine pair `pair` is rotated by at `position`, each times `magnitude`: what both
    /// backends multiply with.
    @inline(__always)
    public func rotation(position: Int, pair: Int) -> (cosine: Float, sine: Float) {
        let angle = angle(position: position, pair: pair)
        return (cosf(angle) * magnitude, sinf(angle) * magnitude)
    }

    /// The two elements pair `i` of a head of `size` rotates together.
    @inline(__always)
    public func elements(ofPair i: Int, headSize: Int) -> (Int, Int) {
        layout == .adjacentPairs ? (2 * i, 2 * i + 1) : (i, i + headSize / 2)
    }
}
