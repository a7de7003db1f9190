import EndToEndSupport
import Foundation
import Inference
import Testing
import Vulkan
import VulkanInference

@Suite("Vulkan forward pass")
struct VulkanForwardTests {
    @Test("the default model's logits on lavapipe against the CPU backend")
    func matchesCPU() throws {
        let file = try GGUFModelFile(path: DefaultModel.path)
        let model = try LlamaModel(file: file)
        let tokenizer = try Tokenizer(gguf: file.gguf)
        let device = try VulkanDevice(instance: VulkanInstance(), index: 0)
        let gpu = try VulkanBackend(model: model, device: device, shape: BackendShape(sequences: 1, contextLength: 64))
        let cpu = CPUBackend(model: model, threads: 2, contextLength: 64)
        let tokens = tokenizer.encode("The capital of France is")
        for backend in [gpu, cpu] as [any ForwardBackend] {
            backend.clearBatch()
            for (position, token) in tokens.enumerated() { try backend.append(token, sequence: 0, position: position, wantsLogits: true) }
            try backend.evaluate()
        }
        for row in tokens.indices {
            let a = Array(gpu.logits(row: row)), b = Array(cpu.logits(row: row))
            let argmaxA = a.indices.max { a[$0] < a[$1] }!, argmaxB = b.indices.max { b[$0] < b[$1] }!
            let diff = zip(a, b).map { abs($0 - $1) }.max()!
            print("row \(row): argmax gpu \(argmaxA) cpu \(argmaxB), max diff \(diff), gpu[0..3] \(a.prefix(3)) cpu \(b.prefix(3))")
        }
    }
}
