import ArenaProtocol
#if canImport(Glibc)
import Glibc
#endif

public enum LoadClientError: Error, CustomStringConvertible {
    case cannotConnect(String, Int32)
    case handshakeRefused(String)
    case notAcknowledged(Int)

    public var description: String {
        switch self {
        case .cannotConnect(let address, let code):
            return "cannot connect to \(address): \(String(cString: strerror(code))) — is the arena running?"
        case .handshakeRefused(let status):
            return "the arena refused the WebSocket upgrade: \(status)"
        case .notAcknowledged(let count):
            return "\(count) agent(s) got no ARENA_ACK within 10 s"
        }
    }
}

/// The bench's agents: N WebSocket connections driven by one thread over poll(2), written to be far
/// cheaper than the server it loads (poll(2) over a few hundred sockets costs microseconds). It reads frames in bulk straight out of its receive buffers and
/// looks only at the send time each thought carries; it never decodes JSON.
public final class LoadClient {
    final class Agent {
        let fd: Int32
        let agentId: String
        var seq = 1
        var buffer: UnsafeMutableRawBufferPointer
        var filled = 0
        var acknowledged = false
        /// The arena closed it (an overloaded arena drops clients that fall too far behind).
        var isClosed = false
        var pendingOutput: [UInt8] = []

        init(fd: Int32, agentId: String) {
            self.fd = fd
            self.agentId = agentId
            buffer = .allocate(byteCount: 1 << 18, alignment: 16)
        }

        deinit {
            close(fd)
            buffer.deallocate()
        }
    }

    private var agents: [Agent] = []
    private var descriptors: [pollfd] = []
    private let taskId: String
    private var nextSender = 0
    /// Counters of the current measurement.
    public private(set) var delivered = 0
    public private(set) var sent = 0
    public var latencies = LatencyHistogram()
    private static let marker = Array("bench:".utf8)
    private static let ackMarker = Array("ARENA_ACK".utf8)

    static func contains(_ needle: [UInt8], in payload: UnsafeBufferPointer<UInt8>) -> Bool {
        guard payload.count >= needle.count else { return false }
        return (0...(payload.count - needle.count)).contains { start in
            needle.indices.allSatisfy { payload[start + $0] == needle[$0] }
        }
    }

    public init(host: String, port: Int, agents count: Int) throws {
        var system = SystemRandomNumberGenerator()
        var random = SplitMix64(seed: system.next())
        taskId = UUIDv4.make(using: &random)
        for _ in 0..<count {
            let fd = try Self.connect(host: host, port: port)
            let agent = Agent(fd: fd, agentId: UUIDv4.make(using: &random))
            agents.append(agent)
        }
        for agent in agents { try handshake(agent, host: host, port: port) }
        descriptors = agents.map { pollfd(fd: $0.fd, events: Int16(POLLIN), revents: 0) }
        try register()
    }


    // MARK: Connecting

