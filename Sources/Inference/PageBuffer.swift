#if canImport(Glibc)
import Glibc
#endif

/// Zeroed memory straight from the kernel: pages count towards RSS only once they are written, so a KV
/// cache sized for the whole context costs only what the conversation has used. No swap is reserved
/// up front either (MAP_NORESERVE), so a large reservation never fails for being large.
final class PageBuffer<Element>: @unchecked Sendable {
    let pointer: UnsafeMutablePointer<Element>
    let count: Int
    private let byteCount: Int

    init(count: Int) {
        self.count = count
        byteCount = max(1, count * MemoryLayout<Element>.stride)
        let address = mmap(nil, byteCount, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0)
        guard let address, address != MAP_FAILED else {
            fatalError("mowai: cannot reserve \(byteCount) bytes of memory: \(String(cString: strerror(errno)))")
        }
        pointer = address.bindMemory(to: Element.self, capacity: count)
    }

    subscript(offset: Int) -> UnsafeMutablePointer<Element> { pointer + offset }

    deinit { munmap(UnsafeMutableRawPointer(pointer), byteCount) }
}
