import ArenaProtocol

/// Plays a `Recording` against a monotonic clock (pure: the caller passes the time): which frames are
/// due, pause, speed, and seeking by task. Silences longer than `maxSilenceMs` are shortened to it, so
/// a workshop's long pauses do not stall the replay.
public struct ReplayPlayer: Sendable {
    public let recording: Recording
    /// The next frame to play.
    public private(set) var position = 0
    public private(set) var speed: Double
    public private(set) var isPaused = false
    /// Each frame's time on the replay's own timeline (ms from the first frame).
    let times: [Int64]
    private var anchorPlayhead: Int64 = 0
    private var anchorMonotonic: Int64

    public static let maxSilenceMs: Int64 = 5000
    public static let speeds: [Double] = [0.25, 0.5, 1, 2, 4, 8, 16, 64]

    public init(recording: Recording, speed: Double = 1, at nowMs: Int64) {
        self.recording = recording
        self.speed = speed
        anchorMonotonic = nowMs
        var times: [Int64] = []
        var previous: Int64?
        for frame in recording.frames {
            let gap = previous.map { min(Self.maxSilenceMs, max(0, frame.ts - $0)) } ?? 0
            times.append((times.last ?? 0) + gap)
            previous = frame.ts
        }
        self.times = times
    }

    public var isFinished: Bool { position >= times.count }
    public var taskIndices: [Int] { recording.frames.indices.filter { recording.frames[$0].isTask } }
    /// How many tasks have started playing.
    public var tasksPlayed: Int { taskIndices.filter { $0 < position }.count }

    func playhead(at nowMs: Int64) -> Int64 {
        isPaused ? anchorPlayhead : anchorPlayhead + Int64(Double(max(0, nowMs - anchorMonotonic)) * speed)
    }

    /// The frames whose time has come (and marks them played).
    public mutating func due(at nowMs: Int64) -> Range<Int> {
        let head = playhead(at: nowMs)
        var end = position
        while end < times.count && times[end] <= head { end += 1 }
        defer { position = end }
        return position..<end
    }

    /// Milliseconds until the next frame is due (nil: paused or finished).
    public func untilNext(at nowMs: Int64) -> Int64? {
        guard !isPaused, position < times.count else { return nil }
        return max(0, Int64((Double(times[position] - playhead(at: nowMs)) / speed).rounded(.up)))
    }

    public mutating func togglePause(at nowMs: Int64) {
        anchorPlayhead = playhead(at: nowMs)
        anchorMonotonic = nowMs
        isPaused.toggle()
    }

    /// The next speed up (`faster`) or down the ladder.
    public mutating func changeSpeed(faster: Bool, at nowMs: Int64) {
        anchorPlayhead = playhead(at: nowMs)
        anchorMonotonic = nowMs
        let index = Self.speeds.firstIndex { $0 >= speed } ?? Self.speeds.count - 1
        speed = Self.speeds[max(0, min(Self.speeds.count - 1, index + (faster ? 1 : -1)))]
    }

    /// Where "next task" goes: the next task not yet played (nil: none left).
    public var nextTask: Int? { taskIndices.first { $0 >= position } }

    /// Where "previous task" goes: the start of the task before the one playing (0 before the first).
    public var previousTask: Int {
        let started = taskIndices.filter { $0 < position }
        return started.count >= 2 ? started[started.count - 2] : 0
    }

    /// Moves to frame `target`: it plays at once and time runs on from there. The caller brings the
    /// console to the state before `target` (on from `position` going forward, from scratch going back).
    public mutating func seek(to target: Int, at nowMs: Int64) {
        position = max(0, min(target, times.count))
        anchorPlayhead = position < times.count ? times[position] : (times.last ?? 0)
        anchorMonotonic = nowMs
    }

    /// "replay · task 3 of 7 · event 120 of 340 · ×2 · paused".
    public var status: String {
        var parts = ["replay", "task \(tasksPlayed) of \(taskIndices.count)", "event \(position) of \(times.count)"]
        if speed != 1 { parts.append("×\(speed == speed.rounded() ? String(Int(speed)) : String(speed))") }
        if isPaused { parts.append("paused") }
        if isFinished { parts.append(recording.stop.map { "stopped: \($0)" } ?? "end") }
        return parts.joined(separator: " · ")
    }
}
