/// Splits text into the pieces BPE merges within, as the llama-family GPT-2-style tokenizers do. Each
/// case is one of llama.cpp's pre-tokenizer regexes, written out by hand over Unicode scalars (Swift has
/// no regex engine that runs on Linux without Foundation, and these patterns are small).
public enum PreTokenizer: String, Sendable, CaseIterable {
    /// GPT-2: contractions, letters, numbers, other symbols, each optionally led by one space, and runs
    /// of white space (the last space of a run goes with the word after it).
    case gpt2
    /// SmolLM2: every numeric character is a piece of its own, the text between is split as GPT-2.
    case smollm
    /// Llama 3: case-insensitive contractions, a letter run led by one non-letter, numbers in threes,
    /// symbols keeping the line breaks after them, line breaks with the spaces before them.
    case llama3
    /// Qwen2: Llama 3's rules with every digit a piece of its own.
    case qwen2

    /// The pre-tokenizer a GGUF's `tokenizer.ggml.pre` names. Names mowai does not know fall back to
    /// GPT-2's rules (llama.cpp refuses them instead): the split then differs from the model's own only
    /// around numbers, contractions and line breaks, and generation still works.
    public init(ggufName: String?) {
        switch ggufName {
        case "smollm": self = .smollm
        case "llama-bpe", "llama3", "llama-v3": self = .llama3
        case "qwen2", "deepseek-r1-qwen": self = .qwen2
        default: self = .gpt2
        }
    }

    public func pieces(_ text: String) -> [String] {
        let scalars = Array(text.unicodeScalars)
        var pieces: [String] = []
        switch self {
        case .gpt2:
            Self.gpt2Pieces(scalars[...], into: &pieces)
        case .smollm:
            var start = 0
            for index in scalars.indices where Self.isNumber(scalars[index]) {
                Self.gpt2Pieces(scalars[start..<index], into: &pieces)
                pieces.append(String(String.UnicodeScalarView(scalars[index...index])))
                start = index + 1
            }
            Self.gpt2Pieces(scalars[start...], into: &pieces)
        case .llama3:
            Self.llama3Pieces(scalars[...], digitsPerPiece: 3, into: &pieces)
        case .qwen2:
            Self.llama3Pieces(scalars[...], digitsPerPiece: 1, into: &pieces)
        }
        return pieces
    }

