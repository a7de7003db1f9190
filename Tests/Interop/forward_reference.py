"""Independent reference for mowai's forward pass: the llama architecture written out in numpy over the
`gguf` package's dequantized weights. Prints the final logits of each position as JSON
({"logits": [[...], ...]}) for the token ids given.

Architectures: llama, qwen2 (llama with biases added to the query, key and value projections, and
RoPE in Hugging Face's "neox" layout, rotating element i with i + head_dim/2, where GGUF llama weights
are permuted for adjacent pairs), and phi3 (the neox layout, query/key/value rows in one tensor
`attn_qkv`, gate rows then up rows in one `ffn_up`, and LongRoPE: frequency i divided by
`rope_factors_short` i, or `rope_factors_long` i when the context exceeds
`rope.scaling.original_context_length`, and cos and sin scaled by `rope.scaling.attn_factor`). With a
`rope_freqs.weight` tensor (Llama 3.1's long-context scaling), frequency i is divided by its factor i.
With `phi3.attention.sliding_window` W, a token attends to the last W positions only (its own included).
And gemma3: the embedding scaled by sqrt(dim); each query and key head RMS-normalized with its own weight
before RoPE (neox layout); the attention's and the feed-forward's outputs RMS-normalized
(post_attention_norm, post_ffw_norm) before they are added; GELU (tanh) gating; every layer but each
sixth uses the sliding window and RoPE base 10000, the others the full context and `rope.freq_base`.
Without `output.weight` the embedding is the output head.

With --q8-activations, the input of every matrix multiplication is first rounded the way a CPU backend
with integer dot products rounds it (blocks of 32 values scaled by their largest magnitude into
-127…127, ties to even): the expected logits of such a backend, free of its other choices.

Usage: python3 forward_reference.py [--q8-activations] [--context N] MODEL.gguf ID [ID ...]
(--context: the positions the backend holds per sequence, which picks Phi-3's short or long factors;
default: the number of ids.)
"""
import json
import sys
import numpy as np
from gguf import GGUFReader
from gguf.quants import dequantize

arguments = sys.argv[1:]
q8_activations = arguments[0] == "--q8-activations"
if q8_activations:
    arguments = arguments[1:]
context = None
if arguments[0] == "--context":
    context = int(arguments[1])
    arguments = arguments[2:]
reader = GGUFReader(arguments[0])
tokens = [int(t) for t in arguments[1:]]
fields = reader.fields


def scalar(key):
    field = fields[key]
    return field.parts[field.data[0]][0]


def has_tensor(name):
    return any(t.name == name for t in reader.tensors)


def weight(name):
    tensor = next(t for t in reader.tensors if t.name == name)
    values = dequantize(tensor.data, tensor.tensor_type).astype(np.float32)
    return values.reshape(int(tensor.shape[-1]) if len(tensor.shape) > 1 else 1, int(tensor.shape[0]))


arch = bytes(fields["general.architecture"].parts[fields["general.architecture"].data[0]]).decode()
if arch not in ("llama", "qwen2", "phi3", "gemma3"):
    sys.exit(f"forward_reference.py: architecture {arch} is not llama, qwen2, phi3 or gemma3")
layers = int(scalar(f"{arch}.block_count"))
heads = int(scalar(f"{arch}.attention.head_count"))
kv_heads = int(scalar(f"{arch}.attention.head_count_kv"))
eps = float(scalar(f"{arch}.attention.layer_norm_rms_epsilon"))
base = float(scalar(f"{arch}.rope.freq_base"))
embedding = weight("token_embd.weight")
dim = embedding.shape[1]
head_dim = int(scalar(f"{arch}.attention.key_length")) if f"{arch}.attention.key_length" in fields else dim // heads
frequency_factors = weight("rope_freqs.weight")[0].astype(np.float64) if has_tensor("rope_freqs.weight") else 1.0
magnitude = 1.0
if has_tensor("rope_factors_short.weight"):
    original = int(scalar(f"{arch}.rope.scaling.original_context_length"))
    long_context = (context if context is not None else len(tokens)) > original
    frequency_factors = weight("rope_factors_long.weight" if long_context else "rope_factors_short.weight")[0].astype(np.float64)
if f"{arch}.rope.scaling.attn_factor" in fields:
    magnitude = float(scalar(f"{arch}.rope.scaling.attn_factor"))


def matmul(x, name):
    if q8_activations:
        blocks = x.astype(np.float32).reshape(x.shape[0], -1, 32)
        scale = (np.abs(blocks).max(axis=-1, keepdims=True) / np.float32(127)).astype(np.float32)
        inverse = np.divide(np.float32(1), scale, out=np.zeros_like(scale), where=scale != 0)
        x = (np.rint(blocks * inverse) * scale).reshape(x.shape)
    return x @ weight(name).T


def rms_norm(x, w):
    return x / np.sqrt(np.mean(x * x, axis=-1, keepdims=True) + eps) * w


