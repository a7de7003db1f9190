/// A `ws://` or `wss://` address, split the way libwebsockets wants it.
public struct WebSocketURL: Sendable, Equatable, CustomStringConvertible {
    public var isSecure: Bool
    public var host: String
    public var port: Int
    /// Path and query, at least "/".
    public var path: String

    public init?(_ text: String) {
        let secure: Bool
        var rest: Substring
        if text.hasPrefix("ws://") {
            secure = false
            rest = text.dropFirst(5)
        } else if text.hasPrefix("wss://") {
            secure = true
            rest = text.dropFirst(6)
        } else {
            return nil
        }
        let authority = rest.prefix { $0 != "/" && $0 != "?" }
        rest = rest.dropFirst(authority.count)
        var host = Substring(authority)
        var port = secure ? 443 : 80
        if host.hasPrefix("[") {
            // An IPv6 literal: [::1]:8080
            guard let close = host.firstIndex(of: "]") else { return nil }
            let after = host[host.index(after: close)...]
            host = host[host.index(after: host.startIndex)..<close]
            if after.hasPrefix(":") {
                guard let value = Int(after.dropFirst()) else { return nil }
                port = value
            }
        } else if let colon = host.lastIndex(of: ":") {
            guard let value = Int(host[host.index(after: colon)...]) else { return nil }
            port = value
            host = host[..<colon]
        }
        guard !host.isEmpty, (1...65535).contains(port) else { return nil }
        self.isSecure = secure
        self.host = String(host)
        self.port = port
        self.path = rest.isEmpty ? "/" : (rest.hasPrefix("/") ? String(rest) : "/" + rest)
    }

    public var description: String {
        let shownHost = host.contains(":") ? "[\(host)]" : host
        return "\(isSecure ? "wss" : "ws")://\(shownHost):\(port)\(path == "/" ? "" : path)"
    }

    /// The matching HTTP base URL (for the arena's HTTP API on the same port), keeping a path prefix
    /// such as /arena for arenas behind a reverse proxy.
    public var httpBase: String {
        let shownHost = host.contains(":") ? "[\(host)]" : host
        let prefix = path.split(separator: "?", maxSplits: 1).first.map(String.init) ?? ""
        return "\(isSecure ? "https" : "http")://\(shownHost):\(port)\(prefix.hasSuffix("/") ? String(prefix.dropLast()) : prefix)"
    }
}
