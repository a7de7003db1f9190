@testable import ArenaServer
import Testing

@Suite("Backpressure")
struct BackpressureTests {
    @Test("one slow reader among many pauses nobody")
    func oneSlowReader() {
        var backpressure = Backpressure()
        #expect(backpressure.update(by: 1, connections: 200) == nil)
        #expect(!backpressure.isPaused)
    }

    @Test("a quarter of the connections congested pauses reading; it resumes below an eighth")
    func pauseAndResume() {
        var backpressure = Backpressure()
        for _ in 1..<50 { #expect(backpressure.update(by: 1, connections: 200) == nil) }
        #expect(backpressure.update(by: 1, connections: 200) == .pause)
        #expect(backpressure.update(by: 1, connections: 200) == nil, "already paused")
        for _ in 0..<26 { #expect(backpressure.update(by: -1, connections: 200) == nil) }
        #expect(backpressure.congested == 25)
        #expect(backpressure.update(by: -1, connections: 200) == .resume)
        #expect(!backpressure.isPaused)
    }

    @Test("two connections both congested is an arena behind; the count never goes negative")
    func smallArena() {
        var backpressure = Backpressure()
        #expect(backpressure.update(by: 1, connections: 2) == nil)
        #expect(backpressure.update(by: 1, connections: 2) == .pause)
        #expect(backpressure.update(by: -1, connections: 2) == nil)
        #expect(backpressure.update(by: -1, connections: 2) == .resume)
        #expect(backpressure.update(by: -1, connections: 2) == nil)
        #expect(backpressure.congested == 0)
    }

    @Test("a connection is congested above 256 KiB and relieved below 64 KiB, with nothing in between")
    func hysteresis() {
        #expect(Backpressure.delta(pending: 256 * 1024 + 1, wasCongested: false) == 1)
        #expect(Backpressure.delta(pending: 256 * 1024, wasCongested: false) == 0)
        #expect(Backpressure.delta(pending: 100 * 1024, wasCongested: true) == 0)
        #expect(Backpressure.delta(pending: 64 * 1024 - 1, wasCongested: true) == -1)
        #expect(Backpressure.delta(pending: 0, wasCongested: false) == 0)
    }
}
