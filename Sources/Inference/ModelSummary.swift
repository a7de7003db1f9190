/// What `mowai models` says of a GGUF file: its architecture and how its weights are quantized.
public struct ModelSummary: Sendable, Equatable {
    public var architecture: String
    /// llama.cpp's name for the file's recipe ("Q4_K_M") when the file names one, else the type that
    /// holds most of the weights ("Q4_1").
    public var quantization: String
    public var parameters: Int

    public init(_ gguf: GGUFFile) {
        architecture = gguf.architecture ?? "unknown"
        let weights = gguf.tensors.filter { $0.dimensions.count >= 2 }
        parameters = gguf.tensors.reduce(0) { $0 + $1.elementCount }
        var elementsByType: [GGMLType: Int] = [:]
        for tensor in weights { elementsByType[tensor.type, default: 0] += tensor.elementCount }
        let dominant = elementsByType.max { $0.value < $1.value || ($0.value == $1.value && $0.key.rawValue > $1.key.rawValue) }?.key
        if let fileType = gguf.metadata["general.file_type"]?.integer, let name = Self.fileTypes[fileType] {
            quantization = name
        } else {
            quantization = dominant.map { "\($0)" } ?? "none"
        }
    }

    /// llama.cpp's `general.file_type` values (its LLAMA_FTYPE numbering), the recipes published files use.
    static let fileTypes: [Int: String] = [
        0: "F32", 1: "F16", 2: "Q4_0", 3: "Q4_1", 7: "Q8_0", 8: "Q5_0", 9: "Q5_1", 10: "Q2_K",
        11: "Q3_K_S", 12: "Q3_K_M", 13: "Q3_K_L", 14: "Q4_K_S", 15: "Q4_K_M", 16: "Q5_K_S", 17: "Q5_K_M",
        18: "Q6_K", 32: "BF16",
    ]
}