    private static func connect(host: String, port: Int) throws -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        guard let resolved = resolveIPv4(host) else {
            close(fd)
            throw LoadClientError.cannotConnect("\(host):\(port) (not an IPv4 address or resolvable name)", EINVAL)
        }
        address.sin_addr = resolved
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard result == 0 else {
            let code = errno
            close(fd)
            throw LoadClientError.cannotConnect("\(host):\(port)", code)
        }
        var one: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        // The handshake reads and writes block; an arena that never answers must not hang the bench.
        var timeout = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        return fd
    }

    private static func resolveIPv4(_ host: String) -> in_addr? {
        var hints = addrinfo()
        hints.ai_family = AF_INET
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var result: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, nil, &hints, &result) == 0, let first = result else { return nil }
        defer { freeaddrinfo(result) }
        return first.pointee.ai_addr.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { $0.pointee.sin_addr }
    }

    /// A plain RFC 6455 upgrade; the load client trusts the 101 and skips checking the accept hash.
    private func handshake(_ agent: Agent, host: String, port: Int) throws {
        let request = "GET / HTTP/1.1\r\nHost: \(host):\(port)\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            + "Sec-WebSocket-Key: bW93YWktYmVuY2gta2V5MQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
        try writeAll(agent.fd, Array(request.utf8))
        var response: [UInt8] = []
        var byte: UInt8 = 0
        // Read byte by byte up to the blank line, so no frame bytes are swallowed.
        while !(response.count >= 4 && response.suffix(4) == [13, 10, 13, 10]) {
            guard read(agent.fd, &byte, 1) == 1 else {
                throw LoadClientError.handshakeRefused(errno == EAGAIN ? "no answer within 5 s" : "connection closed")
            }
            response.append(byte)
        }
        let status = String(decoding: response.prefix { $0 != 13 }, as: UTF8.self)
        guard status.contains(" 101") else { throw LoadClientError.handshakeRefused(status) }
        _ = fcntl(agent.fd, F_SETFL, fcntl(agent.fd, F_GETFL) | O_NONBLOCK)
    }

    private func register() throws {
        for (index, agent) in agents.enumerated() {
            let connect = """
            {"type":"AGENT_CONNECT","agentId":"\(agent.agentId)","slot":0,"seq":0,"ts":\(Self.wallMs()),\
            "payload":{"name":"bench-\(index)","color":"#888888","persona":"bench","version":"bench"}}
            """
            queue(Array(connect.utf8), on: agent)
        }
        let deadline = Self.monotonicNs() + 10_000_000_000
        while agents.contains(where: { !$0.acknowledged }) && Self.monotonicNs() < deadline {
            poll(timeoutMs: 10)
        }
        let missing = agents.filter { !$0.acknowledged }.count
        if missing > 0 { throw LoadClientError.notAcknowledged(missing) }
    }

    // MARK: Load

    /// Offers `rate` thoughts a second (spread over the agents in turn) for `seconds`, receiving all
    /// the while. Counters and latencies cover only this run.
    public func run(thoughtsPerSecond rate: Double, seconds: Double) {
        delivered = 0
        sent = 0
        latencies.reset()
        let start = Self.monotonicNs()
        let end = start + Int64(seconds * 1e9)
        var now = start
        while now < end {
            let due = Int(Double(now - start) / 1e9 * rate) - sent
            if due > 0 {
                for _ in 0..<min(due, agents.count * 4) { sendThought() }
            }
            poll(timeoutMs: 1)
            now = Self.monotonicNs()
        }
    }

    /// Receives for a while without sending, so late deliveries of a step are not counted in the next.
    public func drain(seconds: Double) {
        let end = Self.monotonicNs() + Int64(seconds * 1e9)
        while Self.monotonicNs() < end { poll(timeoutMs: 5) }
    }

    private func sendThought() {
        let agent = agents[nextSender]
        nextSender = (nextSender + 1) % agents.count
        guard !agent.isClosed else { return }
        let thought = """
        {"type":"AGENT_THOUGHT","agentId":"\(agent.agentId)","slot":0,"seq":\(agent.seq),"ts":\(Self.wallMs()),\
        "payload":{"taskId":"\(taskId)","step":1,"content":"bench:\(Self.monotonicNs()): a thought of about a hundred bytes, as agents send them"}}
        """
        agent.seq += 1
        sent += 1
        queue(Array(thought.utf8), on: agent)
    }

    private func queue(_ message: [UInt8], on agent: Agent) {
        // A zero masking key is a valid key and leaves the payload as it is.
        WebSocketFrame.appendMasked(message, key: 0, to: &agent.pendingOutput)
        flushOutput(of: agent)
    }

    private func flushOutput(of agent: Agent) {
        guard !agent.pendingOutput.isEmpty, !agent.isClosed else { return }
        // MSG_NOSIGNAL: a socket the arena closed must not kill the bench with SIGPIPE.
        let written = agent.pendingOutput.withUnsafeBytes { send(agent.fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        if written > 0 {
            agent.pendingOutput.removeFirst(written)
        } else if written < 0 && errno != EAGAIN && errno != EINTR {
            markClosed(agent)
        }
    }

    private func markClosed(_ agent: Agent) {
        agent.isClosed = true
        agent.pendingOutput.removeAll()
        if let index = agents.firstIndex(where: { $0 === agent }) { descriptors[index].fd = -1 }
    }

    /// Agents the arena has closed so far.
    public var closedAgents: Int { agents.filter(\.isClosed).count }

    private func writeAll(_ fd: Int32, _ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            guard written > 0 else { throw LoadClientError.handshakeRefused("write failed") }
            offset += written
        }
    }

    // MARK: Receiving

    private func poll(timeoutMs: Int32) {
        let ready = Glibc.poll(&descriptors, nfds_t(descriptors.count), timeoutMs)
        guard ready > 0 else { return }
        for index in descriptors.indices where descriptors[index].revents != 0 {
            receive(agents[index])
            flushOutput(of: agents[index])
        }
    }

    private func receive(_ agent: Agent) {
        while true {
            let space = agent.buffer.count - agent.filled
            let count = read(agent.fd, agent.buffer.baseAddress! + agent.filled, space)
            if count == 0 || (count < 0 && errno != EAGAIN && errno != EINTR) {
                markClosed(agent)
                return
            }
            guard count > 0 else { return }
            agent.filled += count
            consumeFrames(of: agent)
            if count < space { return }
        }
    }

    private func consumeFrames(of agent: Agent) {
        let now = Self.monotonicNs()
        let bytes = UnsafeBufferPointer(start: agent.buffer.baseAddress!.assumingMemoryBound(to: UInt8.self), count: agent.filled)
        var offset = 0
        while let header = WebSocketFrame.header(in: bytes, at: offset), offset + header.frameLength <= bytes.count {
            let payload = UnsafeBufferPointer(rebasing: bytes[(offset + header.payloadOffset)..<(offset + header.frameLength)])
            if header.opcode == WebSocketFrame.Opcode.text.rawValue {
                if !agent.acknowledged {
                    // The first message must be the ACK; a refusal (ARENA_ERROR) leaves the agent waiting.
                    agent.acknowledged = Self.contains(Self.ackMarker, in: payload)
                } else {
                    delivered += 1
                    if let sentAt = Self.sendTime(in: payload) { latencies.record(nanoseconds: now - sentAt) }
                }
            }
            offset += header.frameLength
        }
        if offset > 0 {
            let remaining = agent.filled - offset
            if remaining > 0 { memmove(agent.buffer.baseAddress!, agent.buffer.baseAddress! + offset, remaining) }
            agent.filled = remaining
        }
    }

    /// The monotonic send time after "bench:" in a thought's content.
    static func sendTime(in payload: UnsafeBufferPointer<UInt8>) -> Int64? {
        let marker = Self.marker
        guard payload.count > marker.count else { return nil }
        var index = 0
        let last = payload.count - marker.count
        while index <= last {
            if payload[index] == marker[0] && payload[index + 1] == marker[1] && payload[index + 2] == marker[2]
                && payload[index + 3] == marker[3] && payload[index + 4] == marker[4] && payload[index + 5] == marker[5] {
                var value: Int64 = 0
                var cursor = index + marker.count
                while cursor < payload.count, payload[cursor] >= 48, payload[cursor] <= 57 {
                    value = value * 10 + Int64(payload[cursor] - 48)
                    cursor += 1
                }
                return value
            }
            index += 1
        }
        return nil
    }

    // MARK: Clocks

    static func monotonicNs() -> Int64 {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return Int64(spec.tv_sec) * 1_000_000_000 + Int64(spec.tv_nsec)
    }

    static func wallMs() -> Int64 {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Int64(spec.tv_sec) * 1000 + Int64(spec.tv_nsec) / 1_000_000
    }
}
