import CAgentAssets

/// The SKILL.md files embedded in the binary by scripts/embed-assets.py, so `mowai` has its personas
/// wherever it is copied.
enum BuiltInPersonas {
    struct File: Equatable {
        let folder: String
        let bytes: [UInt8]

        /// How errors name it: a path that says it is not on disk.
        var label: String { "<built-in>/\(folder)/SKILL.md" }
    }

    static var files: [File] {
        (0..<mowai_builtin_persona_count()).compactMap { index in
            var size: UInt = 0
            guard let name = mowai_builtin_persona_name(index),
                  let text = mowai_builtin_persona_text(index, &size) else { return nil }
            return File(folder: String(cString: name), bytes: Array(UnsafeBufferPointer(start: text, count: Int(size))))
        }
    }
}
