import Foundation
import LLMInterface

/// What every backend of one model must hold: the sequences served at once and the positions of each.
public struct BackendShape: Sendable, Equatable {
    public var sequences: Int
    public var contextLength: Int
    public init(sequences: Int, contextLength: Int) {
        self.sequences = sequences
        self.contextLength = contextLength
    }
}

/// Makes a model's backend (a GPU's); throws, with a reason for the user, when it cannot.
public typealias BackendFactory = @Sendable (LlamaModel, BackendShape) throws -> any ForwardBackend

/// A GGUF model loaded once and served to any number of callers: each request gets a sequence of its
/// own, and the engine thread advances all of them together, one shared pass over the weights per step.
public final class LocalLLM: LLM, @unchecked Sendable {
    public let name: String
    public let model: LlamaModel
    public let tokenizer: Tokenizer
    public let template: ChatTemplate
    public let contextLength: Int
    /// How full the engine's forward passes have been (several agents' tokens share a pass).
    public var batchStatistics: BatchStatistics { engine.statistics }
    /// How many sequences (concurrent requests) one pass can hold.
    public let sequenceCapacity: Int
    /// Where the model runs ("CPU (avx2, 2 threads)", "Vulkan: …"), as chosen at load.
    public let deviceDescription: String
    private let engine: InferenceEngine
    /// Models of 128k positions would otherwise reserve gigabytes of address space per request.
    public static let defaultContextLimit = 8192

    /// - Parameters:
    ///   - threads: CPU threads for the forward pass (default: every core).
    ///   - sequences: requests served at once; more wait their turn in order.
    ///   - contextLength: positions per request (default: the model's, at most 8192). KV memory is
    ///     committed as it is used.
    ///   - accelerator: makes the backend the model runs on (a GPU's); nil, or when it throws, the CPU.
    ///     The CPU also takes over if the accelerator fails later.
    ///   - notices: what the user should hear: why the accelerator was not used, or stopped being.
    public init(file: GGUFModelFile, threads: Int = ProcessInfo.processInfo.activeProcessorCount, sequences: Int = 8,
                contextLength: Int? = nil, template: ChatTemplate? = nil, accelerator: BackendFactory? = nil,
                notices: @escaping @Sendable (String) -> Void = { _ in }) throws(GGUFError) {
        name = (file.gguf.file as NSString).lastPathComponent
        let model = try LlamaModel(file: file)
        self.model = model
        tokenizer = try Tokenizer(gguf: file.gguf)
        self.template = template ?? ChatTemplate.detect(in: file.gguf)
        let shape = BackendShape(sequences: sequences, contextLength: contextLength ?? min(model.config.contextLength, Self.defaultContextLimit))
        let cpu: @Sendable () -> any ForwardBackend = {
            CPUBackend(model: model, threads: threads, sequences: shape.sequences, contextLength: shape.contextLength)
        }
        var backend: any ForwardBackend
        if let accelerator {
            do {
                backend = try accelerator(model, shape)
            } catch {
                backend = cpu()
                notices("\(error); the model runs on the \(backend.deviceDescription)")
            }
        } else {
            backend = cpu()
        }
        self.contextLength = backend.contextLength
        sequenceCapacity = backend.sequenceCount
        deviceDescription = backend.deviceDescription
        engine = InferenceEngine(backend: backend, fallback: backend is CPUBackend ? nil : cpu, tokenizer: tokenizer, notices: notices)
    }

    deinit { engine.stop() }

    /// The token ids a request's prompt becomes.
    public func promptTokens(_ prompt: GenerationRequest.Prompt) -> [Int32] {
        switch prompt {
        case .chat(let messages): return tokenizer.encode(template.render(messages))
        case .text(let text): return tokenizer.encode(text)
        }
    }

    public func generate(_ request: GenerationRequest) -> AsyncThrowingStream<GenerationEvent, any Error> {
        let (stream, continuation) = AsyncThrowingStream.makeStream(of: GenerationEvent.self, throwing: (any Error).self)
        do {
            let sampling = try request.sampling.validated()
            var accepted = request
            guard request.maxTokens >= 1 else { throw LLMError.invalidRequest("max tokens must be at least 1") }
            // Generation ends at the full context anyway; this only keeps arithmetic on it sane.
            accepted.maxTokens = min(request.maxTokens, contextLength)
            let tokens = promptTokens(request.prompt)
            guard !tokens.isEmpty else { throw LLMError.invalidRequest("the prompt is empty") }
            // At least one position must be left to generate into.
            guard tokens.count < contextLength else { throw LLMError.promptTooLong(tokens: tokens.count, contextLength: contextLength) }
            var stops = request.stopStrings
            if case .chat = request.prompt { stops += template.stopStrings }
            accepted.sampling = sampling
            let id = engine.reserveID()
            continuation.onTermination = { [engine] _ in engine.cancel(id) }
            engine.submit(id: id, prompt: tokens, request: accepted, stopStrings: stops, continuation: continuation)
        } catch {
            continuation.finish(throwing: error)
        }
        return stream
    }
}
