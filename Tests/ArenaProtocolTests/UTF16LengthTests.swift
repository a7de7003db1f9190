import ArenaProtocol
import Testing

/// Lengths are JavaScript lengths: UTF-16 code units, not characters and not bytes.
@Suite("UTF-16 length limits")
struct UTF16LengthTests {
    /// Pieces whose UTF-16 length differs from their character count or byte count.
    static let pieces: [(name: String, piece: String, units: Int)] = [
        ("ASCII", "a", 1),
        ("CJK", "界", 1),  // 1 unit, 3 UTF-8 bytes
        ("emoji", "😀", 2),  // a surrogate pair: 1 character, 2 units
        ("combining mark", "e\u{301}", 2),  // 1 character, 2 units
        ("flag", "🇫🇷", 4),  // 1 character, 2 scalars, 4 units
    ]

    @Test("javaScriptLength counts UTF-16 code units")
    func javaScriptLength() {
        for (_, piece, units) in Self.pieces {
            #expect(piece.javaScriptLength == units)
        }
        #expect("👨‍👩‍👧".javaScriptLength == 8)
        #expect("".javaScriptLength == 0)
    }

    /// Every string limit of DESIGN §4, as a message that carries `value` in the limited field.
    static let limits: [(field: String, limit: Int, reason: String, build: @Sendable (String) -> JSONObject)] = [
        ("name", 64, "AGENT_CONNECT: name missing or too long (max 64)", { connect(name: .string($0)) }),
        ("color", 32, "AGENT_CONNECT: color missing or too long (max 32)", { connect(color: .string($0)) }),
        ("persona", 64, "AGENT_CONNECT: persona missing or too long (max 64)", { connect(persona: .string($0)) }),
        ("version", 32, "AGENT_CONNECT: version missing or too long (max 32)", { connect(version: .string($0)) }),
        ("thought", 1024, "AGENT_THOUGHT: content missing or too long (max 1024)", { thought(content: .string($0)) }),
        ("response", 2048, "AGENT_RESPONSE: content missing or too long (max 2048)", { response(content: .string($0)) }),
    ]

    @Test("Exactly at the limit passes and one unit over fails, whatever the script", arguments: 0..<6)
    func limitEdges(index: Int) {
        let (field, limit, reason, build) = Self.limits[index]
        for (name, piece, units) in Self.pieces where limit % units == 0 {
            let atLimit = text(piece, units: limit)
            #expect(payloadFailure(build(atLimit)) == nil, "\(field) with \(name) at \(limit) units")
            #expect(payloadFailure(build(atLimit + "a")) == reason, "\(field) with \(name) at \(limit + 1) units")
        }
    }

    @Test("Characters are not what is counted: 33 emoji are 33 characters but 66 units")
    func charactersAreNotCounted() {
        let name = String(repeating: "😀", count: 33)
        #expect(name.count == 33)
        #expect(payloadFailure(connect(name: .string(name))) == "AGENT_CONNECT: name missing or too long (max 64)")
        let accented = String(repeating: "e\u{301}", count: 33)
        #expect(accented.count == 33)
        #expect(payloadFailure(connect(name: .string(accented))) == "AGENT_CONNECT: name missing or too long (max 64)")
    }

    @Test("Bytes are not what is counted: 64 CJK characters are 192 bytes and fit a name")
    func bytesAreNotCounted() {
        let name = text("界", units: 64)
        #expect(name.utf8.count == 192)
        #expect(payloadFailure(connect(name: .string(name))) == nil)
    }

    @Test("An odd limit with a surrogate pair straddling it fails")
    func pairStraddlingTheLimit() {
        // 31 ASCII units then a pair: 33 units for a 32-unit color.
        #expect(payloadFailure(connect(color: .string(text("a", units: 31) + "😀"))) == "AGENT_CONNECT: color missing or too long (max 32)")
        #expect(payloadFailure(connect(color: .string(text("a", units: 30) + "😀"))) == nil)
    }

