import ArenaProtocol
import Testing

@Suite("JavaScript rendering")
struct JavaScriptTests {
    /// Each pair is what `String(n)` prints in Node for that number.
    @Test("numberString matches JavaScript's String(n)", arguments: [
        (0, "0"),
        (-0.0, "0"),
        (1, "1"),
        (-7, "-7"),
        (1.5, "1.5"),
        (-1.5, "-1.5"),
        (0.1, "0.1"),
        (0.1 + 0.2, "0.30000000000000004"),
        (100, "100"),
        (1234.5678, "1234.5678"),
        (30_000.5, "30000.5"),
        (1_700_000_000_000, "1700000000000"),
        (9_007_199_254_740_991, "9007199254740991"),
        (9_007_199_254_740_992, "9007199254740992"),
        (9_007_199_254_740_994, "9007199254740994"),
        (1e16, "10000000000000000"),
        (1e20, "100000000000000000000"),
        (1.2345678901234568e20, "123456789012345680000"),
        (9.999999999999999e20, "999999999999999900000"),
        (0x1p60, "1152921504606847000"),  // 2**60
        (1e21, "1e+21"),
        (-1e21, "-1e+21"),
        (1.5e300, "1.5e+300"),
        (1.7976931348623157e308, "1.7976931348623157e+308"),
        (0.000001, "0.000001"),
        (0.00001234, "0.00001234"),
        (1e-7, "1e-7"),
        (-1e-7, "-1e-7"),
        (1.5e-7, "1.5e-7"),
        (1.23e-18, "1.23e-18"),
        (.leastNonzeroMagnitude, "5e-324"),
        (.nan, "NaN"),
        (.infinity, "Infinity"),
        (-.infinity, "-Infinity"),
    ] as [(Double, String)])
    func numberString(value: Double, expected: String) {
        #expect(JavaScript.numberString(value) == expected)
    }

    @Test("2**60 computed, not written out")
    func twoToTheSixty() {
        #expect(JavaScript.numberString(Double(1 << 60)) == "1152921504606847000")
    }

    @Test("exactInteger holds only integers JavaScript prints without a fraction")
    func exactInteger() {
        #expect(JavaScript.exactInteger(0) == 0)
        #expect(JavaScript.exactInteger(-0.0) == 0)
        #expect(JavaScript.exactInteger(42) == 42)
        #expect(JavaScript.exactInteger(-42) == -42)
        #expect(JavaScript.exactInteger(9_007_199_254_740_991) == 9_007_199_254_740_991)
        #expect(JavaScript.exactInteger(1.5) == nil)
        #expect(JavaScript.exactInteger(9_007_199_254_740_992) == nil)
        #expect(JavaScript.exactInteger(1e300) == nil)
        #expect(JavaScript.exactInteger(.nan) == nil)
        #expect(JavaScript.exactInteger(.infinity) == nil)
    }

    @Test("templateString renders values as a template literal does", arguments: [
        (nil, "undefined"),
        (.null, "null"),
        (true, "true"),
        (false, "false"),
        (5, "5"),
        (-0.5, "-0.5"),
        (1e21, "1e+21"),
        ("X", "X"),
        ("", ""),
        ([:], "[object Object]"),
        (["a": 1], "[object Object]"),
        ([], ""),
        ([1, 2], "1,2"),
        ([1, [2, [3]]], "1,2,3"),
        ([nil, 1, nil], ",1,"),
        ([[]], ""),
        (["a", [:], true], "a,[object Object],true"),
    ] as [(JSONValue?, String)])
    func templateString(value: JSONValue?, expected: String) {
        #expect(JavaScript.templateString(value) == expected)
    }
}
