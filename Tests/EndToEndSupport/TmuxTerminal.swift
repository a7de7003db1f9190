import Foundation

/// The terminal emulator the console tests look through: a private tmux server (its own socket, so tests
/// run in parallel) whose one window runs `mowai` under `sh`, which prints `EXIT=<status>` when it ends
/// and then lingers, so the status and whatever the program left behind stay on screen.
public final class TmuxTerminal: @unchecked Sendable {
    static let session = "console"
    private let socket = "mowai-e2e-\(getpid())-\(UUID().uuidString.prefix(8))"
    private let tmux: String
    private var socketPath: String?
    private var isClosed = false

    /// Starts `mowai ARGUMENTS` in a `columns`×`rows` window with TERM=xterm-256color and LANG=C.UTF-8;
    /// `environment` adds to (or, with nil, removes from) what the program sees.
    public init(columns: Int, rows: Int, mowai arguments: [String], environment: [String: String?] = [:]) throws {
        tmux = try Self.findTmux()
        var variables: [String: String?] = [
            "TERM": "xterm-256color", "LANG": "C.UTF-8", "LC_ALL": nil, "LC_CTYPE": nil, "NO_COLOR": nil,
            "MOWAI_ADMIN_SECRET": nil, "MOWAI_THEMES": nil, "COLUMNS": nil, "LINES": nil,
        ]
        variables.merge(environment) { _, new in new }
        // env takes its -u options before any NAME=VALUE.
        let sorted = variables.sorted { $0.key < $1.key }
        var command = ["env"] + sorted.filter { $0.value == nil }.flatMap { ["-u", $0.key] }
        command += sorted.compactMap { name, value in value.map { "\(name)=\($0)" } }
        let program = ([ArenaProcess.executable.path] + arguments).map(Self.shellQuoted).joined(separator: " ")
        command += ["sh", "-c", "\(program); echo EXIT=$?; sleep 60"]
        try tmuxCommand(["new-session", "-d", "-s", Self.session, "-x", "\(columns)", "-y", "\(rows)"] + command)
        socketPath = try? format("#{socket_path}")
    }

    deinit { close() }

    /// Ends the tmux server and everything running in it (idempotent).
    public func close() {
        guard !isClosed else { return }
        isClosed = true
        _ = try? tmuxCommand(["kill-server"])
        if let socketPath { unlink(socketPath) }  // tmux leaves it behind
    }

    // MARK: Looking

    public func screen() throws -> Screen {
        let text = try tmuxCommand(["capture-pane", "-p", "-t", Self.session])
        var lines = text.components(separatedBy: "\n")
        if lines.last == "" { lines.removeLast() }
        return Screen(lines: lines)
    }

    /// The screen with its colours and attributes as SGR escape sequences.
    public func styledScreen() throws -> String {
        try tmuxCommand(["capture-pane", "-p", "-e", "-t", Self.session])
    }

    /// Polls the screen until `condition` holds; throws with the last screen after `seconds`.
    @discardableResult
    public func waitFor(_ what: String, within seconds: Double = 10, _ condition: (Screen) -> Bool) async throws -> Screen {
        let deadline = Date().addingTimeInterval(seconds)
        while true {
            let screen = try screen()
            if condition(screen) { return screen }
            guard Date() < deadline else {
                throw ArenaTestError("waited \(seconds) s for \(what); the screen was:\n\(screen)")
            }
            try await Task.sleep(nanoseconds: 50_000_000)
        }
    }

    /// Waits until the screen shows every one of `texts`.
    @discardableResult
    public func waitFor(_ texts: String..., within seconds: Double = 10) async throws -> Screen {
        let list = texts.map { "\"\($0)\"" }.joined(separator: ", ")
        return try await waitFor(list, within: seconds) { screen in texts.allSatisfy(screen.contains) }
    }

