/// How one cell is drawn: colours and attributes. Compared by value, so the diff sees restyles.
public struct Style: Hashable, Sendable {
    public var foreground: Color
    public var background: Color
    public var bold: Bool
    public var dim: Bool
    public var italic: Bool
    public var underline: Bool
    public var reverse: Bool

    public init(
        foreground: Color = .default, background: Color = .default,
        bold: Bool = false, dim: Bool = false, italic: Bool = false, underline: Bool = false, reverse: Bool = false
    ) {
        self.foreground = foreground
        self.background = background
        self.bold = bold
        self.dim = dim
        self.italic = italic
        self.underline = underline
        self.reverse = reverse
    }

    /// The terminal's own colours, no attributes.
    public static let plain = Style()
}

/// A colour as the view asks for it; the backend reduces it to what the terminal can show.
public enum Color: Hashable, Sendable {
    /// The terminal's default foreground or background.
    case `default`
    /// An xterm palette index: 0–7 basic, 8–15 bright, 16–231 the 6×6×6 cube, 232–255 the grey ramp.
    case palette(UInt8)
    case rgb(UInt8, UInt8, UInt8)

    /// Parses `"#e8a838"`, `"e8a838"`, `"#abc"` or `"abc"` (any case); nil for anything else.
    public init?(hex: String) {
        var digits = Substring(hex)
        if digits.first == "#" { digits = digits.dropFirst() }
        var values: [UInt8] = []
        for character in digits {
            // `hexDigitValue` also accepts fullwidth digits; a colour string is ASCII.
            guard character.isASCII, let value = character.hexDigitValue else { return nil }
            values.append(UInt8(value))
        }
        switch values.count {
        case 3: self = .rgb(values[0] * 17, values[1] * 17, values[2] * 17)
        case 6: self = .rgb(values[0] << 4 | values[1], values[2] << 4 | values[3], values[4] << 4 | values[5])
        default: return nil
        }
    }

    /// This colour as a terminal of the given depth can show it.
    ///
    /// `.ansi256` maps rgb to the nearest entry of the 6×6×6 cube or the grey ramp (indices 16–255, by squared
    /// RGB distance, lowest index on ties); the 16 basic entries are skipped because themes redefine them.
    /// `.eight` maps to the nearest of the 8 basic colours (bright 8–15 fold onto 0–7). `.none` gives `.default`
    /// (DESIGN §8: honour `NO_COLOR`; degrade from 256 colours to 8 to none).
    public func reduced(to depth: ColorDepth) -> Color {
        switch (self, depth) {
        case (.default, _), (_, .none):
            return .default
        case (.palette, .ansi256):
            return self
        case let (.rgb(red, green, blue), .ansi256):
            return .palette(Self.nearestOf256(red, green, blue))
        case let (.palette(index), .eight) where index < 16:
            return .palette(index % 8)
        case let (.palette(index), .eight):
            return .palette(Self.nearest(to: Self.xtermRGB(index), in: 0...7))
        case let (.rgb(red, green, blue), .eight):
            return .palette(Self.nearest(to: (red, green, blue), in: 0...7))
        }
    }

    /// The nearest of entries 16–255 without searching them all (this runs for every styled span of every
    /// frame): squared distance is separable, so the nearest cube entry takes the nearest level per channel,
    /// and the nearest grey is the ramp step nearest the channels' mean. Same answer as the full search,
    /// ties included (the cube's lower indices win).
    static func nearestOf256(_ red: UInt8, _ green: UInt8, _ blue: UInt8) -> UInt8 {
        func level(_ value: UInt8) -> Int {
            var best = 0
            for index in 1..<cubeLevels.count where abs(Int(cubeLevels[index]) - Int(value)) < abs(Int(cubeLevels[best]) - Int(value)) {
                best = index
            }
            return best
        }
        let cube = UInt8(16 + 36 * level(red) + 6 * level(green) + level(blue))
        func distance(_ index: UInt8) -> Int {
            let candidate = xtermRGB(index)
            return square(Int(red) - Int(candidate.0)) + square(Int(green) - Int(candidate.1)) + square(Int(blue) - Int(candidate.2))
        }
        // The two ramp steps around the mean; the lower wins a tie, as the cube wins a tie with the ramp.
        let step = (Double(red) + Double(green) + Double(blue)) / 3
        let below = UInt8(232 + Int(((step - 8) / 10).rounded(.down)).clamped(to: 0...23))
        let above = UInt8(232 + Int(((step - 8) / 10).rounded(.up)).clamped(to: 0...23))
        let grey = distance(above) < distance(below) ? above : below
        return distance(grey) < distance(cube) ? grey : cube
    }

    static func nearest(to target: (UInt8, UInt8, UInt8), in indices: ClosedRange<UInt8>) -> UInt8 {
        var best = indices.lowerBound
        var bestDistance = Int.max
        for index in indices {
            let candidate = xtermRGB(index)
            let distance = square(Int(target.0) - Int(candidate.0))
                + square(Int(target.1) - Int(candidate.1))
                + square(Int(target.2) - Int(candidate.2))
            if distance < bestDistance {
                best = index
                bestDistance = distance
            }
        }
        return best
    }

    private static func square(_ value: Int) -> Int { value * value }

    /// xterm's default RGB for a palette index.
    static func xtermRGB(_ index: UInt8) -> (UInt8, UInt8, UInt8) {
        switch index {
        case 0..<16:
            return basic[Int(index)]
        case 16..<232:
            let cube = Int(index) - 16
            return (cubeLevels[cube / 36], cubeLevels[cube / 6 % 6], cubeLevels[cube % 6])
        default:
            let grey = UInt8(8 + 10 * (Int(index) - 232))
            return (grey, grey, grey)
        }
    }

    private static let cubeLevels: [UInt8] = [0, 95, 135, 175, 215, 255]

    private static let basic: [(UInt8, UInt8, UInt8)] = [
        (0, 0, 0), (205, 0, 0), (0, 205, 0), (205, 205, 0), (0, 0, 238), (205, 0, 205), (0, 205, 205), (229, 229, 229),
        (127, 127, 127), (255, 0, 0), (0, 255, 0), (255, 255, 0), (92, 92, 255), (255, 0, 255), (0, 255, 255),
        (255, 255, 255),
    ]
}

/// How many colours the terminal can show.
public enum ColorDepth: Hashable, Sendable, CaseIterable {
    /// No colour: `NO_COLOR` is set or the terminal has none. Attributes still apply.
    case none
    /// The 8 basic ANSI colours.
    case eight
    /// The xterm 256-colour palette.
    case ansi256
}

extension Int {
    fileprivate func clamped(to range: ClosedRange<Int>) -> Int { Swift.min(Swift.max(self, range.lowerBound), range.upperBound) }
}
