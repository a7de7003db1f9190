import CCurl
import Foundation

public struct HTTPResult: Sendable, Equatable {
    public let status: Int
    public let body: [UInt8]
    public var text: String { String(decoding: body, as: UTF8.self) }
}

public enum HTTPClientError: Error, Equatable, CustomStringConvertible {
    case failed(url: String, reason: String)

    public var description: String {
        switch self {
        case .failed(let url, let reason):
            return "HTTP request to \(url) failed: \(reason) — check the address and that the arena is running"
        }
    }
}

/// HTTP over libcurl. Each request runs on its own thread (curl's easy interface blocks), so callers
/// on the cooperative pool only await.
public enum HTTPClient {
    /// Extra TLS trust for https:// (a PEM file); nil uses the system's certificate authorities.
    public static func request(
        _ method: String, _ url: String, headers: [(String, String)] = [], body: [UInt8]? = nil,
        certificateAuthorityFile: String? = nil, timeoutSeconds: Int = 10
    ) async throws -> HTTPResult {
        try await withCheckedThrowingContinuation { continuation in
            let thread = Thread {
                continuation.resume(with: perform(method, url, headers: headers, body: body,
                                                  certificateAuthorityFile: certificateAuthorityFile,
                                                  timeoutSeconds: timeoutSeconds))
            }
            thread.name = "mowai-http"
            thread.start()
        }
    }

    public static func get(_ url: String) async throws -> HTTPResult {
        try await request("GET", url)
    }

    private static let globalInit: Void = { curl_global_init(Int(CURL_GLOBAL_DEFAULT)) }()

    static func perform(
        _ method: String, _ url: String, headers: [(String, String)], body: [UInt8]?,
        certificateAuthorityFile: String?, timeoutSeconds: Int
    ) -> Result<HTTPResult, any Error> {
        _ = globalInit
        guard let curl = curl_easy_init() else {
            return .failure(HTTPClientError.failed(url: url, reason: "curl_easy_init failed"))
        }
        defer { curl_easy_cleanup(curl) }

        final class Sink { var bytes: [UInt8] = [] }
        let sink = Sink()
        var headerList: UnsafeMutablePointer<curl_slist>?
        for (name, value) in headers { headerList = curl_slist_append(headerList, "\(name): \(value)") }
        // curl adds "Expect: 100-continue" to larger POSTs; arenas answer directly.
        headerList = curl_slist_append(headerList, "Expect:")
        defer { curl_slist_free_all(headerList) }

        mowai_curl_setopt_string(curl, CURLOPT_URL, url)
        mowai_curl_setopt_string(curl, CURLOPT_CUSTOMREQUEST, method)
        mowai_curl_setopt_pointer(curl, CURLOPT_HTTPHEADER, headerList)
        mowai_curl_setopt_long(curl, CURLOPT_TIMEOUT, timeoutSeconds)
        mowai_curl_setopt_long(curl, CURLOPT_NOSIGNAL, 1)
        if let certificateAuthorityFile { mowai_curl_setopt_string(curl, CURLOPT_CAINFO, certificateAuthorityFile) }
        mowai_curl_setopt_write_function(curl) { data, size, count, context in
            guard let data, let context else { return 0 }
            let sink = Unmanaged<Sink>.fromOpaque(context).takeUnretainedValue()
            sink.bytes.append(contentsOf: UnsafeRawBufferPointer(start: data, count: size * count))
            return size * count
        }
        let sinkPointer = Unmanaged.passUnretained(sink).toOpaque()
        mowai_curl_setopt_pointer(curl, CURLOPT_WRITEDATA, sinkPointer)

        let code: CURLcode = withExtendedLifetime(sink) {
            if let body {
                // COPYPOSTFIELDS: curl keeps its own copy, so the body's lifetime does not matter.
                mowai_curl_setopt_long(curl, CURLOPT_POSTFIELDSIZE, body.count)
                body.withUnsafeBytes { bytes in
                    _ = mowai_curl_setopt_pointer(curl, CURLOPT_COPYPOSTFIELDS, UnsafeMutableRawPointer(mutating: bytes.baseAddress))
                }
                return curl_easy_perform(curl)
            }
            return curl_easy_perform(curl)
        }
        guard code == CURLE_OK else {
            return .failure(HTTPClientError.failed(url: url, reason: String(cString: curl_easy_strerror(code))))
        }
        var status = 0
        mowai_curl_getinfo_long(curl, CURLINFO_RESPONSE_CODE, &status)
        return .success(HTTPResult(status: status, body: sink.bytes))
    }
}
