import ArgumentParser
import Foundation
import Inference

struct TokenizeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tokenize",
        abstract: "Print the token ids of a text as a JSON array.",
        discussion: "Special tokens written in the text (<|im_start|>) are recognised unless --no-special is given; "
            + "a BOS token is added only if the model asks for one."
    )

    @OptionGroup var model: ModelOption

    @Flag(help: "Treat special-token text as ordinary text.")
    var noSpecial = false

    @Argument(help: "The text.")
    var text: String

    func run() throws {
        try Failure.reporting {
            let file = try model.open()
            let tokenizer = try Tokenizer(gguf: file.gguf)
            let ids = tokenizer.encode(text, parseSpecial: !noSpecial)
            print("[" + ids.map(String.init).joined(separator: ",") + "]")
        }
    }
}
