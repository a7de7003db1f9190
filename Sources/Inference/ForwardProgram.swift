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

    /// The feed-forward's gate activation.
    public enum GateActivation: Sendable {
        case silu
        /// GELU, tanh approximation (Gemma).
        case gelu
    }

    public enum Step: @unchecked Sendable {
        /// residual = scale × the embedding rows of the batch's tokens (Gemma scales by √dimension).
        case embed(WeightMatrix, scale: Float)
        /// normed = RMSNorm(residual) · weight.
        case norm(WeightVector)
        /// query, key, value = the three projections of normed.
        case attentionInputs(query: WeightMatrix, key: WeightMatrix, value: WeightMatrix)
        /// Each query head and each key head RMS-normalized on its own, times its weight (Gemma 3).
        case normalizeHeads(query: WeightVector, key: WeightVector)
        /// Biases (Qwen2), RoPE at each token's position with `rotaries[rotary]`, then the key and value
        /// into the sequence's cache.
        case rotateAndCache(layer: Int, biases: AttentionBiases?, rotary: Int)
        /// attention = each head of each token over its sequence's cache up to its position; with a
        /// `window`, over only the last `window` positions (its own included).
        case attend(layer: Int, window: Int?)
        /// residual += matrix · activation; with `postNorm`, residual += RMSNorm(matrix · activation) · postNorm
        /// (Gemma's norms after the attention and the feed-forward).
        case addProjection(WeightMatrix, from: Activation, postNorm: WeightVector?)
        /// feedForward = activation(gate · normed) × (up · normed).
        case gatedFeedForward(gate: WeightMatrix, up: WeightMatrix, activation: GateActivation)
        /// logits = output · RMSNorm(residual) · norm, for the rows that want them.
        case logits(norm: WeightVector, output: WeightMatrix)
    }

    public struct AttentionBiases: @unchecked Sendable {
        public let query, key, value: WeightVector
    }

    public let config: LlamaConfig
    public let steps: [Step]
    /// The RoPE variants the steps use (Gemma 3's local layers turn with another base than its global ones).
    public let rotaries: [RotaryEmbedding]
    public var rotary: RotaryEmbedding { rotaries[0] }
    /// Every matrix the steps use, once each (a tied embedding is also the output).
    public var matrices: [WeightMatrix] {
        var seen = Set<String>()
        return steps.flatMap { step -> [WeightMatrix] in
            switch step {
            case .embed(let m, _), .addProjection(let m, _, _), .logits(_, let m): return [m]
            case .attentionInputs(let q, let k, let v): return [q, k, v]
            case .gatedFeedForward(let gate, let up, _): return [gate, up]
            case .norm, .normalizeHeads, .rotateAndCache, .attend: return []
            }
        }.filter { seen.insert($0.name).inserted }
    }

    /// The same program with the layers' matrices (not the embedding or the output head) replaced.
    func replacingLayerMatrices(_ replace: (WeightMatrix) -> WeightMatrix) -> ForwardProgram {
        let steps = steps.map { step -> Step in
            switch step {
            case .attentionInputs(let q, let k, let v): return .attentionInputs(query: replace(q), key: replace(k), value: replace(v))
            case .addProjection(let m, let source, let postNorm): return .addProjection(replace(m), from: source, postNorm: postNorm)
            case .gatedFeedForward(let gate, let up, let activation): return .gatedFeedForward(gate: replace(gate), up: replace(up), activation: activation)
            case .embed, .logits, .norm, .normalizeHeads, .rotateAndCache, .attend: return step
            }
        }
        return ForwardProgram(config: config, steps: steps, rotaries: rotaries)
    }

    /// Weight bytes one decode step reads: every matrix whole, except the embedding table, of which
    /// only the token's row is read (unless it is also the output head).
    public var decodeWeightBytes: Int {
        let lookedUp = steps.compactMap { step -> WeightMatrix? in if case .embed(let m, _) = step { m } else { nil } }.first
        let outputs = Set(steps.compactMap { step -> String? in if case .logits(_, let m) = step { m.name } else { nil } })
        return matrices.reduce(0) { total, matrix in
            let whole = matrix.rowBytes * matrix.rows
            return total + (matrix.name == lookedUp?.name && !outputs.contains(matrix.name) ? matrix.rowBytes : whole)
        }
    }
}

extension LlamaModel {
    /// Llama, Qwen2 and Phi-3: pre-norm blocks of attention and a SwiGLU feed-forward, each added to the
    /// residual. Gemma 3: scaled embeddings, normalized query and key heads, norms after the attention
    /// and the feed-forward too, GELU, and five sliding-window layers (their own RoPE base) to each
    /// global one. `contextLength` (positions per sequence) picks Phi-3's short or long RoPE factors.
    public func program(contextLength: Int) -> ForwardProgram {
        let gemma = config.architecture == .gemma3
        var steps: [ForwardProgram.Step] = [.embed(embedding, scale: gemma ? Float(config.dimension).squareRoot() : 1)]
        for (layer, block) in blocks.enumerated() {
            let biases = block.queryBias.flatMap { query in
                block.keyBias.flatMap { key in
                    block.valueBias.map { ForwardProgram.AttentionBiases(query: query, key: key, value: $0) }
                }
            }
            let local = config.isSlidingWindowLayer(layer)
            steps += [.norm(block.attentionNorm), .attentionInputs(query: block.query, key: block.key, value: block.value)]
            if let queryNorm = block.queryNorm, let keyNorm = block.keyNorm { steps.append(.normalizeHeads(query: queryNorm, key: keyNorm)) }
            steps += [
                .rotateAndCache(layer: layer, biases: biases, rotary: local && gemma ? 1 : 0),
                .attend(layer: layer, window: local ? config.slidingWindow : nil),
                .addProjection(block.attentionOutput, from: .attention, postNorm: block.postAttentionNorm),
                .norm(block.feedForwardNorm),
                .gatedFeedForward(gate: block.gate, up: block.up, activation: gemma ? .gelu : .silu),
                .addProjection(block.down, from: .feedForward, postNorm: block.postFeedForwardNorm),
            ]
        }
        steps.append(.logits(norm: outputNorm, output: output))
        let longContext = config.ropeOriginalContext.map { contextLength > $0 } ?? false
        let factors = (longContext ? ropeFactorsLong : ropeFactorsShort) ?? ropeFrequencyFactors
        var rotaries = [RotaryEmbedding(config: config, frequencyFactors: factors)]
        if gemma { rotaries.append(RotaryEmbedding(config: config, frequencyFactors: nil, base: config.localRopeBase, linearScale: 1)) }
        return ForwardProgram(config: config, steps: steps, rotaries: rotaries)
    }
}

/// RoPE's angles: each pair of a head turns by position × its frequency (Llama 3.1's and Phi-3's factors
/// divide some frequencies; linear scaling divides positions; LongRoPE scales cos and sin).
public struct RotaryEmbedding: Sendable {
    public let layout: LlamaConfig.RopeLayout
    public let inverseFrequencies: [Float]
    public let positionScale: Float
    public let magnitude: Float

    /// `base` and `linearScale` default to the model's (Gemma 3's local layers have their own).
    init(config c: LlamaConfig, frequencyFactors: WeightVector?, base: Float? = nil, linearScale: Float? = nil) {
        layout = c.ropeLayout
        positionScale = linearScale ?? c.ropeLinearScale
        magnitude = c.ropeAttentionFactor
        let base = base ?? c.ropeBase
        inverseFrequencies = (0..<c.headDimension / 2).map { i in
            let frequency = powf(base, -Float(2 * i) / Float(c.headDimension))
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
