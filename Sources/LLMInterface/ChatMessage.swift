/// One turn of a conversation: who speaks ("system", "user", "assistant") and what they say.
public struct ChatMessage: Sendable, Equatable {
    public var role: String
    public var content: String
    public init(role: String, content: String) {
        self.role = role
        self.content = content
    }
}
