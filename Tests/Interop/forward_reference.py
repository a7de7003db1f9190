"""Independent reference for mowai's forward pass: the llama architecture written out in numpy over the
`gguf` package's dequantized weights. Prints the final logits of each position as JSON
({"logits": [[...], ...]}) for the token ids given.

With --q8-activations, the input of every matrix multiplication is first rounded the way a CPU backend
with integer dot products rounds it (blocks of 32 values scaled by their largest magnitude into
-127…127, ties to even): the expected logits of such a backend, free of its other choices.

Usage: python3 forward_reference.py [--q8-activations] MODEL.gguf ID [ID ...]
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
reader = GGUFReader(arguments[0])
tokens = [int(t) for t in arguments[1:]]
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


def matmul(x, name):
    if q8_activations:
        blocks = x.astype(np.float32).reshape(x.shape[0], -1, 32)
        scale = (np.abs(blocks).max(axis=-1, keepdims=True) / np.float32(127)).astype(np.float32)
        inverse = np.divide(np.float32(1), scale, out=np.zeros_like(scale), where=scale != 0)
        x = (np.rint(blocks * inverse) * scale).reshape(x.shape)
    return x @ weight(name).T


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
    q = matmul(h, prefix + "attn_q.weight").reshape(n, heads, head_dim)
    k = matmul(h, prefix + "attn_k.weight").reshape(n, kv_heads, head_dim)
    v = matmul(h, prefix + "attn_v.weight").reshape(n, kv_heads, head_dim)
    q, k = rope(q, positions), rope(k, positions)
    group = heads // kv_heads
    out = np.empty((n, heads, head_dim))
    for head in range(heads):
        scores = q[:, head, :] @ k[:, head // group, :].T / np.sqrt(head_dim) + mask
        scores = np.exp(scores - scores.max(axis=1, keepdims=True))
        scores /= scores.sum(axis=1, keepdims=True)
        out[:, head, :] = scores @ v[:, head // group, :]
    x = x + matmul(out.reshape(n, dim), prefix + "attn_output.weight")
    h = rms_norm(x, weight(prefix + "ffn_norm.weight")[0])
    gate = matmul(h, prefix + "ffn_gate.weight")
    up = matmul(h, prefix + "ffn_up.weight")
    x = x + matmul(gate / (1 + np.exp(-gate)) * up, prefix + "ffn_down.weight")
x = rms_norm(x, weight("output_norm.weight")[0])
logits = matmul(x, "output.weight" if any(t.name == "output.weight" for t in reader.tensors) else "token_embd.weight")
print(json.dumps({"logits": logits.astype(np.float32).tolist()}))
