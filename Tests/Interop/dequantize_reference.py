"""Independent reference for mowai's dequantization: the `gguf` Python package (from llama.cpp's
authors, on PyPI) reads the same block bytes. For each type it writes TYPE.bin (blocks) and TYPE.f32
(the package's float32 values) into the directory given.

Usage: python3 dequantize_reference.py OUT_DIR
"""
import sys
import numpy as np
from gguf import GGMLQuantizationType as T
from gguf.quants import dequantize, quantize

out = sys.argv[1]
rng = np.random.default_rng(2024)
rows = 4

for qtype in [T.F16, T.BF16, T.Q4_0, T.Q4_1, T.Q5_0, T.Q5_1, T.Q8_0]:
    values = rng.standard_normal((rows, 256)).astype(np.float32)
    blocks = np.ascontiguousarray(quantize(values, qtype))
    blocks.tofile(f"{out}/{qtype.name}.bin")
    dequantize(blocks, qtype).astype("<f4").tofile(f"{out}/{qtype.name}.f32")

# The package does not quantize K-quants; random bytes are valid blocks once their f16 scales are sane.
for qtype, size, scale_offsets in [(T.Q4_K, 144, [0, 2]), (T.Q5_K, 176, [0, 2]), (T.Q6_K, 210, [208])]:
    blocks = rng.integers(0, 256, size=(rows, size), dtype=np.uint8)
    for offset in scale_offsets:
        scales = rng.uniform(0.001, 0.1, size=rows).astype(np.float16)
        blocks[:, offset:offset + 2] = scales.view(np.uint8).reshape(rows, 2)
    blocks.tofile(f"{out}/{qtype.name}.bin")
    dequantize(blocks, qtype).astype("<f4").tofile(f"{out}/{qtype.name}.f32")
