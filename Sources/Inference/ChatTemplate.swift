import LLMInterface

/// The chat formats of the models mowai runs, chosen from the GGUF's `tokenizer.chat_template` (whose
/// Jinja is recognised by its markers, not executed).
public enum ChatTemplate: String, Sendable, CaseIterable {
    case chatML = "chatml"
    case llama3
    case llama2
    case phi3
    case gemma

    /// The template a model's metadata asks for; ChatML when it names none we know.
    public static func detect(in gguf: GGUFFile) -> ChatTemplate {
        let template = gguf.metadata["tokenizer.chat_template"]?.string ?? ""
        if template.contains("<|start_header_id|>") { return .llama3 }
        if template.contains("[INST]") { return .llama2 }
        if template.contains("<|assistant|>") && template.contains("<|end|>") { return .phi3 }
        // Gemma's base models carry no template; their turns are Gemma's all the same.
        if template.contains("<start_of_turn>") || (template.isEmpty && gguf.architecture == "gemma3") { return .gemma }
        return .chatML
    }

    /// The prompt for `messages`, ending where the assistant's answer begins.
    public func render(_ messages: [ChatMessage]) -> String {
        switch self {
        case .chatML:
            return messages.map { "<|im_start|>\($0.role)\n\($0.content)<|im_end|>\n" }.joined() + "<|im_start|>assistant\n"
        case .llama3:
            return "<|begin_of_text|>"
                + messages.map { "<|start_header_id|>\($0.role)<|end_header_id|>\n\n\($0.content)<|eot_id|>" }.joined()
                + "<|start_header_id|>assistant<|end_header_id|>\n\n"
        case .phi3:
            return messages.map { "<|\($0.role)|>\n\($0.content)<|end|>\n" }.joined() + "<|assistant|>\n"
        case .gemma:
            // No system role: its text opens the first user turn. The assistant is "model".
            var system = ""
            var text = ""
            for message in messages {
                switch message.role {
                case "system": system += message.content + "\n\n"
                case "assistant": text += "<start_of_turn>model\n\(message.content)<end_of_turn>\n"
                default:
                    text += "<start_of_turn>user\n\(system)\(message.content)<end_of_turn>\n"
                    system = ""
                }
            }
            return text + "<start_of_turn>model\n"
        case .llama2:
            // The system prompt rides in the first user turn; each exchange is its own <s>…</s>.
            var system = ""
            var text = ""
            var open = false
            for message in messages {
                switch message.role {
                case "system":
                    system = "<<SYS>>\n\(message.content)\n<</SYS>>\n\n"
                case "assistant":
                    text += " \(message.content) </s>"
                    open = false
                default:
                    text += "<s>[INST] \(system)\(message.content) [/INST]"
                    system = ""
                    open = true
                }
            }
            return open ? text : text + "<s>[INST] \(system) [/INST]"
        }
    }

    /// Text that ends the assistant's turn.
    public var stopStrings: [String] {
        switch self {
        case .chatML: return ["<|im_end|>", "<|endoftext|>"]
        case .llama3: return ["<|eot_id|>", "<|end_of_text|>"]
        case .llama2: return ["</s>"]
        case .phi3: return ["<|end|>", "<|endoftext|>"]
        case .gemma: return ["<end_of_turn>", "<eos>"]
        }
    }
}
