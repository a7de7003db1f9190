/// What is wrong with a model file, worded so the user knows what to do.
public enum GGUFError: Error, Equatable, CustomStringConvertible {
    case cannotOpen(file: String, reason: String)
    case notGGUF(file: String)
    case unsupportedVersion(file: String, version: UInt32)
    case truncated(file: String, reading: String, at: Int, size: Int)
    case invalid(file: String, what: String)
    /// A well-formed file asking for something mowai does not run (an architecture, a tensor type).
    case unsupported(file: String, what: String)
    case unknownTensorType(file: String, tensor: String, type: UInt32)
    case tensorOutOfBounds(file: String, tensor: String)

    public var description: String {
        switch self {
        case .cannotOpen(let file, let reason):
            return "cannot open \(file): \(reason) — pass a GGUF model with --model, or fetch the default with `make setup`"
        case .notGGUF(let file):
            return "\(file) is not a GGUF model (its first bytes are not \"GGUF\")"
        case .unsupportedVersion(let file, let version):
            return "\(file) is GGUF version \(version); mowai reads versions 2 and 3 — convert it with a current llama.cpp"
        case .truncated(let file, let reading, let offset, let size):
            return "\(file) is truncated or corrupt: reading \(reading) at byte \(offset) goes past its end (\(size) bytes) — download it again"
        case .invalid(let file, let what):
            return "\(file) is corrupt: \(what)"
        case .unsupported(let file, let what):
            return "\(file): \(what)"
        case .unknownTensorType(let file, let tensor, let type):
            return "\(file): tensor \(tensor) has type \(type), which mowai does not know"
        case .tensorOutOfBounds(let file, let tensor):
            return "\(file) is truncated or corrupt: tensor \(tensor) lies past the end of the file — download it again"
        }
    }
}
