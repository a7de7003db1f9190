@testable import Inference
import LLMInterface
import EndToEndSupport
import Testing

@Suite("Chat templates")
struct ChatTemplateTests {
    let conversation = [
        ChatMessage(role: "system", content: "You are terse."),
        ChatMessage(role: "user", content: "Hi"),
    ]

    @Test("ChatML, as SmolLM2 and Qwen2 use it")
    func chatML() {
        #expect(ChatTemplate.chatML.render(conversation)
            == "<|im_start|>system\nYou are terse.<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n")
    }

    @Test("Llama 3")
    func llama3() {
        #expect(ChatTemplate.llama3.render(conversation) == "<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\nYou are terse.<|eot_id|>"
            + "<|start_header_id|>user<|end_header_id|>\n\nHi<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n")
    }

    @Test("Llama 2: the system prompt inside the first instruction")
    func llama2() {
        #expect(ChatTemplate.llama2.render(conversation) == "<s>[INST] <<SYS>>\nYou are terse.\n<</SYS>>\n\nHi [/INST]")
        let turns = conversation + [.init(role: "assistant", content: "Hello."), .init(role: "user", content: "Bye")]
        #expect(ChatTemplate.llama2.render(turns).hasSuffix("Hi [/INST] Hello. </s><s>[INST] Bye [/INST]"))
    }

    @Test("Phi-3: each turn under its role's tag, ended by <|end|>; recognised by its Jinja's markers")
    func phi3() throws {
        let turns = conversation + [.init(role: "assistant", content: "Hello."), .init(role: "user", content: "Bye")]
        #expect(ChatTemplate.phi3.render(turns) == "<|system|>\nYou are terse.<|end|>\n<|user|>\nHi<|end|>\n"
            + "<|assistant|>\nHello.<|end|>\n<|user|>\nBye<|end|>\n<|assistant|>\n")
        #expect(ChatTemplate.phi3.stopStrings.contains("<|end|>"))
        // Phi-3.5-mini-instruct's template, as its GGUF carries it.
        let jinja = "{% for message in messages %}{% if message['role'] == 'system' and message['content'] %}{{'<|system|>\n' + "
            + "message['content'] + '<|end|>\n'}}{% elif message['role'] == 'user' %}{{'<|user|>\n' + message['content'] + '<|end|>\n'}}"
            + "{% elif message['role'] == 'assistant' %}{{'<|assistant|>\n' + message['content'] + '<|end|>\n'}}{% endif %}{% endfor %}"
            + "{% if add_generation_prompt %}{{ '<|assistant|>\n' }}{% else %}{{ eos_token }}{% endif %}"
        let fixture = TokenizerFixture(metadata: [("tokenizer.ggml.model", .string("llama")), ("tokenizer.chat_template", .string(jinja))])
        #expect(ChatTemplate.detect(in: try fixture.parsed()) == .phi3)
    }

    @Test("Gemma: user and model turns, the system prompt opening the first user turn")
    func gemma() {
        let turns = conversation + [.init(role: "assistant", content: "Hello."), .init(role: "user", content: "Bye")]
        #expect(ChatTemplate.gemma.render(turns) == "<start_of_turn>user\nYou are terse.\n\nHi<end_of_turn>\n"
            + "<start_of_turn>model\nHello.<end_of_turn>\n<start_of_turn>user\nBye<end_of_turn>\n<start_of_turn>model\n")
        #expect(ChatTemplate.gemma.stopStrings.contains("<end_of_turn>"))
    }

    @Test("the default model asks for ChatML",
          .enabled(if: DefaultModel.isPresent, "run `make setup` to fetch the default model"))
    func detect() throws {
        #expect(ChatTemplate.detect(in: try GGUFModelFile(path: DefaultModel.path).gguf) == .chatML)
    }
}