    @Test("Lengths survive the trip through JSON text")
    func lengthsAfterParsing() throws {
        let name = text("😀", units: 64)
        let frame = encodedText(.object(connect(name: .string(name))))
        let parsed = try ProtocolValidation.parse(Array(frame.utf8)).get()
        #expect(parsed["payload"]?["name"]?.stringValue?.javaScriptLength == 64)
        #expect(payloadFailure(parsed) == nil)
        // Escaped surrogate pairs count the same.
        let escaped = #"{"type":"AGENT_CONNECT","payload":{"name":"\ud83d\ude00","color":"","persona":"","version":""}}"#
        let parsedEscaped = try ProtocolValidation.parse(Array(escaped.utf8)).get()
        #expect(parsedEscaped["payload"]?["name"]?.stringValue == "😀")
        #expect(parsedEscaped["payload"]?["name"]?.stringValue?.javaScriptLength == 2)
    }
}

@Suite("javaScriptPrefix")
struct JavaScriptPrefixTests {
    @Test("A string within the count comes back unchanged")
    func shortStrings() {
        #expect("abc".javaScriptPrefix(3) == "abc")
        #expect("abc".javaScriptPrefix(10) == "abc")
        #expect("".javaScriptPrefix(0) == "")
        #expect("😀".javaScriptPrefix(2) == "😀")
    }

    @Test("It cuts at UTF-16 units")
    func cutsAtUnits() {
        #expect("abcdef".javaScriptPrefix(4) == "abcd")
        #expect("abc".javaScriptPrefix(0) == "")
        #expect(Array(text("界", units: 600).javaScriptPrefix(512).utf16) == Array(text("界", units: 512).utf16))
    }

    @Test("It never splits a surrogate pair: a cut pair is dropped whole")
    func neverSplitsAPair() {
        #expect("a😀".javaScriptPrefix(2) == "a")
        #expect("a😀".javaScriptPrefix(3) == "a😀")
        #expect("😀😀".javaScriptPrefix(3) == "😀")
        #expect("😀".javaScriptPrefix(1) == "")
        for count in 0...20 {
            let cut = String(repeating: "x😀", count: 8).javaScriptPrefix(count)
            #expect(cut.javaScriptLength <= count)
            #expect(cut.javaScriptLength >= count - 1)
            // A split pair would leave a lone surrogate, which Swift could only keep as U+FFFD.
            #expect(cut.unicodeScalars.allSatisfy { $0 == "x" || $0 == "😀" })
        }
    }

    @Test("A combining mark may be cut from its base, as JavaScript's slice does")
    func combiningMarks() {
        let cut = "e\u{301}e\u{301}".javaScriptPrefix(3)
        #expect(Array(cut.unicodeScalars) == ["e", "\u{301}", "e"])
        #expect(cut.javaScriptLength == 3)
    }

    @Test("A 512-unit description made of emoji is cut to 512 units when the pair fits, 511 when it would not")
    func descriptionEdges() {
        let pairs = String(repeating: "😀", count: 300)
        #expect(pairs.javaScriptPrefix(512).javaScriptLength == 512)
        let shifted = "a" + pairs
        #expect(shifted.javaScriptPrefix(512).javaScriptLength == 511)
    }
}

@Suite("utf8Prefix")
struct UTF8PrefixTests {
    @Test("cuts at whole characters within the byte limit", arguments: [
        ("Kicked by admin: café", 20, "Kicked by admin: caf"),
        ("Kicked by admin: café", 21, "Kicked by admin: caf"),
        ("Kicked by admin: café", 22, "Kicked by admin: café"),
        ("🚫🚫", 7, "🚫"),
        ("short", 123, "short"),
    ])
    func prefix(text: String, limit: Int, expected: String) {
        #expect(text.utf8Prefix(maxBytes: limit) == expected)
        #expect(text.utf8Prefix(maxBytes: limit).utf8.count <= limit)
    }
}