# The elements RoPE rotates together. Qwen2 keeps Hugging Face's rotate_half layout ("neox"): element i
# with i + head_dim/2. GGUF llama weights are permuted for ggml's "normal" rope: adjacent pairs.
if arch in ("qwen2", "phi3", "gemma3"):
    first, second = np.arange(head_dim // 2), np.arange(head_dim // 2, head_dim)
else:
    first, second = np.arange(0, head_dim, 2), np.arange(1, head_dim, 2)


def rope(x, positions, rope_base=None):
    exponents = np.arange(0, head_dim, 2, dtype=np.float64)  # 2i for pair i
    inverse = (base if rope_base is None else rope_base) ** (-exponents / head_dim) / frequency_factors
    angles = np.outer(positions, inverse)  # (n, head_dim/2)
    cos, sin = magnitude * np.cos(angles)[:, None, :], magnitude * np.sin(angles)[:, None, :]
    a, b = x[..., first], x[..., second]
    out = np.empty_like(x)
    out[..., first] = a * cos - b * sin
    out[..., second] = a * sin + b * cos
    return out


def project(h, name, rows):
    y = matmul(h, name + ".weight")
    if arch == "qwen2":
        y = y + weight(name + ".bias")[0]
    return y.reshape(len(h), rows, head_dim)


n = len(tokens)
x = embedding[tokens].astype(np.float64)
positions = np.arange(n, dtype=np.float64)
full_mask = np.triu(np.full((n, n), -np.inf), 1)
window_mask = full_mask.copy()
if arch in ("phi3", "gemma3") and f"{arch}.attention.sliding_window" in fields:
    window = int(scalar(f"{arch}.attention.sliding_window"))
    window_mask[np.subtract.outer(np.arange(n), np.arange(n)) >= window] = -np.inf
if arch == "gemma3":
    x = x * np.sqrt(dim)
for layer in range(layers):
    prefix = f"blk.{layer}."
    h = rms_norm(x, weight(prefix + "attn_norm.weight")[0])
    if arch == "phi3":
        qkv = matmul(h, prefix + "attn_qkv.weight")
        kv_dim = kv_heads * head_dim
        q_dim = heads * head_dim
        q = qkv[:, :q_dim].reshape(n, heads, head_dim)
        k = qkv[:, q_dim:q_dim + kv_dim].reshape(n, kv_heads, head_dim)
        v = qkv[:, q_dim + kv_dim:].reshape(n, kv_heads, head_dim)
    else:
        q = project(h, prefix + "attn_q", heads)
        k = project(h, prefix + "attn_k", kv_heads)
        v = project(h, prefix + "attn_v", kv_heads)
    local = arch != "gemma3" or (layer + 1) % 6 != 0
    mask = window_mask if local else full_mask
    layer_base = 10000.0 if arch == "gemma3" and local else None
    if arch == "gemma3":
        q = rms_norm(q, weight(prefix + "attn_q_norm.weight")[0])
        k = rms_norm(k, weight(prefix + "attn_k_norm.weight")[0])
    q, k = rope(q, positions, layer_base), rope(k, positions, layer_base)
    group = heads // kv_heads
    out = np.empty((n, heads, head_dim))
    for head in range(heads):
        scores = q[:, head, :] @ k[:, head // group, :].T / np.sqrt(head_dim) + mask
        scores = np.exp(scores - scores.max(axis=1, keepdims=True))
        scores /= scores.sum(axis=1, keepdims=True)
        out[:, head, :] = scores @ v[:, head // group, :]
    attended = matmul(out.reshape(n, heads * head_dim), prefix + "attn_output.weight")
    if arch == "gemma3":
        attended = rms_norm(attended, weight(prefix + "post_attention_norm.weight")[0])
    x = x + attended
    h = rms_norm(x, weight(prefix + "ffn_norm.weight")[0])
    if arch == "phi3":
        gate_up = matmul(h, prefix + "ffn_up.weight")
        gate, up = gate_up[:, :gate_up.shape[1] // 2], gate_up[:, gate_up.shape[1] // 2:]
    else:
        gate = matmul(h, prefix + "ffn_gate.weight")
        up = matmul(h, prefix + "ffn_up.weight")
    if arch == "gemma3":
        activated = 0.5 * gate * (1 + np.tanh(0.7978845608 * (gate + 0.044715 * gate ** 3)))
    else:
        activated = gate / (1 + np.exp(-gate))
    down = matmul(activated * up, prefix + "ffn_down.weight")
    if arch == "gemma3":
        down = rms_norm(down, weight(prefix + "post_ffw_norm.weight")[0])
    x = x + down
x = rms_norm(x, weight("output_norm.weight")[0])
logits = matmul(x, "output.weight" if has_tensor("output.weight") else "token_embd.weight")
print(json.dumps({"logits": logits.astype(np.float32).tolist()}))
