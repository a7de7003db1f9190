import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Watches a project's folders with inotify (no polling): a burst of changes (an editor's save is
/// several events) is reported once, 150 ms after the last, as the set of paths that changed. Build
/// output (build/, *.wasm), hidden files and editors' temporary files are not watched or reported.
final class SourceWatcher: @unchecked Sendable {
    private let root: URL
    private let descriptor: Int32
    private let onChange: @Sendable (Set<String>) -> Void
    private let onProblem: @Sendable (String) -> Void
    /// Watch descriptors → the folder each watches (relative to the root: "" is the root). Owned by the thread.
    private var folders: [Int32: String] = [:]
    private let stopPipe: [Int32]
    /// The files that exist (relative paths), so a temporary file made and renamed away within a burst
    /// (`sed -i`, some editors) is not a change, while a source deleted is. Owned by the thread.
    private var known = Set<String>()

    static let quietMilliseconds: Int32 = 150

    init(root: URL, onChange: @escaping @Sendable (Set<String>) -> Void, onProblem: @escaping @Sendable (String) -> Void) throws {
        self.root = root
        self.onChange = onChange
        self.onProblem = onProblem
        descriptor = inotify_init1(Int32(IN_NONBLOCK | IN_CLOEXEC))
        guard descriptor >= 0 else { throw ValidationErrorMessage("cannot watch \(root.path): inotify: \(String(cString: strerror(errno)))") }
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { throw ValidationErrorMessage("cannot watch \(root.path): pipe: \(String(cString: strerror(errno)))") }
        stopPipe = fds
        try watchTree("")
    }

    deinit {
        close(descriptor)
        close(stopPipe[0])
        close(stopPipe[1])
    }

    func start() {
        let thread = Thread { [self] in run() }
        thread.name = "mowai-watch"
        thread.start()
    }

    func stop() {
        var byte: UInt8 = 1
        _ = write(stopPipe[1], &byte, 1)
    }

    /// Paths (relative to the root) a change of which matters.
    static func isWatched(_ relative: String) -> Bool {
        let components = relative.split(separator: "/")
        guard let name = components.last else { return true }
        if components.contains(where: { $0.hasPrefix(".") }) || components.first == "build" { return false }
        if name.hasSuffix(".wasm") || name.hasSuffix("~") || name.hasSuffix(".swp") || name.hasSuffix(".swx") || name.hasPrefix("#") { return false }
        // Editors that save through a temporary file (".name.tmp", "4913") make noise, not changes.
        return name != "4913" && !name.hasSuffix(".tmp")
    }

    /// Whether a path in a burst changed for good: it exists now, or it existed before and is gone.
    private func settle(_ relative: String) -> Bool {
        if FileManager.default.fileExists(atPath: root.appendingPathComponent(relative).path) {
            known.insert(relative)
            return true
        }
        return known.remove(relative) != nil
    }

    private func watchTree(_ relative: String) throws {
        let path = relative.isEmpty ? root.path : root.appendingPathComponent(relative).path
        let mask = UInt32(IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | IN_CREATE | IN_DELETE | IN_DELETE_SELF | IN_MOVE_SELF)
        let watch = inotify_add_watch(descriptor, path, mask)
        guard watch >= 0 else { throw ValidationErrorMessage("cannot watch \(path): \(String(cString: strerror(errno)))") }
        folders[watch] = relative
        for entry in (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? [] {
            let child = relative.isEmpty ? entry : relative + "/" + entry
            var isFolder: ObjCBool = false
            guard Self.isWatched(child), FileManager.default.fileExists(atPath: root.appendingPathComponent(child).path, isDirectory: &isFolder) else { continue }
            known.insert(child)
            if isFolder.boolValue { try? watchTree(child) }
        }
    }

    private func run() {
        var pending = Set<String>()
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            var fds = [pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0), pollfd(fd: stopPipe[0], events: Int16(POLLIN), revents: 0)]
            // With changes pending, wait for the burst to end; otherwise until something happens.
            let ready = poll(&fds, 2, pending.isEmpty ? -1 : Self.quietMilliseconds)
            if ready < 0 && errno == EINTR { continue }
            if fds[1].revents != 0 { return }
            if ready == 0 {
                let changed = pending.filter(settle)
                pending.removeAll()
                if !changed.isEmpty { onChange(changed) }
                continue
            }
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            guard count > 0 else { continue }
            pending.formUnion(parse(buffer, count: count))
        }
    }

    /// The changed paths in a read's worth of inotify events; new folders are watched as they appear.
    private func parse(_ buffer: [UInt8], count: Int) -> Set<String> {
        var changed = Set<String>()
        var offset = 0
        let header = MemoryLayout<inotify_event>.size
        while offset + header <= count {
            let (watch, mask, length) = buffer.withUnsafeBytes { bytes -> (Int32, UInt32, Int) in
                (bytes.loadUnaligned(fromByteOffset: offset, as: Int32.self),
                 bytes.loadUnaligned(fromByteOffset: offset + 4, as: UInt32.self),
                 Int(bytes.loadUnaligned(fromByteOffset: offset + 12, as: UInt32.self)))
            }
            let nameBytes = buffer[(offset + header)..<min(count, offset + header + length)].prefix { $0 != 0 }
            offset += header + length
            guard let folder = folders[watch] else { continue }
            if mask & UInt32(IN_DELETE_SELF | IN_MOVE_SELF) != 0 {
                folders[watch] = nil
                if folder.isEmpty { onProblem("the project folder was deleted or moved: nothing is watched any more") }
                continue
            }
            let name = String(decoding: nameBytes, as: UTF8.self)
            let relative = folder.isEmpty ? name : folder + "/" + name
            guard !name.isEmpty, Self.isWatched(relative) else { continue }
            if mask & UInt32(IN_ISDIR) != 0 && mask & UInt32(IN_CREATE | IN_MOVED_TO) != 0 { try? watchTree(relative) }
            changed.insert(relative)
        }
        return changed
    }
}
