"""Independent reference for mowai's tokenizers: Hugging Face's `tokenizers` (Rust, with the Oniguruma
regex engine) built from a GGUF's own vocabulary. Reads a JSON list of strings on stdin.

  python3 tokenize_reference.py MODEL.gguf < strings.json
      prints a JSON list of id lists (no BOS). `tokenizer.ggml.model` picks the model:
      gpt2  - byte-level BPE with the merges, split by the regex `tokenizer.ggml.pre` names
              (llama-bpe: Llama 3's, which also takes a word that is a token whole before merging;
              qwen2; smollm: each digit apart, then GPT-2's; anything else: GPT-2's);
      llama - SentencePiece BPE as Hugging Face converts Llama 2: `▁` for spaces and one in front of
              each stretch of text, merges ranked by the score of the piece they make, byte fallback.
  python3 tokenize_reference.py --pieces PRE < strings.json
      prints the pre-tokenizer pieces of each string for PRE (gpt2, smollm, llama3, qwen2).

Control, unknown and user-defined tokens are special tokens, matched in the text.
"""
import json
import sys
from gguf import GGUFReader
from tokenizers import Tokenizer, AddedToken, Regex, models, normalizers, pre_tokenizers

GPT2 = r"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+"
LLAMA3 = r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"
QWEN2 = r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"
NORMAL, UNKNOWN, CONTROL, USER_DEFINED = 1, 2, 3, 4


def split(pre):
    """The regex split of llama.cpp's pre-tokenizer named `pre`, as Hugging Face pre-tokenizers."""
    if pre in ("llama-bpe", "llama3", "llama-v3"):
        return [pre_tokenizers.Split(Regex(LLAMA3), behavior="isolated")]
    if pre == "qwen2":
        return [pre_tokenizers.Split(Regex(QWEN2), behavior="isolated")]
    if pre == "smollm":
        return [pre_tokenizers.Digits(individual_digits=True), pre_tokenizers.Split(Regex(GPT2), behavior="isolated")]
    return [pre_tokenizers.Split(Regex(GPT2), behavior="isolated")]


def field(reader, key, default=None):
    return reader.fields[key].contents() if key in reader.fields else default


def byte_level(reader):
    tokens = field(reader, "tokenizer.ggml.tokens")
    merges = [tuple(merge.split(" ", 1)) for merge in field(reader, "tokenizer.ggml.merges")]
    pre = field(reader, "tokenizer.ggml.pre", "gpt2")
    vocab = {}
    for index, token in enumerate(tokens):
        vocab.setdefault(token, index)
    tokenizer = Tokenizer(models.BPE(vocab=vocab, merges=merges, ignore_merges=pre in ("llama-bpe", "llama3", "llama-v3")))
    tokenizer.pre_tokenizer = pre_tokenizers.Sequence(split(pre) + [pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=False)])
    return tokenizer, tokens


def sentence_piece(reader):
    tokens = field(reader, "tokenizer.ggml.tokens")
    types = field(reader, "tokenizer.ggml.token_type")
    scores = field(reader, "tokenizer.ggml.scores")
    vocab = {}
    for index, token in enumerate(tokens):
        vocab.setdefault(token, index)
    # Every way of cutting a normal piece in two known pieces is a merge, ranked by the piece's score.
    merges = []
    for index, token in enumerate(tokens):
        if types[index] != NORMAL or vocab[token] != index:
            continue
        for cut in range(1, len(token)):
            if token[:cut] in vocab and token[cut:] in vocab:
                merges.append((-scores[index], index, vocab[token[:cut]], (token[:cut], token[cut:])))
    merges.sort()
    unknown = next((token for token, kind in zip(tokens, types) if kind == UNKNOWN), None)
    tokenizer = Tokenizer(models.BPE(vocab=vocab, merges=[merge[-1] for merge in merges], unk_token=unknown, fuse_unk=True, byte_fallback=True))
    if field(reader, "tokenizer.ggml.add_space_prefix", True):
        tokenizer.normalizer = normalizers.Sequence([normalizers.Prepend("▁"), normalizers.Replace(" ", "▁")])
    else:
        tokenizer.normalizer = normalizers.Replace(" ", "▁")
    return tokenizer, tokens


def main():
    texts = json.load(sys.stdin)
    if sys.argv[1] == "--pieces":
        splitter = pre_tokenizers.Sequence(split({"llama3": "llama-bpe"}.get(sys.argv[2], sys.argv[2])))
        print(json.dumps([[piece for piece, _ in splitter.pre_tokenize_str(text)] for text in texts]))
        return
    reader = GGUFReader(sys.argv[1])
    model = field(reader, "tokenizer.ggml.model")
    if model == "gpt2":
        tokenizer, tokens = byte_level(reader)
    elif model == "llama":
        tokenizer, tokens = sentence_piece(reader)
    else:
        sys.exit(f"tokenizer model {model!r} has no reference")
    types = field(reader, "tokenizer.ggml.token_type")
    tokenizer.add_special_tokens([AddedToken(tokens[i], special=True) for i, kind in enumerate(types) if kind in (UNKNOWN, CONTROL, USER_DEFINED)])
    print(json.dumps([tokenizer.encode(text, add_special_tokens=False).ids for text in texts], ensure_ascii=False))


main()
