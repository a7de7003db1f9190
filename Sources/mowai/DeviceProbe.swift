import Foundation
import VulkanInference

/// What `--device auto` resolves to, asked of a child `mowai devices --json`. Listing devices loads every
/// installed Vulkan driver; on a machine whose only device is the CPU (lavapipe) that costs this process
/// 50 MB and 30 ms for nothing, and a driver that crashes or hangs while listing takes down only the
/// child. When auto does pick a GPU, this process opens it as any choice would.
enum DeviceProbe {
    static let deadline: DispatchTimeInterval = .seconds(10)

    static func auto() -> DeviceResolution {
        let child = Process()
        child.executableURL = URL(fileURLWithPath: "/proc/self/exe")
        child.arguments = ["devices", "--json"]
        let output = Pipe()
        child.standardOutput = output
        child.standardError = FileHandle.nullDevice
        child.standardInput = FileHandle.nullDevice
        let exited = DispatchSemaphore(value: 0)
        child.terminationHandler = { _ in exited.signal() }
        do {
            try child.run()
        } catch {
            return .cpu(reason: "listing the Vulkan devices failed (\(error))", notice: true)
        }
        let text = Read(), read = DispatchSemaphore(value: 0)
        DispatchQueue.global().async {
            text.data = output.fileHandleForReading.readDataToEndOfFile()
            read.signal()
        }
        guard exited.wait(timeout: .now() + deadline) == .success else {
            child.terminate()
            return .cpu(reason: "listing the Vulkan devices took over 10 s (a driver hung)", notice: true)
        }
        guard child.terminationReason == .exit, child.terminationStatus == 0 else {
            let how = child.terminationReason == .uncaughtSignal ? "was killed by signal \(child.terminationStatus)" : "exited with \(child.terminationStatus)"
            return .cpu(reason: "listing the Vulkan devices failed (a driver crashed: the probe \(how))", notice: true)
        }
        // The pipe's writer went with the child: the read has ended or ends at once.
        read.wait()
        return resolution(from: text.data)
    }

    /// The auto choice `mowai devices --json` reported.
    static func resolution(from json: Data) -> DeviceResolution {
        guard let report = try? JSONDecoder().decode(DevicesCommand.Report.self, from: json) else {
            return .cpu(reason: "listing the Vulkan devices gave no answer mowai understands", notice: true)
        }
        if report.auto.backend == "vulkan", let index = report.auto.device { return .vulkan(index: index) }
        return .cpu(reason: report.auto.reason ?? "no Vulkan device", notice: report.auto.notice)
    }

    /// Written by the reading thread before it signals, read after the wait.
    private final class Read: @unchecked Sendable {
        var data = Data()
    }
}
