/// GPT-2's byte-level alphabet: every byte has a printable stand-in, so BPE works on text while
/// covering any bytes (printable ASCII and Latin-1 stand for themselves; the rest map from U+0100).
enum ByteLevel {
    static let characterOfByte: [Character] = {
        var table = [Character](repeating: " ", count: 256)
        var next: UInt32 = 256
        for byte in 0..<256 {
            let keepsItself = (33...126).contains(byte) || (161...172).contains(byte) || (174...255).contains(byte)
            let scalar = keepsItself ? UInt32(byte) : { defer { next += 1 }; return next }()
            table[byte] = Character(Unicode.Scalar(scalar)!)
        }
        return table
    }()

    static let byteOfCharacter: [Character: UInt8] = {
        Dictionary(uniqueKeysWithValues: characterOfByte.enumerated().map { ($0.element, UInt8($0.offset)) })
    }()

    static func encode(_ bytes: some Sequence<UInt8>) -> String {
        String(bytes.map { characterOfByte[Int($0)] })
    }

    /// The bytes a token's text stands for; characters outside the alphabet are kept as their UTF-8.
    static func decode(_ text: String) -> [UInt8] {
        var bytes: [UInt8] = []
        for character in text {
            if let byte = byteOfCharacter[character] { bytes.append(byte) } else { bytes += Array(String(character).utf8) }
        }
        return bytes
    }
}
