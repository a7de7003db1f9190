import ModelServing

/// One request on one connection, from its head to the last byte of its answer. Lives on the
/// service thread; the generation task reaches it only through the outbox.
final class ServeExchange {
    let number: Int
    let wsi: OpaquePointer
    let head: RequestHead
    let startedAt: Int64
    var kind: CompletionCall.Kind?
    var body: [UInt8] = []
    var task: Task<Void, Never>?
    /// A generation is running for it (counted against the queue).
    var isGenerating = false

    /// A streamed answer's head is due or written.
    var isStreaming = false
    var isHeadWritten = false
    /// Chunk-framed bytes not yet handed to lws.
    var pending: [UInt8] = []
    /// The answer is complete once `pending` is written.
    var isEnded = false
    /// A whole answer, written in one go.
    var whole: (status: Int, body: [UInt8], retryAfter: Int?)?

    init(number: Int, wsi: OpaquePointer, head: RequestHead, startedAt: Int64) {
        self.number = number
        self.wsi = wsi
        self.head = head
        self.startedAt = startedAt
    }
}

/// What a generation task hands the service thread for its exchange.
enum Delivery: Sendable {
    /// Streamed bytes (server-sent events); the first also means "send the 200 head".
    case stream([UInt8])
    /// The streamed answer is complete.
    case end
    /// A whole answer (a completion, or an error before anything was streamed).
    case whole(status: Int, body: [UInt8], retryAfter: Int?)
}
