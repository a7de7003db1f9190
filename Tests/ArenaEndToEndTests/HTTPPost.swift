import HTTPClient
import EndToEndSupport

enum HTTPPost {
    /// POST /task; returns the status code.
    static func task(_ description: String, arena: ArenaProcess, secret: String) async throws -> Int {
        let body = Array(#"{"description":"\#(description)"}"#.utf8)
        return try await HTTPClient.request("POST", arena.httpURL + "/task", headers: [("X-Admin-Secret", secret)], body: body).status
    }
}
