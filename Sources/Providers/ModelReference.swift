/// Where a model runs, as `--model` and a mob profile's `model` name it: a GGUF file run here, or a
/// hosted model behind a provider's API.
public enum ModelReference: Sendable, Equatable, CustomStringConvertible {
    case file(String)
    /// Any OpenAI-compatible server: OpenAI itself, `mowai serve`, llama.cpp's server, vLLM, Ollama.
    case openAI(model: String, baseURL: String)
    case anthropic(model: String)
    case gemini(model: String)

    public static let openAIBaseURL = "https://api.openai.com/v1"
    static let limit = 256

    /// `openai:MODEL[@BASE_URL]`, `anthropic:MODEL`, `gemini:MODEL`; anything else is a file path.
    public init(parsing text: String) throws(ModelReferenceError) {
        let providers: [(prefix: String, make: (String, String?) throws(ModelReferenceError) -> ModelReference)] = [
            ("openai:", { model, url in .openAI(model: model, baseURL: url ?? Self.openAIBaseURL) }),
            ("anthropic:", { model, url throws(ModelReferenceError) in
                guard url == nil else { throw .invalid(text: "", reason: "anthropic: takes no @URL") }
                return .anthropic(model: model)
            }),
            ("gemini:", { model, url throws(ModelReferenceError) in
                guard url == nil else { throw .invalid(text: "", reason: "gemini: takes no @URL") }
                return .gemini(model: model)
            }),
        ]
        guard let provider = providers.first(where: { text.hasPrefix($0.prefix) }) else {
            guard !text.isEmpty else { throw .invalid(text: text, reason: "no model named") }
            self = .file(text)
            return
        }
        var rest = Substring(text.dropFirst(provider.prefix.count))
        var url: String?
        // The base URL starts at the "@" before its scheme: model names may hold an "@" of their own.
        if let at = rest.range(of: "@http://") ?? rest.range(of: "@https://") {
            url = String(rest[rest.index(after: at.lowerBound)...])
            rest = rest[..<at.lowerBound]
        }
        let model = String(rest)
        guard !model.isEmpty else { throw .invalid(text: text, reason: "the model name is missing (say \(provider.prefix)MODEL)") }
        guard model.utf8.count <= Self.limit, text.utf8.count <= 4 * Self.limit else {
            throw .invalid(text: String(text.prefix(40)) + "…", reason: "longer than \(Self.limit) bytes")
        }
        guard !model.unicodeScalars.contains(where: { $0.properties.isWhitespace || $0.value < 0x20 || $0.value == 0x7F }) else {
            throw .invalid(text: text, reason: "the model name has spaces or control characters")
        }
        if let url {
            let host = url.drop { $0 != "/" }.dropFirst(2).prefix { $0 != "/" }
            guard !host.isEmpty, !url.unicodeScalars.contains(where: { $0.properties.isWhitespace || $0.value < 0x20 }) else {
                throw .invalid(text: text, reason: "the base URL \(url) has no host")
            }
        }
        do {
            self = try provider.make(model, url.map { $0.hasSuffix("/") ? String($0.dropLast()) : $0 })
        } catch .invalid(_, let reason) {
            throw .invalid(text: text, reason: reason)
        }
    }

    public var description: String {
        switch self {
        case .file(let path): return path
        case .openAI(let model, let url): return url == Self.openAIBaseURL ? "openai:\(model)" : "openai:\(model)@\(url)"
        case .anthropic(let model): return "anthropic:\(model)"
        case .gemini(let model): return "gemini:\(model)"
        }
    }
}

public enum ModelReferenceError: Error, Equatable, CustomStringConvertible {
    case invalid(text: String, reason: String)

    public var description: String {
        switch self {
        case .invalid(let text, let reason):
            return "cannot use model \"\(text)\": \(reason); give a GGUF path, openai:MODEL[@BASE_URL], anthropic:MODEL or gemini:MODEL"
        }
    }
}
