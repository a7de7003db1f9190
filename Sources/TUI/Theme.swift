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

    /// The four themes of `themes/`, built in so an installed binary has them without the files
    /// (a test checks they equal the files). A file of the same name, found first, wins.
    public static let builtIn: [String: Theme] = Dictionary(uniqueKeysWithValues: [
        ("dark", ["text": "#d0d0d0", "muted": "#808080", "border": "#4e4e4e", "focus": "#5fafff", "title": "#87afd7", "banner": "#ffd75f", "bannerBackground": "#262626", "status": "#bcbcbc", "statusBackground": "#303030", "input": "#ffffff", "task": "#ffd75f", "response": "#87d787", "system": "#8a8a8a", "success": "#5fd75f", "warning": "#ffaf00", "error": "#ff5f5f"]),
        ("light", ["text": "#1c1c1c", "muted": "#6c6c6c", "border": "#a8a8a8", "focus": "#005fd7", "title": "#005f87", "banner": "#5f3700", "bannerBackground": "#ffd7af", "status": "#262626", "statusBackground": "#d0d0d0", "input": "#000000", "task": "#875f00", "response": "#005f00", "system": "#6c6c6c", "success": "#008700", "warning": "#af5f00", "error": "#d70000"]),
        ("high-contrast", ["text": "#ffffff", "muted": "#d0d0d0", "border": "#ffffff", "focus": "#ffff00", "title": "#00ffff", "banner": "#000000", "bannerBackground": "#ffff00", "status": "#000000", "statusBackground": "#ffffff", "input": "#ffffff", "task": "#ffff00", "response": "#00ff00", "system": "#d0d0d0", "success": "#00ff00", "warning": "#ffff00", "error": "#ff0000"]),
        ("monochrome", ["text": "default", "muted": "default", "border": "default", "focus": "default", "title": "default", "banner": "default", "bannerBackground": "default", "status": "default", "statusBackground": "default", "input": "default", "task": "default", "response": "default", "system": "default", "success": "default", "warning": "default", "error": "default"]),
    ].compactMap { name, colors in Theme(name: name, colors: colors).map { (name, $0) } })

    /// The default: `dark`.
    public static let dark = builtIn["dark"] ?? Theme(resolvedDefault: ())

    /// A theme from role → colour text; nil if any role is missing or not a colour.
    init?(name: String, colors: [String: String]) {
        var resolved: [String: Color] = [:]
        for key in Self.keys {
            guard let text = colors[key], let color = Self.color(text) else { return nil }
            resolved[key] = color
        }
        self.init(name: name, resolved: resolved)
    }

    /// Every role the terminal's default colour; only reached if the built-in table were broken.
    private init(resolvedDefault: Void) {
        self.init(name: "dark", resolved: [:])
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
