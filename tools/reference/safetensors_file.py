"""The safetensors layout, written and read without the safetensors package (shared by the
reference scripts): u64 little-endian header length, a JSON header padded with spaces to a
multiple of 8 (`__metadata__` first), then each tensor's raw little-endian bytes in header
order."""
import json
import os
import struct
import sys

import numpy as np
import torch

CODES = {torch.float32: "F32", torch.float64: "F64", torch.int64: "I64", torch.int32: "I32"}
NUMPY = {"F32": np.float32, "F64": np.float64, "I64": np.int64, "F16": np.float16, "I32": np.int32}


def write_safetensors(path, tensors, metadata):
    """Writes `tensors` (name -> torch tensor, in order) and `metadata` atomically; returns the size."""
    assert sys.byteorder == "little", "torch stores native order; the files are little-endian"
    header = {"__metadata__": metadata}
    blobs, offset = [], 0
    for name, t in tensors.items():
        data = t.detach().contiguous().cpu().numpy().tobytes()
        header[name] = {"dtype": CODES[t.dtype], "shape": list(t.shape),
                        "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * (-len(text) % 8)
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for b in blobs:
            f.write(b)
    os.replace(tmp, path)
    return os.path.getsize(path)


def read_safetensors(path):
    """Tensors in header order (placed by data_offsets) and the metadata."""
    with open(path, "rb") as f:
        raw = f.read()
    n = struct.unpack("<Q", raw[:8])[0]
    header = json.loads(raw[8:8 + n].decode("utf-8"))
    meta = header.pop("__metadata__", {})
    out = {}
    for name, e in header.items():
        b, end = e["data_offsets"]
        arr = np.frombuffer(raw[8 + n + b:8 + n + end], dtype=NUMPY[e["dtype"]]).reshape(e["shape"])
        out[name] = torch.from_numpy(arr.copy())
    return out, meta
