import ArgumentParser
import Foundation
import SafeText
import Vulkan
import VulkanInference

struct DevicesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "devices",
        abstract: "List the Vulkan devices a model can run on, and say which one --device auto picks.",
        discussion: """
        --device auto prefers a discrete, then an integrated GPU; with only a CPU-type device (lavapipe) it \
        uses the CPU backend, which is faster there. --device vulkan:N picks device N of this list.
        """
    )

    @Flag(help: "Print one JSON object instead of a table.")
    var json = false

    struct Heap: Codable {
        let bytes: Int
        let deviceLocal: Bool
    }

    struct Device: Codable {
        let index: Int
        let name: String
        let type: String
        let driver: String
        let apiVersion: String
        let heaps: [Heap]
        let subgroupSize: Int
        let float16: Bool
        let int8: Bool
        let maxStorageBufferRange: Int
        let timestamps: Bool
    }

    /// What `--device auto` does here: `backend` is "cpu" or "vulkan"; `notice`: a model loaded with auto
    /// tells the user `reason` (no loader or driver), or not (a CPU-type device only, a choice).
    struct AutoChoice: Codable {
        let backend: String
        let device: Int?
        let reason: String?
        let notice: Bool
    }

    struct Report: Codable {
        let devices: [Device]
        let auto: AutoChoice
        /// Why no device could be listed (no loader, no driver), when that is so.
        let error: String?
    }

    func run() throws {
        let report = Self.report(Accelerator.devices())
        print(json ? try reportJSON(report) : table(report))
    }

    static func report(_ listed: Result<[VulkanDeviceInfo], VulkanError>) -> Report {
        switch listed {
        case .failure(let error):
            return Report(devices: [], auto: AutoChoice(backend: "cpu", device: nil, reason: "\(error)", notice: true), error: "\(error)")
        case .success(let devices):
            let auto: AutoChoice
            switch DeviceChoice.auto.resolve(devices) {
            case .cpu(let reason, let notice): auto = AutoChoice(backend: "cpu", device: nil, reason: reason, notice: notice)
            case .vulkan(let index): auto = AutoChoice(backend: "vulkan", device: index, reason: nil, notice: false)
            }
            return Report(devices: devices.map(Self.device), auto: auto, error: nil)
        }
    }

    static func device(_ info: VulkanDeviceInfo) -> Device {
        Device(index: info.index, name: info.name, type: info.kind.rawValue, driver: info.driver, apiVersion: info.apiVersion,
               heaps: info.heaps.map { Heap(bytes: $0.bytes, deviceLocal: $0.deviceLocal) }, subgroupSize: info.subgroupSize,
               float16: info.float16, int8: info.int8, maxStorageBufferRange: info.maxStorageBufferRange, timestamps: info.timestamps)
    }

    private func table(_ report: Report) -> String {
        var lines: [String] = []
        if let error = report.error { lines.append("No Vulkan devices: \(error)") }
        for device in report.devices {
            let heaps = device.heaps.map { "\(VulkanError.megabytes($0.bytes))\($0.deviceLocal ? " device-local" : "")" }
            lines.append("vulkan:\(device.index)  \(device.name)")
            lines.append("  type \(device.type), driver \(device.driver), Vulkan \(device.apiVersion)")
            lines.append("  memory \(heaps.joined(separator: ", ")); subgroup \(device.subgroupSize); "
                + "fp16 \(device.float16 ? "yes" : "no"), int8 \(device.int8 ? "yes" : "no"); "
                + "largest binding \(VulkanError.megabytes(device.maxStorageBufferRange))")
        }
        switch (report.auto.backend, report.auto.device) {
        case ("vulkan", let index?): lines.append("auto picks vulkan:\(index)")
        default: lines.append("auto picks the CPU backend" + (report.auto.reason.map { ": \($0)" } ?? ""))
        }
        return lines.map(Sanitizer.line).joined(separator: "\n")
    }
}
