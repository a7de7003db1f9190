"""Independent reference for mowai's forward pass: the llama architecture written out in numpy over the
`gguf` package's dequantized weights. Prints the final logits of each position as JSON
({"logits": [[...], ...]}) for the token ids given.

Usage: python3 forward_reference.py MODEL.gguf ID [ID ...]
"""
import json
import sys
import numpy as np
from gguf import GGUFReader
from gguf.quants import dequantize

reader = GGUFReader(sys.argv[1])
tokens = [int(t) for t in sys.argv[2:]]
fields = reader.fields


def scalar(key):
    field = fields[key]
    return field.parts[field.data[0]][0]


def weight(name):
    tensor = next(t for t in reader.tensors if t.name == name)
    values = dequantize(tensor.data, tensor.tensor_type).astype(np.float32)
    return values.reshape(int(tensor.shape[-1]) if len(tensor.shape) > 1 else 1, int(tensor.shape[0]))


arch = bytes(fields["general.architecture"].parts[fields["general.architecture"].data[0]]).decode()
layers = int(scalar(f"{arch}.block_count"))
heads = int(scalar(f"{arch}.attention.head_count"))
kv_heads = int(scalar(f"{arch}.attention.head_count_kv"))
eps = float(scalar(f"{arch}.attention.layer_norm_rms_epsilon"))
base = float(scalar(f"{arch}.rope.freq_base"))
embedding = weight("token_embd.weight")
dim = embedding.shape[1]
head_dim = dim // heads


def rms_norm(x, w):
    return x / np.sqrt(np.mean(x * x, axis=-1, keepdims=True) + eps) * w


def rope(x, positions):
    # GGUF llama weights are permuted for ggml's "normal" rope: rotate adjacent pairs.
    half = np.arange(0, head_dim, 2, dtype=np.float64)
    inverse = base ** (-half / head_dim)
    angles = np.outer(positions, inverse)  # (n, head_dim/2)
    cos, sin = np.cos(angles)[:, None, :], np.sin(angles)[:, None, :]
    even, odd = x[..., 0::2], x[..., 1::2]
    out = np.empty_like(x)
    out[..., 0::2] = even * cos - odd * sin
    out[..., 1::2] = even * sin + odd * cos
    return out


n = len(tokens)
x = embedding[tokens].astype(np.float64)
positions = np.arange(n, dtype=np.float64)
mask = np.triu(np.full((n, n), -np.inf), 1)
for layer in range(layers):
    prefix = f"blk.{layer}."
    h = rms_norm(x, weight(prefix + "attn_norm.weight")[0])
    q = (h @ weight(prefix + "attn_q.weight").T).reshape(n, heads, head_dim)
    k = (h @ weight(prefix + "attn_k.weight").T).reshape(n, kv_heads, head_dim)
    v = (h @ weight(prefix + "attn_v.weight").T).reshape(n, kv_heads, head_dim)
    q, k = rope(q, positions), rope(k, positions)
    group = heads // kv_heads
    out = np.empty((n, heads, head_dim))
    for head in range(heads):
        scores = q[:, head, :] @ k[:, head // group, :].T / np.sqrt(head_dim) + mask
        scores = np.exp(scores - scores.max(axis=1, keepdims=True))
        scores /= scores.sum(axis=1, keepdims=True)
        out[:, head, :] = scores @ v[:, head // group, :]
    x = x + out.reshape(n, dim) @ weight(prefix + "attn_output.weight").T
    h = rms_norm(x, weight(prefix + "ffn_norm.weight")[0])
    gate = h @ weight(prefix + "ffn_gate.weight").T
    up = h @ weight(prefix + "ffn_up.weight").T
    x = x + (gate / (1 + np.exp(-gate)) * up) @ weight(prefix + "ffn_down.weight").T
x = rms_norm(x, weight("output_norm.weight")[0])
output = weight("output.weight") if any(t.name == "output.weight" for t in reader.tensors) else embedding
logits = x @ output.T
print(json.dumps({"logits": logits.astype(np.float32).tolist()}))
