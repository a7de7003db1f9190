import ArenaProtocol
import Testing

@Suite("UUID v4")
struct UUIDv4Tests {
    @Test("Valid version-4 UUIDs, in either case", arguments: [
        "3f2b8c1e-9a4d-4e6f-8b2a-1c3d5e7f9a0b",
        "00000000-0000-4000-8000-000000000000",
        "ffffffff-ffff-4fff-bfff-ffffffffffff",
        "9B1DEB4D-3B7D-4BAD-9BDD-2B0D7B3DCB6D",
        "9b1deb4d-3b7d-4bad-Abdd-2b0d7b3dcb6d",
        "9b1deb4d-3b7d-4bad-9bdd-2b0d7b3dcb6d",
        "9b1deb4d-3b7d-4bad-abdd-2b0d7b3dcb6d",
        "9b1deb4d-3b7d-4bad-8bdd-2b0d7b3dcb6d",
    ])
    func valid(text: String) {
        #expect(UUIDv4.isValid(text))
    }

    @Test("Anything else is invalid", arguments: [
        "",
        "not-a-uuid",
        "3f2b8c1e-9a4d-1e6f-8b2a-1c3d5e7f9a0b",  // version 1
        "3f2b8c1e-9a4d-5e6f-8b2a-1c3d5e7f9a0b",  // version 5
        "3f2b8c1e-9a4d-4e6f-7b2a-1c3d5e7f9a0b",  // variant 7
        "3f2b8c1e-9a4d-4e6f-cb2a-1c3d5e7f9a0b",  // variant c
        "3f2b8c1e9a4d4e6f8b2a1c3d5e7f9a0b",  // no dashes
        "{3f2b8c1e-9a4d-4e6f-8b2a-1c3d5e7f9a0b}",
        "3f2b8c1e-9a4d-4e6f-8b2a-1c3d5e7f9a0",  // one short
        "3f2b8c1e-9a4d-4e6f-8b2a-1c3d5e7f9a0bb",  // one long
        "3f2b8c1e-9a4d-4e6f-8b2a-1c3d5e7f9a0b\n",
        "3f2b8c1g-9a4d-4e6f-8b2a-1c3d5e7f9a0b",  // g is not hex
        "3f2b8c1e_9a4d-4e6f-8b2a-1c3d5e7f9a0b",
        "3f2b8c1e-9a4d-4e6f-8b2a-1c3d5e7f9a0é",
        "３f2b8c1e-9a4d-4e6f-8b2a-1c3d5e7f9a0",  // a full-width digit: 36 characters, more bytes
    ])
    func invalid(text: String) {
        #expect(!UUIDv4.isValid(text))
    }

    @Test("Generated UUIDs are valid, lower-case and version 4", arguments: [0, 1, 42, UInt64.max])
    func generated(seed: UInt64) {
        var generator = SeededGenerator(seed: seed)
        var seen: Set<String> = []
        for _ in 0..<200 {
            let uuid = UUIDv4.make(using: &generator)
            #expect(UUIDv4.isValid(uuid), "\(uuid)")
            #expect(uuid == uuid.lowercased())
            #expect(Array(uuid)[14] == "4")
            #expect("89ab".contains(Array(uuid)[19]))
            seen.insert(uuid)
        }
        #expect(seen.count == 200)
    }

    @Test("The same seed gives the same UUIDs")
    func deterministic() {
        var first = SeededGenerator(seed: 7)
        var second = SeededGenerator(seed: 7)
        #expect(UUIDv4.make(using: &first) == UUIDv4.make(using: &second))
    }
}

/// A tiny xorshift generator, so these tests do not depend on the relay's generator.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed == 0 ? 0x9E37_79B9_7F4A_7C15 : seed }
    mutating func next() -> UInt64 {
        state ^= state << 13
        state ^= state >> 7
        state ^= state << 17
        return state
    }
}
