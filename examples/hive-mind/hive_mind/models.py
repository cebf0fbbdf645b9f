"""The intent model: installed into the app-owned cache at image build time, never at start-up.

``python -m hive_mind.models install`` (run by the Dockerfile as the app user) copies the packaged
model into ``$XDG_CACHE_HOME/hive-mind/`` after checking its SHA-256; the app only *reads* it
and its startup gate fails when it is missing — the seed-004 lesson (eight image builds because
models were downloaded at run time into a cache the non-root user could not write).
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import re
import shutil
import sys
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

MODEL_FILE = "intents-v1.json"
MODEL_SHA256 = "031c245ca9c2e67cc555da0a55a24bc53f9885a9e2426dbefa7c4a04648de80e"
_TOKEN = re.compile(r"[a-z]+")


def cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "hive-mind"


def model_path() -> Path:
    return cache_dir() / MODEL_FILE


def install() -> Path:
    """Copy the packaged model into the cache after checking its checksum; the installed path."""
    source = resources.files("hive_mind") / "model_data" / MODEL_FILE
    data = source.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    if digest != MODEL_SHA256:
        raise SystemExit(f"model checksum mismatch: {digest} != {MODEL_SHA256}")
    target = model_path()
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(".tmp")
    tmp.write_bytes(data)
    shutil.move(tmp, target)
    return target


@dataclass(frozen=True)
class Classification:
    domain: str
    confidence: float


class IntentModel:
    """Multinomial naive Bayes over the model's per-domain token counts (Laplace smoothing)."""

    def __init__(self, counts: dict[str, dict[str, int]]) -> None:
        vocabulary = {w for words in counts.values() for w in words}
        self._log_prob: dict[str, dict[str, float]] = {}
        self._unseen: dict[str, float] = {}
        for domain, words in counts.items():
            total = sum(words.values()) + len(vocabulary)
            self._log_prob[domain] = {w: math.log((c + 1) / total) for w, c in words.items()}
            self._unseen[domain] = math.log(1 / total)

    @classmethod
    def load(cls, path: Path | None = None) -> IntentModel:
        data = json.loads((path or model_path()).read_text())
        return cls(data["domains"])

    def classify(self, text: str) -> Classification:
        tokens = _TOKEN.findall(text.lower())
        scores = {
            domain: sum(probs.get(t, self._unseen[domain]) for t in tokens)
            for domain, probs in self._log_prob.items()
        }
        best = max(scores, key=lambda d: scores[d])
        peak = scores[best]
        total = sum(math.exp(s - peak) for s in scores.values())
        return Classification(best, round(1 / total, 4))


if __name__ == "__main__":
    if sys.argv[1:] != ["install"]:
        raise SystemExit("usage: python -m hive_mind.models install")
    print(install())
