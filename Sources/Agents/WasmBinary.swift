/// What a file handed to mowai as an agent is, read from its first bytes and sections. Pure: the host
/// runs core modules, so a component is opened just far enough to take out its main core module.
public enum WasmBinary {
    static let magic: [UInt8] = [0x00, 0x61, 0x73, 0x6D]
    static let moduleVersion: [UInt8] = [0x01, 0x00, 0x00, 0x00]
    /// Component model binaries: version 0x0d, layer 1.
    static let componentVersion: [UInt8] = [0x0D, 0x00, 0x01, 0x00]
    /// A component's section holding an embedded core module.
    static let coreModuleSection: UInt8 = 1

    public enum Kind: Equatable, Sendable {
        case coreModule
        case component
    }

    public static func kind(of bytes: [UInt8]) throws(AgentLoadError) -> Kind {
        guard bytes.count >= 8, Array(bytes[0..<4]) == magic else { throw .notWebAssembly }
        switch Array(bytes[4..<8]) {
        case moduleVersion: return .coreModule
        case componentVersion: return .component
        default: throw .unsupportedVersion(Array(bytes[4..<8]))
        }
    }

    /// The core module to run: `bytes` itself, or a component's main module. The main module is the one
    /// that exports the world's `handle-task`; failing that (a component of some other world), the
    /// largest, so the export check names what is missing.
    public static func coreModule(of bytes: [UInt8]) throws(AgentLoadError) -> [UInt8] {
        switch try kind(of: bytes) {
        case .coreModule: return bytes
        case .component:
            let modules = try embeddedModules(of: bytes)
            if let main = modules.first(where: { exportNames(of: $0).contains("handle-task") }) { return main }
            guard let largest = modules.max(by: { $0.count < $1.count }) else { throw .componentWithoutModule }
            return largest
        }
    }

    /// The core modules a component embeds at its top level, in order.
    static func embeddedModules(of bytes: [UInt8]) throws(AgentLoadError) -> [[UInt8]] {
        var modules: [[UInt8]] = []
        for section in try sections(of: bytes) where section.id == coreModuleSection {
            modules.append(Array(bytes[section.range]))
        }
        return modules
    }

    struct Section {
        let id: UInt8
        let range: Range<Int>
    }

    /// The sections after the 8-byte preamble; every size is checked against the file.
    static func sections(of bytes: [UInt8]) throws(AgentLoadError) -> [Section] {
        var sections: [Section] = []
        var offset = 8
        while offset < bytes.count {
            let id = bytes[offset]
            offset += 1
            let size = try leb128(bytes, at: &offset)
            guard size <= bytes.count - offset else { throw .truncated(offset: offset) }
            sections.append(Section(id: id, range: offset..<(offset + size)))
            offset += size
        }
        return sections
    }

    /// The names a core module exports (section 7), or none when it cannot be read.
    static func exportNames(of module: [UInt8]) -> [String] {
        guard let sections = try? sections(of: module), let exports = sections.first(where: { $0.id == 7 }) else { return [] }
        var offset = exports.range.lowerBound
        guard let count = try? leb128(module, at: &offset) else { return [] }
        var names: [String] = []
        for _ in 0..<min(count, 100_000) {
            guard let length = try? leb128(module, at: &offset), length <= exports.range.upperBound - offset else { break }
            names.append(String(decoding: module[offset..<(offset + length)], as: UTF8.self))
            offset += length + 1  // the name, then the export kind
            guard offset < exports.range.upperBound, (try? leb128(module, at: &offset)) != nil else { break }
        }
        return names
    }

    /// An unsigned LEB128 of at most 32 bits.
    static func leb128(_ bytes: [UInt8], at offset: inout Int) throws(AgentLoadError) -> Int {
        var value = 0
        var shift = 0
        while true {
            guard offset < bytes.count else { throw .truncated(offset: offset) }
            let byte = bytes[offset]
            offset += 1
            value |= Int(byte & 0x7F) << shift
            if byte & 0x80 == 0 { return value }
            shift += 7
            guard shift < 35 else { throw .truncated(offset: offset) }
        }
    }
}
