import Testing

/// The tests that run the real default model (SmolLM2-135M, from `make setup`), one at a time: each
/// keeps every core busy, and two side by side would only make both slow. They fail, not skip, when
/// the model is missing.
@Suite(.serialized) struct RealModelTests {
    /// The model runs on one thread here. On two cores shared with other builds, two threads meet at
    /// the worker pool's spin barriers only when both happen to be scheduled: measured beside three busy
    /// processes, a 204-token answer took 14 s on one thread and did not finish in two minutes on two.
    static let threads = ["--threads", "1"]
}

/// English prose, loosely: words of letters, some of the commonest among them, mostly ASCII letters.
func looksLikeEnglish(_ text: String) -> Bool {
    let words = text.split { !$0.isLetter && $0 != "'" && $0 != "-" }.map { $0.lowercased() }
    let common: Set<String> = ["the", "a", "an", "and", "of", "to", "in", "is", "it", "that", "for", "be", "you", "your",
                               "we", "this", "on", "with", "are", "as", "can", "or", "by", "i", "not", "will", "our"]
    let letters = text.filter(\.isLetter)
    let ascii = letters.filter(\.isASCII)
    return words.count >= 5 && words.filter(common.contains).count >= 2 && ascii.count * 10 >= letters.count * 9
}
