import ArgumentParser
import Foundation
import Inference
import SafeText

struct QuantizeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "quantize",
        abstract: "Write a GGUF model with its weight matrices quantized to another type.",
        discussion: """
        TYPE is one of \(QuantizeTarget.names.joined(separator: ", ")). Q4_K_M is the mixed recipe most published \
        models use: Q4_K, with Q6_K for the output head and for half the value and down projections. Norms and \
        other vectors stay as they are; rows that are not whole 256-value superblocks take Q5_0, Q5_1 or Q8_0 in \
        place of Q4_K, Q5_K or Q6_K. A tensor that is already quantized is refused unless --allow-requantize. \
        The output appears only when complete.
        """
    )

    @Argument(help: "The GGUF model to read.")
    var input: String
    @Argument(help: "The GGUF file to write (not the input).")
    var output: String
    @Argument(help: ArgumentHelp("The type: \(QuantizeTarget.names.joined(separator: ", ")).", valueName: "type"))
    var type: String
    @Flag(help: "Quantize tensors that are already quantized (dequantized first; precision is lost twice).")
    var allowRequantize = false

    func validate() throws {
        guard QuantizeTarget(name: type) != nil else {
            throw ValidationError("unknown type \(type): use one of \(QuantizeTarget.names.joined(separator: ", "))")
        }
    }

    func run() throws {
        try Failure.reporting {
            let target = QuantizeTarget(name: type) ?? .q4KM
            let file = try GGUFModelFile(path: input)
            let start = ContinuousClock.now
            try ModelQuantizer.run(input: file, output: output, target: target, allowRequantize: allowRequantize) { step in
                let change = step.from == step.to ? "\(step.from), kept" : "\(step.from) → \(step.to)"
                let width = String(step.count).count
                let counter = String(repeating: " ", count: width - String(step.index).count) + String(step.index)
                StandardStreams.write("[\(counter)/\(step.count)] \(Sanitizer.line(step.name)): \(change)\n", to: StandardStreams.error)
            }
            let bytes = (try? FileManager.default.attributesOfItem(atPath: output)[.size] as? Int) ?? 0
            StandardStreams.write(String(format: "mowai: wrote %@ (%@, %.1f MB) in %.1f s\n", Sanitizer.line(output), target.description,
                                         Double(bytes) / 1e6, (ContinuousClock.now - start).seconds), to: StandardStreams.error)
        }
    }
}
