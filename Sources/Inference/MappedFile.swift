#if canImport(Glibc)
import Glibc
#endif

/// A file mapped read-only into memory: model weights are used where they lie, never copied.
public final class MappedFile: @unchecked Sendable {
    public let path: String
    public let bytes: UnsafeRawBufferPointer
    /// Mapped from a file (its pages can be dropped and read again), not a copy in anonymous memory.
    let fileBacked: Bool

    public init(path: String) throws(GGUFError) {
        self.path = path
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw .cannotOpen(file: path, reason: String(cString: strerror(errno))) }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { throw .cannotOpen(file: path, reason: String(cString: strerror(errno))) }
        guard (status.st_mode & S_IFMT) == S_IFREG else { throw .cannotOpen(file: path, reason: "not a regular file") }
        let size = Int(status.st_size)
        guard size > 0 else { throw .notGGUF(file: path) }
        guard let address = mmap(nil, size, PROT_READ, MAP_PRIVATE, descriptor, 0), address != MAP_FAILED else {
            throw .cannotOpen(file: path, reason: String(cString: strerror(errno)))
        }
        bytes = UnsafeRawBufferPointer(start: address, count: size)
        fileBacked = true
    }

    /// A copy of `contents` in anonymous memory, as if it had been read from a file named `path`: for
    /// tests and the fuzzer, which hand the parser bytes rather than files.
    public init(copying contents: [UInt8], path: String) throws(GGUFError) {
        self.path = path
        guard !contents.isEmpty else { throw .notGGUF(file: path) }
        guard let address = mmap(nil, contents.count, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0),
              address != MAP_FAILED else {
            throw .cannotOpen(file: path, reason: String(cString: strerror(errno)))
        }
        contents.withUnsafeBytes { address.copyMemory(from: $0.baseAddress!, byteCount: contents.count) }
        bytes = UnsafeRawBufferPointer(start: address, count: contents.count)
        fileBacked = false
    }

    /// Drops the resident pages wholly inside `range` (bytes from the start) that the process no longer
    /// needs; they are read from the file again if touched. Nothing for a copy in anonymous memory, which
    /// would lose its contents.
    func release(_ range: Range<Int>) {
        guard fileBacked, let base = bytes.baseAddress else { return }
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        let start = (range.lowerBound + page - 1) / page * page, end = range.upperBound / page * page
        guard start < end else { return }
        madvise(UnsafeMutableRawPointer(mutating: base + start), end - start, MADV_DONTNEED)
    }

    deinit {
        if let base = bytes.baseAddress { munmap(UnsafeMutableRawPointer(mutating: base), bytes.count) }
    }
}

/// A model file opened and its header parsed.
public struct GGUFModelFile: Sendable {
    public let mapping: MappedFile
    public let gguf: GGUFFile

    public init(path: String) throws(GGUFError) {
        try self.init(mapping: try MappedFile(path: path))
    }

    public init(mapping: MappedFile) throws(GGUFError) {
        self.mapping = mapping
        gguf = try GGUFFile(parsing: mapping.bytes, file: mapping.path)
    }
}
