import Vulkan

/// What `--device` asks for: `auto`, `cpu`, `vulkan` (the best Vulkan device, even a CPU-type one)
/// or `vulkan:N` (device N as `mowai devices` numbers them).
public enum DeviceChoice: Equatable, Sendable, CustomStringConvertible {
    case auto
    case cpu
    case vulkan(index: Int?)

    public static let help = "auto, cpu, vulkan or vulkan:N (see `mowai devices`)"

    /// nil for anything else; the caller words the error with `help`.
    public init?(parsing text: String) {
        switch text.lowercased() {
        case "auto": self = .auto
        case "cpu": self = .cpu
        case "vulkan", "gpu": self = .vulkan(index: nil)
        case let other where other.hasPrefix("vulkan:"):
            let digits = other.dropFirst("vulkan:".count)
            guard (1...4).contains(digits.count), digits.allSatisfy(\.isASCII), let index = Int(digits), index >= 0 else { return nil }
            self = .vulkan(index: index)
        default: return nil
        }
    }

    public var description: String {
        switch self {
        case .auto: "auto"
        case .cpu: "cpu"
        case .vulkan(nil): "vulkan"
        case .vulkan(let index?): "vulkan:\(index)"
        }
    }

    /// Where the model should run, given the devices the loader lists. Pure: `mowai devices` shows it,
    /// the loaders follow it.
    public func resolve(_ devices: [VulkanDeviceInfo]) -> DeviceResolution {
        switch self {
        case .cpu:
            return .cpu(reason: "--device cpu", notice: false)
        case .vulkan(let index?):
            guard devices.indices.contains(index) else {
                return .cpu(reason: "there is no Vulkan device \(index) (the loader lists \(devices.count); see `mowai devices`)", notice: true)
            }
            return .vulkan(index: index)
        case .vulkan(nil):
            guard let best = Self.ranked(devices).first else { return .cpu(reason: Self.noDevice, notice: true) }
            return .vulkan(index: best.index)
        case .auto:
            guard let best = Self.ranked(devices).first else { return .cpu(reason: Self.noDevice, notice: true) }
            guard best.kind != .cpu else {
                // lavapipe runs shaders on the same cores, slower than the CPU backend's kernels: a choice,
                // not a failure, so nothing is said each run (`mowai devices` explains it).
                return .cpu(reason: "the only Vulkan device, \(best.name), runs on the CPU, where the CPU backend is faster "
                    + "(--device vulkan uses it anyway)", notice: false)
            }
            return .vulkan(index: best.index)
        }
    }

    /// Devices best first: discrete, integrated, virtual, other, then CPU-type; more device memory first
    /// within a kind; the loader's order last.
    static let noDevice = "the Vulkan loader lists no device (install a driver: mesa-vulkan-drivers or the GPU vendor's)"

    static func ranked(_ devices: [VulkanDeviceInfo]) -> [VulkanDeviceInfo] {
        func rank(_ kind: VulkanDeviceInfo.Kind) -> Int {
            switch kind {
            case .discrete: 0
            case .integrated: 1
            case .virtual: 2
            case .other: 3
            case .cpu: 4
            }
        }
        return devices.sorted { a, b in
            if rank(a.kind) != rank(b.kind) { return rank(a.kind) < rank(b.kind) }
            if a.deviceLocalBytes != b.deviceLocalBytes { return a.deviceLocalBytes > b.deviceLocalBytes }
            return a.index < b.index
        }
    }
}

/// Where a `DeviceChoice` sends the model.
public enum DeviceResolution: Equatable, Sendable {
    /// The CPU backend, and why; `notice`: the user should hear it (a GPU was wanted or expected).
    case cpu(reason: String, notice: Bool)
    case vulkan(index: Int)
}
