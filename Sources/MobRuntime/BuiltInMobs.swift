import CAgentAssets

/// The mob definitions embedded in the binary by scripts/embed-assets.py (from mobs/*.json).
public enum BuiltInMobs {
    public static var names: [String] {
        (0..<mowai_builtin_mob_count()).compactMap { mowai_builtin_mob_name($0).map { String(cString: $0) } }
    }

    public static func bytes(named name: String) -> [UInt8]? {
        for index in 0..<mowai_builtin_mob_count() {
            guard let cName = mowai_builtin_mob_name(index), String(cString: cName) == name else { continue }
            var size: UInt = 0
            guard let text = mowai_builtin_mob_text(index, &size) else { return nil }
            return Array(UnsafeBufferPointer(start: text, count: Int(size)))
        }
        return nil
    }
}
