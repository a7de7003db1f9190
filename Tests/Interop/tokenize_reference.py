"""Independent reference for mowai's tokenizer: Hugging Face's `tokenizers` (Rust) built from the
GGUF's own vocabulary and merges with SmolLM2's pre-tokenizer (each digit apart, then GPT-2's byte-level
split). Reads a JSON list of strings on stdin, prints a JSON list of id lists.

Usage: python3 tokenize_reference.py MODEL.gguf < strings.json
"""
import json
import sys
from gguf import GGUFReader
from tokenizers import Tokenizer, AddedToken, models, pre_tokenizers, decoders


def field(reader, key):
    part = reader.fields[key]
    return [bytes(part.parts[i]).decode("utf-8") if part.types[-1].name == "STRING" else int(part.parts[i][0]) for i in part.data]


reader = GGUFReader(sys.argv[1])
tokens = field(reader, "tokenizer.ggml.tokens")
types = field(reader, "tokenizer.ggml.token_type")
merges = [tuple(merge.split(" ", 1)) for merge in field(reader, "tokenizer.ggml.merges")]
tokenizer = Tokenizer(models.BPE(vocab={token: index for index, token in enumerate(tokens)}, merges=merges))
tokenizer.pre_tokenizer = pre_tokenizers.Sequence([
    pre_tokenizers.Digits(individual_digits=True),
    pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=True),
])
tokenizer.decoder = decoders.ByteLevel()
tokenizer.add_special_tokens([AddedToken(tokens[i], special=True) for i, kind in enumerate(types) if kind in (3, 4)])
print(json.dumps([tokenizer.encode(text, add_special_tokens=False).ids for text in json.load(sys.stdin)]))
