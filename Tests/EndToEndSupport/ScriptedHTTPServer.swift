/// The scripted HTTP server (`Tests/Interop/scripted-http-server.py`, Python's standard library): chunked
/// and stalled bodies, chosen statuses, echoes, and OpenAI's streamed chat format. Its stdout says which
/// requests came and which clients hung up mid-stream (`request PATH`, `gone PATH`).
public final class ScriptedHTTPServer: ListeningScript, @unchecked Sendable {
    public var baseURL: String { "http://127.0.0.1:\(port)" }

    public init() throws {
        try super.init(["python3", Self.interop("scripted-http-server.py"), "--port", "0"],
                       failure: "the scripted HTTP server did not start (python3 is needed)")
    }
}
