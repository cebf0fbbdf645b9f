"""A deterministic text embedding by feature hashing: no model download, same vector everywhere.

Each lowercase token is hashed (BLAKE2b) to a dimension and a sign; the vector is L2-normalised so
pgvector's cosine distance (``<=>``) ranks documents by shared vocabulary.
"""

from __future__ import annotations

import hashlib
import math
import re

DIMENSIONS = 64
_TOKEN = re.compile(r"[a-z0-9]+")


def embed(text: str) -> list[float]:
    vector = [0.0] * DIMENSIONS
    for token in _TOKEN.findall(text.lower()):
        digest = hashlib.blake2b(token.encode(), digest_size=8).digest()
        index = int.from_bytes(digest[:4], "big") % DIMENSIONS
        vector[index] += 1.0 if digest[4] & 1 else -1.0
    norm = math.sqrt(sum(v * v for v in vector))
    return [v / norm for v in vector] if norm else vector


def to_pgvector(vector: list[float]) -> str:
    """pgvector's text input format: ``[0.1,0.2,…]``."""
    return "[" + ",".join(f"{v:.6f}" for v in vector) + "]"
