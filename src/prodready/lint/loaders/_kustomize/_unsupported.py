"""The renderer's one error: what it does not render, so that kubectl must."""

from __future__ import annotations


class Unsupported(Exception):
    """The kustomization needs kubectl: ``feature`` names what prodready does not render."""

    def __init__(self, feature: str, where: str = "") -> None:
        super().__init__(f"unsupported: {feature}" + (f" ({where})" if where else ""))
        self.feature = feature
        self.where = where
