/// One HTTP request: what to send, and how long to wait for what.
public struct HTTPRequest: Sendable {
    public var method: String
    public var url: String
    public var headers: [HTTPHeader]
    public var body: [UInt8]?
    public var timeouts: HTTPTimeouts
    /// Extra TLS trust for https:// (a PEM file); nil uses the system's certificate authorities.
    public var certificateAuthorityFile: String?

    public init(_ method: String, _ url: String, headers: [HTTPHeader] = [], body: [UInt8]? = nil,
                timeouts: HTTPTimeouts = HTTPTimeouts(), certificateAuthorityFile: String? = nil) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.timeouts = timeouts
        self.certificateAuthorityFile = certificateAuthorityFile
    }
}

public struct HTTPHeader: Sendable, Equatable {
    public var name: String
    public var value: String
    public init(_ name: String, _ value: String) {
        self.name = name
        self.value = value
    }
}

extension [HTTPHeader] {
    /// The value of the first header of that name, compared without case.
    public func value(named name: String) -> String? {
        first { $0.name.lowercased() == name.lowercased() }?.value
    }
}

/// Deadlines in seconds. A streamed answer (a model's tokens) may take minutes in all, so streams
/// usually bound the silence between bytes rather than the whole exchange.
public struct HTTPTimeouts: Sendable, Equatable {
    /// Name resolution, TCP and TLS.
    public var connect: Double
    /// The whole exchange, from the start; nil for no limit.
    public var total: Double?
    /// The longest time without a byte of the response (checked about once a second); nil for no limit.
    public var idle: Double?

    public init(connect: Double = 10, total: Double? = 10, idle: Double? = nil) {
        self.connect = connect
        self.total = total
        self.idle = idle
    }
}

/// The status line and headers of a response.
public struct HTTPResponseHead: Sendable, Equatable {
    public let status: Int
    public let headers: [HTTPHeader]

    public init(status: Int, headers: [HTTPHeader]) {
        self.status = status
        self.headers = headers
    }

    /// The first header of that name, compared without case.
    public func header(_ name: String) -> String? { headers.value(named: name) }
}

/// What a streamed exchange delivers: the head once, then the body in pieces as they arrive.
public enum HTTPStreamEvent: Sendable, Equatable {
    case head(HTTPResponseHead)
    case body([UInt8])
}

public struct HTTPResult: Sendable, Equatable {
    public let status: Int
    public let headers: [HTTPHeader]
    public let body: [UInt8]
    public var text: String { String(decoding: body, as: UTF8.self) }
    /// The first header of that name, compared without case.
    public func header(_ name: String) -> String? { headers.value(named: name) }

    public init(status: Int, headers: [HTTPHeader] = [], body: [UInt8]) {
        self.status = status
        self.headers = headers
        self.body = body
    }
}

public enum HTTPClientError: Error, Equatable, CustomStringConvertible {
    /// No exchange: the address, the connection or TLS failed (curl's own words in `reason`).
    case failed(url: String, reason: String)
    /// A deadline of `HTTPTimeouts` passed.
    case timedOut(url: String, reason: String)
    /// The caller stopped listening; the transfer was aborted.
    case cancelled(url: String)

    public var description: String {
        switch self {
        case .failed(let url, let reason): return "HTTP request to \(url) failed: \(reason)"
        case .timedOut(let url, let reason): return "HTTP request to \(url) timed out: \(reason)"
        case .cancelled(let url): return "HTTP request to \(url) was cancelled"
        }
    }
}
