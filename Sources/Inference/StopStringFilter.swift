/// Holds back streamed text that could be the start of a stop string, so a stop string is never shown,
/// not even in part, and the text before it always is.
public struct StopStringFilter: Sendable {
    public let stopStrings: [String]
    private var held = ""

    public init(stopStrings: [String]) {
        self.stopStrings = stopStrings.filter { !$0.isEmpty }
    }

    /// What can be shown now, and whether a stop string was reached (nothing after it is shown).
    public mutating func feed(_ text: String) -> (text: String, stopped: Bool) {
        held += text
        if let stop = stopStrings.compactMap({ held.range(of: $0) }).min(by: { $0.lowerBound < $1.lowerBound }) {
            defer { held = "" }
            return (String(held[..<stop.lowerBound]), true)
        }
        // Keep the longest tail that a stop string starts with.
        var keep = 0
        for stop in stopStrings {
            for length in stride(from: min(stop.count, held.count), to: keep, by: -1) where held.hasSuffix(stop.prefix(length)) {
                keep = length
                break
            }
        }
        let shown = String(held.dropLast(keep))
        held = String(held.suffix(keep))
        return (shown, false)
    }

    /// The end: whatever was held back was not a stop string after all.
    public mutating func finish() -> String {
        defer { held = "" }
        return held
    }
}
