/// What `mowai devices` shows of a Vulkan device and what choosing one needs: plain values, no handles.
public struct VulkanDeviceInfo: Sendable, Equatable {
    public enum Kind: String, Sendable, Equatable {
        case discrete = "discrete GPU", integrated = "integrated GPU", virtual = "virtual GPU", cpu = "CPU", other = "other"
    }

    public struct Heap: Sendable, Equatable {
        public var bytes: Int
        public var deviceLocal: Bool
        public init(bytes: Int, deviceLocal: Bool) {
            self.bytes = bytes
            self.deviceLocal = deviceLocal
        }
    }

    public var index: Int
    public var name: String
    public var kind: Kind
    public var driver: String
    public var apiVersion: String
    public var heaps: [Heap]
    public var subgroupSize: Int
    public var float16: Bool
    public var int8: Bool
    /// The largest range one storage-buffer binding may cover (128 MiB on lavapipe).
    public var maxStorageBufferRange: Int
    public var maxWorkgroupInvocations: Int
    public var timestamps: Bool

    public init(index: Int, name: String, kind: Kind, driver: String, apiVersion: String, heaps: [Heap], subgroupSize: Int,
                float16: Bool, int8: Bool, maxStorageBufferRange: Int, maxWorkgroupInvocations: Int, timestamps: Bool) {
        self.index = index
        self.name = name
        self.kind = kind
        self.driver = driver
        self.apiVersion = apiVersion
        self.heaps = heaps
        self.subgroupSize = subgroupSize
        self.float16 = float16
        self.int8 = int8
        self.maxStorageBufferRange = maxStorageBufferRange
        self.maxWorkgroupInvocations = maxWorkgroupInvocations
        self.timestamps = timestamps
    }

    /// Memory a model can live in: the device-local heaps (all of them on a unified-memory device).
    public var deviceLocalBytes: Int { heaps.filter(\.deviceLocal).map(\.bytes).max() ?? heaps.map(\.bytes).max() ?? 0 }
}
