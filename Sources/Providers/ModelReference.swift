/// Where a model runs, as `--model` and a mob profile's `model` name it: a GGUF file run here, or a
/// hosted model behind a provider's API.
public enum ModelReference: Sendable, Equatable, CustomStringConvertible {
    case file(String)
    /// Any OpenAI-compatible server: OpenAI itself, `mowai serve`, llama.cpp's server, vLLM, Ollama.
    case openAI(model: String, baseURL: String)
    case anthropic(model: String, baseURL: String)
    case gemini(model: String, baseURL: String)

    public static let openAIBaseURL = "https://api.openai.com/v1"
    public static let anthropicBaseURL = "https://api.anthropic.com"
    public static let geminiBaseURL = "https://generativelanguage.googleapis.com"
    static let limit = 256

    /// `openai:MODEL`, `anthropic:MODEL`, `gemini:MODEL`, each with an optional `@BASE_URL` (a gateway,
    /// a proxy, a local server); anything else is a file path.
    public init(parsing text: String) throws(ModelReferenceError) {
        let providers: [(prefix: String, make: (String, String?) -> ModelReference)] = [
            ("openai:", { model, url in .openAI(model: model, baseURL: url ?? Self.openAIBaseURL) }),
            ("anthropic:", { model, url in .anthropic(model: model, baseURL: url ?? Self.anthropicBaseURL) }),
            ("gemini:", { model, url in .gemini(model: model, baseURL: url ?? Self.geminiBaseURL) }),
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
        self = provider.make(model, url.map { $0.hasSuffix("/") ? String($0.dropLast()) : $0 })
    }

    public var description: String {
        func named(_ prefix: String, _ model: String, _ url: String, _ standard: String) -> String {
            url == standard ? "\(prefix):\(model)" : "\(prefix):\(model)@\(url)"
        }
        switch self {
        case .file(let path): return path
        case .openAI(let model, let url): return named("openai", model, url, Self.openAIBaseURL)
        case .anthropic(let model, let url): return named("anthropic", model, url, Self.anthropicBaseURL)
        case .gemini(let model, let url): return named("gemini", model, url, Self.geminiBaseURL)
        }
    }
}

public enum ModelReferenceError: Error, Equatable, CustomStringConvertible {
    case invalid(text: String, reason: String)

    public var description: String {
        switch self {
        case .invalid(let text, let reason):
            return "cannot use model \"\(text)\": \(reason); give a GGUF path, or openai:MODEL, anthropic:MODEL or gemini:MODEL (each with an optional @BASE_URL)"
        }
    }
}
