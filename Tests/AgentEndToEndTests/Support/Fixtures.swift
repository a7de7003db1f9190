import Agents
import ArenaProtocol
import EndToEndSupport
import Foundation
import HTTPClient

/// The agents committed in wit/agents and what their get-info says about themselves.
struct ShippedAgent: CustomStringConvertible, Sendable {
    let folder: String
    /// The version get-info returns (the templates leave name, color and persona to the configuration).
    let version: String
    /// The line the agent logs (at debug level) when it hears `thought` from `peer`.
    let heard: @Sendable (_ peer: String, _ thought: String) -> String

    var path: String { Repository.root + "/wit/agents/\(folder)/\(folder).wasm" }
    var description: String { folder }

    func binary() throws -> AgentBinary { try AgentBinary.load(path: path) }

    /// Whether its handle-task also broadcasts a thought (the templates leave that to their authors).
    var thinksAloud: Bool { folder == "default" }

    static let all = [
        // The default agent keeps the first 32 bytes of a peer's id.
        ShippedAgent(folder: "default", version: "1.0.0") { "heard \($0.prefix(32)): \($1)" },
        ShippedAgent(folder: "template-c", version: "0.1.0") { $1 },
        ShippedAgent(folder: "template-swift", version: "0.1.0") { "\($0): \($1)" },
        ShippedAgent(folder: "template-rust", version: "0.1.0") { "\($0): \($1)" },
    ]
    static var defaultAgent: ShippedAgent { all[0] }
}

enum Repository {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().path
}

/// The admin side of an arena, over HTTP.
enum Admin {
    static let secret = "agent-e2e-secret"

    static func arena(port: Int = 0) throws -> ArenaProcess {
        try ArenaProcess(port: port, adminSecret: secret)
    }

    /// POST /task; returns the new task's id.
    static func postTask(_ description: String, to arena: ArenaProcess) async throws -> String {
        let body = JSONCodec.encode(JSONValue.object(["description": .string(description)]))
        let result = try await HTTPClient.request("POST", arena.httpURL + "/task", headers: [("X-Admin-Secret", secret)], body: body)
        guard result.status == 200, case .object(let object)? = try? JSONCodec.decodeObject(result.body),
              let taskId = object["taskId"]?.stringValue else {
            throw ArenaTestError("POST /task answered \(result.status): \(result.text)")
        }
        return taskId
    }
}
