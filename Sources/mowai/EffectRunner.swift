import ArenaProtocol
import Console
import Foundation
import HTTPClient
import Synchronization
import WebSocketClient

/// Carries out the console's effects on the network and reports back through the inbox. Owns the
/// WebSocket; each connection attempt has a generation, so events of an abandoned one are ignored.
final class EffectRunner: Sendable {
    struct Target: Sendable {
        let url: WebSocketURL
        /// Sent as X-Admin-Secret; never shown, never logged.
        let adminSecret: String?
        let certificateAuthorityFile: String?
    }

    private let target: Target
    private let inbox: ActionInbox
    private let hub: WebSocketHub
    private let link = ArenaLink()
    private let polls = PollCounter()
    /// The mobs the console hosts, for `/flow`, `/send` and the other mob commands.
    private let mobs: LocalMobs?

    init(target: Target, inbox: ActionInbox, mobs: LocalMobs? = nil) throws {
        self.target = target
        self.inbox = inbox
        self.mobs = mobs
        hub = try target.certificateAuthorityFile.map { try WebSocketHub(certificateAuthorityFile: $0) } ?? WebSocketHub.shared()
    }

    func run(_ effects: [Effect]) {
        for effect in effects { run(effect) }
    }

    private func run(_ effect: Effect) {
        switch effect {
        case .connect: connect()
        case .send(let message):
            link.send(message)
        case .postTask(let description):
            post("/task", body: ["description": .string(description)]) { .taskPosted($0) }
        case .postKick(let agentId, let reason):
            var body: JSONObject = ["agentId": .string(agentId)]
            if let reason { body["reason"] = .string(reason) }
            post("/kick", body: body) { .kickPosted($0) }
        case .postClearTasks:
            post("/clear-tasks", body: [:]) { .clearPosted($0) }
        case .pollRoster: pollRoster()
        case .mob(let command):
            if let mobs { mobs.perform(command) } else { inbox.post(.notice(.error, "No mob runs in this console")) }
        case .quit:
            link.close(code: 1001, reason: "console closed")
        }
    }

    private func connect() {
        let headers = target.adminSecret.map { [(name: "X-Admin-Secret", value: $0)] } ?? []
        let inbox = inbox
        link.open(target.url, headers: headers, hub: hub) { event in
            switch event {
            case .opened: inbox.post(.connected(at: .now()))
            case .message(let message): inbox.post(.arena(message, at: .now()))
            case .lost(let reason): inbox.post(.disconnected(reason: reason, at: .now(), jitter: Double.random(in: 0..<1)))
            }
        }
    }

    private func post(_ path: String, body: JSONObject, report: @escaping @Sendable (HTTPOutcome) -> Action) {
        let url = target.url.httpBase + path
        let headers = target.adminSecret.map { [("X-Admin-Secret", $0)] } ?? []
        let (inbox, caFile) = (inbox, target.certificateAuthorityFile)
        Task.detached {
            let outcome: HTTPOutcome
            do {
                let result = try await HTTPClient.request("POST", url, headers: headers, body: JSONCodec.encode(JSONValue.object(body)),
                                                          certificateAuthorityFile: caFile)
                outcome = Self.outcome(of: result)
            } catch {
                outcome = .unreachable("\(ArenaLink.reason(error)) — check the address and that the arena is running")
            }
            inbox.post(report(outcome))
        }
    }

    static func outcome(of result: HTTPResult) -> HTTPOutcome {
        let reply = AdminReply(body: result.body)
        switch result.status {
        case 200..<300:
            let detail = reply.taskId.map { "task \($0.prefix(8))" } ?? reply.cleared.map { "\($0) tasks cleared" } ?? ""
            return .accepted(detail: detail)
        case 401: return .unauthorized
        default: return .rejected(status: result.status, error: reply.error ?? "HTTP \(result.status)")
        }
    }

    /// `GET /agents`. Polls can overlap (each waits up to 10 s); a reply older than one already
    /// delivered is dropped, so the roster never steps back in time. A list that does not decode is
    /// refused whole and told like a malformed frame (once).
    private func pollRoster() {
        let url = target.url.httpBase + "/agents"
        let (inbox, caFile, polls) = (inbox, target.certificateAuthorityFile, polls)
        let number = polls.value.withLock { state -> Int in
            state.issued += 1
            return state.issued
        }
        Task.detached {
            guard let result = try? await HTTPClient.request("GET", url, certificateAuthorityFile: caFile), result.status == 200 else { return }
            let entries: [RosterEntry]
            switch ArenaMessage.roster(fromAgentsBody: result.body) {
            case .success(let roster): entries = roster
            case .failure(let problem):
                inbox.post(.arena(.malformed(problem), at: .now()))
                return
            }
            let isNewest = polls.value.withLock { state -> Bool in
                guard number > state.delivered else { return false }
                state.delivered = number
                return true
            }
            if isNewest { inbox.post(.rosterPolled(entries)) }
        }
    }
}

/// Which roster poll was issued last, and which reply was delivered last.
final class PollCounter: Sendable {
    let value = Mutex<(issued: Int, delivered: Int)>((0, 0))
}
