/// Splits text into the pieces BPE merges within, as the llama-family GPT-2-style tokenizers do:
/// contractions, letters, numbers, other symbols, each optionally led by one space, and runs of white
/// space (the last space of a run goes with the word after it). SmolLM2 also splits every digit.
public enum PreTokenizer: String, Sendable {
    case gpt2
    case smollm

    public func pieces(_ text: String) -> [String] {
        let scalars = Array(text.unicodeScalars)
        var pieces: [String] = []
        var start = 0
        // SmolLM2: every numeric character is a piece of its own, the text between is split as GPT-2.
        if self == .smollm {
            for index in scalars.indices where Self.isNumber(scalars[index]) {
                Self.gpt2Pieces(scalars[start..<index], into: &pieces)
                pieces.append(String(String.UnicodeScalarView(scalars[index...index])))
                start = index + 1
            }
        }
        Self.gpt2Pieces(scalars[start...], into: &pieces)
        return pieces
    }

    static func isLetter(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter: return true
        default: return false
        }
    }

    static func isNumber(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .decimalNumber, .letterNumber, .otherNumber: return true
        default: return false
        }
    }

    static func isSpace(_ scalar: Unicode.Scalar) -> Bool { scalar.properties.isWhitespace }

    /// `'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+`, by hand.
    static func gpt2Pieces(_ text: ArraySlice<Unicode.Scalar>, into pieces: inout [String]) {
        var index = text.startIndex
        let end = text.endIndex
        func emit(_ range: Range<Int>) {
            pieces.append(String(String.UnicodeScalarView(text[range])))
        }
        func run(from start: Int, while matches: (Unicode.Scalar) -> Bool) -> Int {
            var cursor = start
            while cursor < end && matches(text[cursor]) { cursor += 1 }
            return cursor
        }
        let isOther = { (scalar: Unicode.Scalar) in !isSpace(scalar) && !isLetter(scalar) && !isNumber(scalar) }
        while index < end {
            let scalar = text[index]
            if scalar == "'", index + 1 < end {
                let next = text[index + 1]
                if ["s", "t", "m", "d"].contains(next) {
                    emit(index..<index + 2); index += 2; continue
                }
                if index + 2 < end, ["re", "ve", "ll"].contains(String(String.UnicodeScalarView(text[index + 1...index + 2]))) {
                    emit(index..<index + 3); index += 3; continue
                }
            }
            let body = scalar == " " && index + 1 < end ? index + 1 : index
            let lead = text[body]
            if isLetter(lead) || isNumber(lead) || isOther(lead) {
                let kind: (Unicode.Scalar) -> Bool = isLetter(lead) ? isLetter : (isNumber(lead) ? isNumber : isOther)
                let stop = run(from: body, while: kind)
                emit(index..<stop)
                index = stop
                continue
            }
            // White space: all of it at the end; before a non-space, all but the last character.
            let stop = run(from: index, while: isSpace)
            if stop == end || stop - index == 1 {
                emit(index..<stop)
                index = stop
            } else {
                emit(index..<stop - 1)
                index = stop - 1
            }
        }
    }
}
