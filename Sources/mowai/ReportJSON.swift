import Foundation
import SafeText

/// A command's `--json` report as one line: keys sorted (stable for diffs and tests), and escaped by the
/// one sanitizer, since reports carry text from outside (driver and model names).
func reportJSON(_ report: some Encodable) throws -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    return Sanitizer.json(String(decoding: try encoder.encode(report), as: UTF8.self))
}
