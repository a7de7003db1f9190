import ArgumentParser
import Foundation

/// The admin secret, from `--admin-secret-file` or `MOWAI_ADMIN_SECRET`; never from the command line.
enum AdminSecretSource {
    /// The secret, or nil when neither source has one. A file that cannot be read or holds nothing is
    /// an error: the user asked for it.
    static func load(file: String?) throws -> String? {
        if let file {
            guard let data = FileManager.default.contents(atPath: file) else {
                throw ValidationError("cannot read the admin secret file \(file).")
            }
            // A trailing newline (LF or CRLF) is what editors and `echo` leave; it is not part of the secret.
            let secret = String(decoding: data, as: UTF8.self).trimmingTrailingNewlines()
            guard !secret.isEmpty else { throw ValidationError("the admin secret file \(file) is empty.") }
            return secret
        }
        guard let secret = ProcessInfo.processInfo.environment["MOWAI_ADMIN_SECRET"], !secret.isEmpty else { return nil }
        return secret
    }
}

extension String {
    /// Drops trailing line breaks, LF and CRLF alike (Swift sees "\r\n" as one Character, so this
    /// works on scalars).
    func trimmingTrailingNewlines() -> String {
        var scalars = unicodeScalars[...]
        while let last = scalars.last, last == "\n" || last == "\r" { scalars = scalars.dropLast() }
        return String(scalars)
    }
}
