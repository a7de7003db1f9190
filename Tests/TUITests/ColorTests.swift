import Testing
@testable import TUI

@Suite("Colour")
struct ColorTests {
    @Test("Pure red is xterm 196; black and white are the cube's corners")
    func cubeCorners() {
        #expect(Color.rgb(255, 0, 0).reduced(to: .ansi256) == .palette(196))
        #expect(Color.rgb(0, 0, 0).reduced(to: .ansi256) == .palette(16))
        #expect(Color.rgb(255, 255, 255).reduced(to: .ansi256) == .palette(231))
        #expect(Color.rgb(0, 95, 135).reduced(to: .ansi256) == .palette(24))
    }

    @Test("Mid grey lands on the grey ramp")
    func grey() throws {
        let reduced = try #require(Color(hex: "#808080")).reduced(to: .ansi256)
        #expect(reduced == .palette(244))
        #expect(Color.rgb(0x30, 0x30, 0x30).reduced(to: .ansi256) == .palette(236))
    }

    @Test("Eight colours: nearest basic colour, bright entries fold down")
    func eight() throws {
        #expect(Color.rgb(255, 0, 0).reduced(to: .eight) == .palette(1))
        #expect(Color.rgb(0, 255, 0).reduced(to: .eight) == .palette(2))
        #expect(Color.rgb(0, 0, 255).reduced(to: .eight) == .palette(4))
        #expect(Color.rgb(0x1E, 0x1E, 0x2E).reduced(to: .eight) == .palette(0))
        #expect(try #require(Color(hex: "#e8a838")).reduced(to: .eight) == .palette(3))
        #expect(Color.palette(196).reduced(to: .eight) == .palette(1))
        #expect(Color.palette(9).reduced(to: .eight) == .palette(1))
        #expect(Color.palette(7).reduced(to: .eight) == .palette(7))
    }

    @Test("Palette colours pass through 256 colours; no colour means the default")
    func passThrough() {
        #expect(Color.palette(33).reduced(to: .ansi256) == .palette(33))
        for depth in ColorDepth.allCases {
            #expect(Color.default.reduced(to: depth) == .default)
        }
        #expect(Color.rgb(1, 2, 3).reduced(to: .none) == .default)
        #expect(Color.palette(1).reduced(to: .none) == .default)
    }

    @Test("Hex colours parse with or without #, long or short, any case")
    func hex() {
        #expect(Color(hex: "#e8a838") == .rgb(0xE8, 0xA8, 0x38))
        #expect(Color(hex: "e8a838") == .rgb(0xE8, 0xA8, 0x38))
        #expect(Color(hex: "#E8A838") == .rgb(0xE8, 0xA8, 0x38))
        #expect(Color(hex: "#abc") == .rgb(0xAA, 0xBB, 0xCC))
        #expect(Color(hex: "000") == .rgb(0, 0, 0))
        #expect(Color(hex: "#fff") == .rgb(255, 255, 255))
    }

    @Test("Anything else is not a colour", arguments: [
        "", "#", "#ab", "#abcd", "#e8a83", "#e8a8388", "#ggg", "##abc", " #abc", "#abc ", "#ｅ8a838", "0x123456",
    ])
    func invalidHex(text: String) {
        #expect(Color(hex: text) == nil)
    }
}

@Suite("Fast 256-colour reduction")
struct Nearest256Tests {
    @Test("gives exactly what searching all 240 entries gives, over a grid of colours")
    func matchesFullSearch() {
        for red in stride(from: 0, through: 255, by: 15) {
            for green in stride(from: 0, through: 255, by: 15) {
                for blue in stride(from: 0, through: 255, by: 17) {
                    let (r, g, b) = (UInt8(red), UInt8(green), UInt8(blue))
                    #expect(Color.nearestOf256(r, g, b) == Color.nearest(to: (r, g, b), in: 16...255), "\(red),\(green),\(blue)")
                }
            }
        }
    }
}
