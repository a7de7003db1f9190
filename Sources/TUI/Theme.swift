#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The console's colours, by role. Files in `themes/` use the format described in themes/README.md.
public struct Theme: Equatable, Sendable {
    public var name: String
    public var text, muted, border, focus, title: Color
    public var banner, bannerBackground, status, statusBackground, input: Color
    public var task, response, system, success, warning, error: Color

    /// The roles, in file order: the keys a theme file must define.
    public static let keys = [
        "text", "muted", "border", "focus", "title", "banner", "bannerBackground", "status", "statusBackground",
        "input", "task", "response", "system", "success", "warning", "error",
    ]

    /// `dark`, built in so the console always has a theme (themes/dark.json holds the same; a test checks).
    public static let dark = Theme(name: "dark", colors: [
        "text": "#d0d0d0", "muted": "#808080", "border": "#4e4e4e", "focus": "#5fafff", "title": "#87afd7",
        "banner": "#ffd75f", "bannerBackground": "#262626", "status": "#bcbcbc", "statusBackground": "#303030",
        "input": "#ffffff", "task": "#ffd75f", "response": "#87d787", "system": "#8a8a8a",
        "success": "#5fd75f", "warning": "#ffaf00", "error": "#ff5f5f",
    ])!

    /// A theme from role → colour text; nil if any role is missing or not a colour.
    init?(name: String, colors: [String: String]) {
        var resolved: [String: Color] = [:]
        for key in Self.keys {
            guard let text = colors[key], let color = Self.color(text) else { return nil }
            resolved[key] = color
        }
        self.init(name: name, resolved: resolved)
    }

    private init(name: String, resolved colors: [String: Color]) {
        self.name = name
        func get(_ key: String) -> Color { colors[key] ?? .default }
        text = get("text"); muted = get("muted"); border = get("border"); focus = get("focus"); title = get("title")
        banner = get("banner"); bannerBackground = get("bannerBackground"); status = get("status")
        statusBackground = get("statusBackground"); input = get("input"); task = get("task")
        response = get("response"); system = get("system"); success = get("success"); warning = get("warning")
        error = get("error")
    }

    static func color(_ text: String) -> Color? {
        text == "default" ? .default : Color(hex: text)
    }

    /// A theme file that could not be used, with the file and the field at fault.
    public struct LoadError: Error, Equatable, CustomStringConvertible {
        public let file: String
        public let problem: String
        public var description: String { "theme \(file): \(problem) — using the default theme (dark)" }
    }

    /// Parses a theme file's contents.
    public static func parse(_ data: [UInt8], file: String) -> Result<Theme, LoadError> {
        struct File: Decodable {
            let name: String?
            let colors: [String: String]
        }
        let decoded: File
        do {
            decoded = try JSONDecoder().decode(File.self, from: Data(data))
        } catch {
            return .failure(LoadError(file: file, problem: "not a theme (expected a JSON object with \"colors\")"))
        }
        for key in keys {
            guard let value = decoded.colors[key] else {
                return .failure(LoadError(file: file, problem: "field colors.\(key) is missing"))
            }
            guard color(value) != nil else {
                return .failure(LoadError(file: file, problem: "field colors.\(key) is \"\(value)\", not \"#rrggbb\", \"#rgb\" or \"default\""))
            }
        }
        let name = decoded.name ?? String(file.split(separator: "/").last?.split(separator: ".").first ?? "custom")
        guard let theme = Theme(name: name, colors: decoded.colors) else {
            return .failure(LoadError(file: file, problem: "unreadable colours"))
        }
        return .success(theme)
    }
}
