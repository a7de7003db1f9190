import ArenaProtocol
import Foundation
@testable import Inference
import Testing
import LLMInterface

@Suite("Sampling")
struct SamplerTests {
    func sample(_ logits: [Float], _ options: SamplingOptions, recent: [Int32] = [], seed: UInt64 = 7) -> Int32 {
        var sampler = Sampler(options: options)
        var generator = SplitMix64(seed: seed)
        var copy = logits
        return copy.withUnsafeMutableBufferPointer { sampler.sample($0, recent: recent[...], using: &generator) }
    }

    @Test("temperature 0 is greedy; ties go to the lowest id")
    func greedy() {
        #expect(sample([0.1, 2.5, -1, 2.5], .greedy) == 1)
    }

    @Test("the same seed gives the same choices; top-k 1 is greedy")
    func determinism() {
        var options = SamplingOptions()
        options.temperature = 1
        let logits: [Float] = (0..<100).map { Float($0 % 7) * 0.3 }
        let first = (0..<20).map { sample(logits, options, seed: UInt64($0)) }
        let again = (0..<20).map { sample(logits, options, seed: UInt64($0)) }
        #expect(first == again)
        #expect(Set(first).count > 1, "different seeds give different tokens")
        options.topK = 1
        #expect(sample(logits, options) == 6)
    }

    @Test("at temperature 1 without filters, frequencies follow the softmax")
    func distribution() {
        var options = SamplingOptions()
        options.temperature = 1; options.topK = 0; options.topP = 1; options.minP = 0; options.repetitionPenalty = 1
        let logits: [Float] = [log(0.7), log(0.2), log(0.1)]
        var sampler = Sampler(options: options)
        var generator = SplitMix64(seed: 1)
        var counts = [0, 0, 0]
        for _ in 0..<20_000 {
            var copy = logits
            counts[Int(copy.withUnsafeMutableBufferPointer { sampler.sample($0, recent: [], using: &generator) })] += 1
        }
        #expect(abs(Double(counts[0]) / 20_000 - 0.7) < 0.015)
        #expect(abs(Double(counts[1]) / 20_000 - 0.2) < 0.015)
        #expect(abs(Double(counts[2]) / 20_000 - 0.1) < 0.015)
    }

    @Test("top-p and min-p cut the unlikely tail")
    func filters() {
        var options = SamplingOptions()
        options.temperature = 1; options.topK = 0; options.repetitionPenalty = 1
        let logits: [Float] = [log(0.6), log(0.3), log(0.05), log(0.05)]
        options.topP = 0.85; options.minP = 0
        #expect((0..<200).allSatisfy { sample(logits, options, seed: UInt64($0)) < 2 })
        options.topP = 1; options.minP = 0.4
        #expect((0..<200).allSatisfy { sample(logits, options, seed: UInt64($0)) == 0 || sample(logits, options, seed: UInt64($0)) == 1 })
    }

    @Test("the repetition penalty turns greedy away from a repeated token")
    func repetition() {
        var options = SamplingOptions.greedy
        options.repetitionPenalty = 1.5
        #expect(sample([2.0, 1.8], options, recent: [0]) == 1)
        #expect(sample([2.0, 1.8], options, recent: []) == 0)
    }

    @Test("absurd options are refused with what is allowed")
    func validation() {
        var options = SamplingOptions()
        options.temperature = -1
        #expect(throws: SamplingError.self) { try options.validated() }
        options = SamplingOptions(); options.topP = 0
        #expect(throws: SamplingError.self) { try options.validated() }
        options = SamplingOptions(); options.minP = 1
        #expect(throws: SamplingError.self) { try options.validated() }
        options = SamplingOptions(); options.repetitionPenalty = .nan
        #expect(throws: SamplingError.self) { try options.validated() }
        #expect(throws: Never.self) { try SamplingOptions().validated() }
    }
}

@Suite("Streaming text")
struct UTF8StreamTests {
    @Test("a character split across tokens is printed once it is whole")
    func split() {
        var stream = UTF8Stream()
        let bytes = Array("a界😀".utf8)  // 1 + 3 + 4 bytes
        var text = ""
        for byte in bytes { text += stream.append([byte]) }
        #expect(text == "a界😀")
        #expect(stream.append([0xE7, 0x95]) == "")
        #expect(stream.finish() == "\u{FFFD}")
    }
}
