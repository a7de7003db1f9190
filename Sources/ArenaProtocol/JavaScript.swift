/// How the original (Node) Arena renders values in its reason strings, so ours read the same.
public enum JavaScript {
    /// The integer a double holds exactly, when it is one JavaScript would print without a fraction.
    public static func exactInteger(_ value: Double) -> Int64? {
        guard value.isFinite, value.rounded(.towardZero) == value, value.magnitude < 9.007_199_254_740_992e15 else {
            return nil
        }
        return Int64(value)
    }

    /// `String(n)` for a JavaScript number (ECMAScript Number::toString), built on Swift's
    /// shortest round-trip digits, which are the same digits JavaScript chooses.
    public static func numberString(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value < 0 ? "-Infinity" : "Infinity" }
        if value == 0 { return "0" }
        if let integer = exactInteger(value) { return String(integer) }

        let (digits, pointPosition) = shortestDigits(of: value.magnitude)
        let sign = value < 0 ? "-" : ""
        let k = digits.count
        let n = pointPosition
        if k <= n && n <= 21 {
            return sign + digits + String(repeating: "0", count: n - k)
        }
        if 0 < n && n <= 21 {
            let split = digits.index(digits.startIndex, offsetBy: n)
            return sign + digits[..<split] + "." + digits[split...]
        }
        if -6 < n && n <= 0 {
            return sign + "0." + String(repeating: "0", count: -n) + digits
        }
        let exponent = n - 1
        let mantissa = k == 1 ? digits : String(digits.prefix(1)) + "." + digits.dropFirst()
        return sign + mantissa + "e" + (exponent < 0 ? "-" : "+") + String(exponent.magnitude)
    }

    /// A template-literal rendering (`${value}`) of a JSON value; `nil` is JavaScript's `undefined`.
    public static func templateString(_ value: JSONValue?) -> String {
        guard let value else { return "undefined" }
        switch value {
        case .null: return "null"
        case .bool(let flag): return flag ? "true" : "false"
        case .number(let number): return numberString(number)
        case .string(let string): return string
        case .object: return "[object Object]"
        case .array(let items):
            // Array.prototype.toString: elements joined by commas, null as empty.
            return items.map { item in
                if case .null = item { return "" }
                return templateString(item)
            }.joined(separator: ",")
        }
    }

    /// The shortest digits that round-trip `value` (> 0) and the position n of the decimal point:
    /// value = 0.d1d2…dk × 10^n.
    private static func shortestDigits(of value: Double) -> (digits: String, pointPosition: Int) {
        // Swift prints either "123.456" or "1.23456e+20" / "5e-324".
        let text = "\(value)"
        var mantissa = Substring(text)
        var exponent = 0
        if let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            mantissa = text[..<e]
            exponent = Int(text[text.index(after: e)...]) ?? 0
        }
        let integerPart = mantissa.split(separator: ".", omittingEmptySubsequences: false).first ?? ""
        let fractionPart = mantissa.split(separator: ".", omittingEmptySubsequences: false).dropFirst().first ?? ""
        var digits = String(integerPart) + String(fractionPart)
        var pointPosition = integerPart.count + exponent
        let leadingZeros = digits.prefix(while: { $0 == "0" }).count
        digits.removeFirst(leadingZeros)
        pointPosition -= leadingZeros
        while digits.hasSuffix("0") { digits.removeLast() }
        return (digits.isEmpty ? "0" : digits, pointPosition)
    }
}