    /// Waits for `mowai` to end; its exit status, as the pane's shell printed it (`EXIT=<status>`).
    public func exitStatus(within seconds: Double = 10) async throws -> Int32 {
        let screen = try await waitFor("the program to exit", within: seconds) { $0.lines.contains { $0.hasPrefix("EXIT=") } }
        let line = screen.lines.first { $0.hasPrefix("EXIT=") } ?? ""
        guard let status = Int32(line.dropFirst(5).prefix(while: \.isNumber)) else { throw ArenaTestError("no status in \(line)") }
        return status
    }

    /// A tmux format of the pane, e.g. `#{pane_title}` or `#{alternate_on}`.
    public func format(_ format: String) throws -> String {
        try tmuxCommand(["display-message", "-p", "-t", Self.session, format])
            .trimmingCharacters(in: .newlines)
    }

    /// The `mowai` process: a child of the `sh` the pane runs.
    public func programPID() throws -> pid_t {
        let shell = try format("#{pane_pid}")
        let children = (try? String(contentsOfFile: "/proc/\(shell)/task/\(shell)/children", encoding: .utf8)) ?? ""
        for child in children.split(separator: " ") {
            let name = (try? String(contentsOfFile: "/proc/\(child)/comm", encoding: .utf8)) ?? ""
            if name.trimmingCharacters(in: .newlines) == "mowai", let pid = pid_t(child) { return pid }
        }
        throw ArenaTestError("no mowai process under the pane's shell \(shell) (children: \(children))")
    }

    // MARK: Typing

    /// Types `text` literally, character by character.
    public func type(_ text: String) throws {
        try tmuxCommand(["send-keys", "-t", Self.session, "-l", "--", text])
    }

    /// Presses keys by tmux name: `Enter`, `Down`, `C-c`, `q`.
    public func press(_ keys: String...) throws {
        try tmuxCommand(["send-keys", "-t", Self.session] + keys)
    }

    public func resize(columns: Int, rows: Int) throws {
        try tmuxCommand(["resize-window", "-t", Self.session, "-x", "\(columns)", "-y", "\(rows)"])
    }

    // MARK: tmux

    @discardableResult
    private func tmuxCommand(_ arguments: [String]) throws -> String {
        var environment = ProcessInfo.processInfo.environment
        environment["TMUX"] = nil  // a test run inside tmux must still reach its own server
        environment["TMUX_PANE"] = nil
        let (status, output) = try Self.spawn(tmux, ["-L", socket, "-f", "/dev/null"] + arguments, environment: environment)
        guard status == 0 else {
            throw ArenaTestError("tmux \(arguments.joined(separator: " ")) failed (\(status)): \(output)")
        }
        return output
    }

    /// Runs a program to its end and returns its status and output (stdout and stderr together).
    ///
    /// Not Foundation's `Process`: its output pipes are open in this process while it spawns, so a tmux
    /// server started by a parallel test can inherit a write end and that pipe never reaches end of file.
    /// Here the child opens its own output file, so no descriptor of ours is ever shared.
    private static func spawn(_ executable: String, _ arguments: [String], environment: [String: String]) throws -> (Int32, String) {
        let outputPath = NSTemporaryDirectory() + "mowai-e2e-\(UUID().uuidString).out"
        defer { unlink(outputPath) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        // Signals as if fresh: a test thread may block some (SIGTERM blocked in a tmux server makes
        // kill-server, which is SIGTERM to itself, do nothing).
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        var allSignals = sigset_t()
        sigfillset(&allSignals)
        posix_spawnattr_setsigdefault(&attributes, &allSignals)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { (argv + envp).forEach { free($0) } }
        var pid = pid_t()
        let spawned = posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
        guard spawned == 0 else { throw ArenaTestError("cannot start \(executable): \(String(cString: strerror(spawned)))") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let output = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
        // WIFEXITED / WEXITSTATUS, which Swift does not import.
        let exitStatus = status & 0x7F == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
        return (exitStatus, output)
    }

    private static func findTmux() throws -> String {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for directory in path.split(separator: ":") + ["/usr/bin", "/usr/local/bin"] {
            let candidate = "\(directory)/tmux"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        throw ArenaTestError("tmux is not installed: run scripts/setup.sh (or apt-get install tmux)")
    }

    public static func shellQuoted(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}
