"""Image statistics from binary PGM/PPM (netpbm P5/P6) files, in pure Python.

Brightness (mean luma), contrast (standard deviation of luma) and edge density (the share of pixels
whose horizontal or vertical luma gradient exceeds a threshold): enough to triage scans without a
native image library in the container.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

EDGE_THRESHOLD = 32
MAX_PIXELS = 4_000_000


class ImageError(ValueError):
    """The upload is not a binary PGM/PPM image this service can read."""


@dataclass(frozen=True)
class Stats:
    width: int
    height: int
    brightness: float
    contrast: float
    edge_density: float


def _header(data: bytes) -> tuple[str, int, int, int, int]:
    fields: list[bytes] = []
    pos = 0
    while len(fields) < 4:
        while pos < len(data) and data[pos : pos + 1].isspace():
            pos += 1
        if data[pos : pos + 1] == b"#":
            while pos < len(data) and data[pos : pos + 1] != b"\n":
                pos += 1
            continue
        start = pos
        while pos < len(data) and not data[pos : pos + 1].isspace():
            pos += 1
        if start == pos:
            raise ImageError("truncated header: expected magic, width, height and maxval")
        fields.append(data[start:pos])
    magic = fields[0].decode("ascii", "replace")
    if magic not in ("P5", "P6"):
        raise ImageError(f"unsupported format {magic!r}: expected binary PGM (P5) or PPM (P6)")
    try:
        width, height, maxval = (int(f) for f in fields[1:])
    except ValueError as exc:
        raise ImageError("width, height and maxval must be integers") from exc
    if not (0 < width * height <= MAX_PIXELS) or not (0 < maxval < 256):
        raise ImageError(f"{width}x{height} maxval {maxval} is outside 1..{MAX_PIXELS} px, 8-bit")
    return magic, width, height, maxval, pos + 1


def analyse(data: bytes) -> Stats:
    magic, width, height, maxval, offset = _header(data)
    channels = 3 if magic == "P6" else 1
    pixels = data[offset : offset + width * height * channels]
    if len(pixels) != width * height * channels:
        raise ImageError(f"expected {width * height * channels} pixel bytes, got {len(pixels)}")
    scale = 255 / maxval
    if channels == 3:
        luma = [
            (0.299 * pixels[i] + 0.587 * pixels[i + 1] + 0.114 * pixels[i + 2]) * scale
            for i in range(0, len(pixels), 3)
        ]
    else:
        luma = [p * scale for p in pixels]
    mean = sum(luma) / len(luma)
    contrast = math.sqrt(sum((v - mean) ** 2 for v in luma) / len(luma))
    edges = 0
    for y in range(height):
        row = y * width
        for x in range(width):
            v = luma[row + x]
            right = luma[row + x + 1] if x + 1 < width else v
            below = luma[row + width + x] if y + 1 < height else v
            if abs(right - v) > EDGE_THRESHOLD or abs(below - v) > EDGE_THRESHOLD:
                edges += 1
    return Stats(width, height, round(mean, 3), round(contrast, 3), round(edges / len(luma), 4))
