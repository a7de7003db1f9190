import Foundation
import ModelServing

/// An HTTP request to `mowai serve`: the first byte picks the method, path and whether a key is sent
/// (right or wrong); the rest is the body. Whatever comes in, an answer is JSON in OpenAI's error shape
/// or a listing, and an accepted request stays within the server's limits.
enum ServeRequestFuzz {
    static let paths = ["/v1/chat/completions", "/v1/completions", "/v1/models", "/health", "/v1/models/tiny", "/v1/other"]
    static let model = ServedModel(id: "tiny", aliases: ["tiny.gguf"], created: 0, contextLength: 256)

    static func run(_ bytes: [UInt8]) -> [String] {
        let selector = Int(bytes.first ?? 0)
        let body = Array(bytes.dropFirst())
        var limits = ServeLimits()
        limits.maxTokens = 100
        let gate = ServeGate(model: model, limits: limits, key: selector & 0x40 != 0 ? "key" : nil)
        let head = RequestHead(method: selector & 0x80 != 0 ? "GET" : "POST", path: paths[selector % paths.count],
                               authorization: selector & 0x20 != 0 ? "Bearer key" : "Bearer nope", contentLength: body.count)
        switch gate.admit(head, inFlight: selector & 0x10, stopping: false) {
        case .answer(let status, let answer, _):
            guard (try? JSONSerialization.jsonObject(with: Data(answer))) is [String: Any] else { return ["answer \(status) is not a JSON object"] }
            return []
        case .readBody(let kind):
            switch gate.call(body: body, kind: kind, seed: 1) {
            case .failure(let error):
                guard (400..<600).contains(error.status),
                      let object = try? JSONSerialization.jsonObject(with: Data(error.body)) as? [String: Any],
                      object["error"] is [String: Any] else { return ["a refusal is not OpenAI's error shape: \(error)"] }
                return []
            case .success(let call):
                var problems: [String] = []
                if !(1...limits.maxTokens).contains(call.request.maxTokens) { problems.append("max tokens \(call.request.maxTokens) accepted") }
                if call.request.stopStrings.count > limits.maxStopStrings { problems.append("\(call.request.stopStrings.count) stop strings accepted") }
                let sampling = call.request.sampling
                if !(sampling.temperature.isFinite && sampling.temperature >= 0 && sampling.temperature <= 2) { problems.append("temperature \(sampling.temperature)") }
                if (try? sampling.validated()) == nil { problems.append("sampling accepted that the engine refuses") }
                return problems
            }
        }
    }
}