    /// `\p{L}`
    static func isLetter(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter: return true
        default: return false
        }
    }

    /// `\p{N}`
    static func isNumber(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .decimalNumber, .letterNumber, .otherNumber: return true
        default: return false
        }
    }

    /// `\s`: Oniguruma's (and so Hugging Face's) is Unicode's White_Space, as Swift's is.
    static func isSpace(_ scalar: Unicode.Scalar) -> Bool { scalar.properties.isWhitespace }

    /// `[^\s\p{L}\p{N}]`
    static func isOther(_ scalar: Unicode.Scalar) -> Bool { !isSpace(scalar) && !isLetter(scalar) && !isNumber(scalar) }

    static func isLineBreak(_ scalar: Unicode.Scalar) -> Bool { scalar == "\r" || scalar == "\n" }

    /// `'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+`, by hand.
    static func gpt2Pieces(_ text: ArraySlice<Unicode.Scalar>, into pieces: inout [String]) {
        var cursor = Cursor(text: text)
        while !cursor.isAtEnd {
            let start = cursor.index
            if let length = cursor.contraction(caseInsensitive: false) {
                cursor.emit(start..<start + length, into: &pieces)
                continue
            }
            let body = cursor[start] == " " && start + 1 < text.endIndex ? start + 1 : start
            let lead = text[body]
            if !isSpace(lead) {
                let kind = isLetter(lead) ? isLetter : isNumber(lead) ? isNumber : isOther
                let stop = cursor.run(from: body, while: kind)
                cursor.emit(start..<stop, into: &pieces)
                continue
            }
            let stop = cursor.spaces(from: start)
            cursor.emit(start..<stop, into: &pieces)
        }
    }

    /// Llama 3's `(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+`
    /// by hand; Qwen2's is the same with `\p{N}` for `\p{N}{1,3}`. The alternatives are tried in order
    /// at each position, the first that matches wins, as a backtracking regex engine does.
    static func llama3Pieces(_ text: ArraySlice<Unicode.Scalar>, digitsPerPiece: Int, into pieces: inout [String]) {
        var cursor = Cursor(text: text)
        let end = text.endIndex
        while !cursor.isAtEnd {
            let start = cursor.index
            let scalar = text[start]
            // (?i:'s|'t|'re|'ve|'m|'ll|'d)
            if let length = cursor.contraction(caseInsensitive: true) {
                cursor.emit(start..<start + length, into: &pieces)
                continue
            }
            // [^\r\n\p{L}\p{N}]?\p{L}+
            if isLetter(scalar) {
                let stop = cursor.run(from: start, while: isLetter)
                cursor.emit(start..<stop, into: &pieces)
                continue
            }
            if !isLineBreak(scalar), !isNumber(scalar), start + 1 < end, isLetter(text[start + 1]) {
                let stop = cursor.run(from: start + 1, while: isLetter)
                cursor.emit(start..<stop, into: &pieces)
                continue
            }
            // \p{N}{1,3}
            if isNumber(scalar) {
                let stop = min(cursor.run(from: start, while: isNumber), start + digitsPerPiece)
                cursor.emit(start..<stop, into: &pieces)
                continue
            }
            // ` ?[^\s\p{L}\p{N}]+[\r\n]*`
            let body = scalar == " " && start + 1 < end && isOther(text[start + 1]) ? start + 1 : start
            if isOther(text[body]) {
                let symbols = cursor.run(from: body, while: isOther)
                let stop = cursor.run(from: symbols, while: isLineBreak)
                cursor.emit(start..<stop, into: &pieces)
                continue
            }
            // Only white space is left. `\s*[\r\n]+`: up to the last line break of the run.
            let spaces = cursor.run(from: start, while: isSpace)
            if let lastBreak = text[start..<spaces].lastIndex(where: isLineBreak) {
                cursor.emit(start..<lastBreak + 1, into: &pieces)
                continue
            }
            // `\s+(?!\S)|\s+`
            let stop = cursor.spaces(from: start)
            cursor.emit(start..<stop, into: &pieces)
        }
    }
}

/// A position in the scalars being split, and the matching steps both patterns share.
private struct Cursor {
    let text: ArraySlice<Unicode.Scalar>
    var index: Int

    init(text: ArraySlice<Unicode.Scalar>) {
        self.text = text
        index = text.startIndex
    }

    var isAtEnd: Bool { index >= text.endIndex }
    subscript(position: Int) -> Unicode.Scalar { text[position] }

    mutating func emit(_ range: Range<Int>, into pieces: inout [String]) {
        pieces.append(String(String.UnicodeScalarView(text[range])))
        index = range.upperBound
    }

    /// Where the run of scalars from `start` that `matches` ends.
    func run(from start: Int, while matches: (Unicode.Scalar) -> Bool) -> Int {
        var cursor = start
        while cursor < text.endIndex && matches(text[cursor]) { cursor += 1 }
        return cursor
    }

    /// The length of `'s|'t|'re|'ve|'m|'ll|'d` here, if it matches. Only ASCII letters fold: `(?i:)`
    /// would also let `'ſ` (long s) match, which no tokenizer test cares about.
    func contraction(caseInsensitive: Bool) -> Int? {
        guard text[index] == "'", index + 1 < text.endIndex else { return nil }
        func letter(_ offset: Int) -> Unicode.Scalar? {
            guard index + offset < text.endIndex else { return nil }
            let scalar = text[index + offset]
            guard caseInsensitive, ("A"..."Z").contains(scalar) else { return scalar }
            return Unicode.Scalar(scalar.value + 32)
        }
        switch letter(1) {
        case "s"?, "t"?, "m"?, "d"?: return 2
        case "r"? where letter(2) == "e", "v"? where letter(2) == "e", "l"? where letter(2) == "l": return 3
        default: return nil
        }
    }

    /// `\s+(?!\S)|\s+` from `start`: a run at the end of the text whole, otherwise all but its last
    /// scalar, which goes with the word after it (unless the run is that one scalar).
    func spaces(from start: Int) -> Int {
        let stop = run(from: start, while: PreTokenizer.isSpace)
        return stop == text.endIndex || stop - start == 1 ? stop : stop - 1
    }
}
