"""The ``images`` transformer's pieces: kustomize's image reference split and update.

:class:`Image` is one ``images`` entry; kustomize finds the images it updates in two ways, every
``containers`` list (:func:`legacy_images`) and its field specs (:data:`IMAGE_SPECS`, each
container updated by :func:`update_image`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from prodready.lint.loaders._kustomize._nodes import Map, set_key
from prodready.lint.loaders._kustomize._unsupported import Unsupported
from prodready.lint.loaders._kustomize._values import resolve

IMAGE_NAME = re.compile(r"[A-Za-z0-9._/:-]+")
IMAGE_SPECS = (
    "spec/containers[]",
    "spec/initContainers[]",
    "spec/template/spec/containers[]",
    "spec/template/spec/initContainers[]",
)
"""kustomize's image field specs, up to the containers (the ``image`` field is updated there)."""


def _split_image(image: str) -> tuple[str, str, str]:
    """kustomize's image.Split: (name, tag, digest)."""
    slash = image.find("/")
    search = image[slash:] if slash > 0 else image
    slash = max(slash, 0) if slash > 0 else 0
    at = search.find("@")
    colon = search.find(":")
    if colon < 0 and at < 0:
        return image, "", ""
    if at >= 0 and (at < colon or colon < 0):
        at += slash
        return image[:at], "", image[at + 1 :]
    if at >= 0 and colon >= 0:
        at += slash
        colon += slash
        return image[:colon], image[colon + 1 : at], image[at + 1 :]
    colon += slash
    return image[:colon], image[colon + 1 :], ""


@dataclass(frozen=True)
class Image:
    name: str
    new_name: str = ""
    new_tag: str = ""
    digest: str = ""
    tag_suffix: str = ""

    def update(self, value: str) -> str:
        # kustomize puts the name into a regular expression unescaped: a dot matches anything
        pattern = self.name + r"(:[a-zA-Z0-9_.{}-]*)?(@sha256:[a-zA-Z0-9_.{}-]*)?\Z"
        if not re.match(pattern, value):
            return value
        name, tag, digest = _split_image(value)
        if self.new_name:
            name = self.new_name
        if self.new_tag and self.digest:
            tag, digest = self.new_tag, self.digest
        elif self.new_tag:
            tag, digest = self.new_tag, ""
        elif self.digest:
            tag, digest = "", self.digest
        elif self.tag_suffix:
            tag, digest = tag + self.tag_suffix, ""
        return name + (f":{tag}" if tag else "") + (f"@{digest}" if digest else "")


def legacy_images(node: Any, image: Image, where: str) -> None:
    """kustomize's legacy image filter: every ``containers`` and ``initContainers`` list."""
    if isinstance(node, dict):
        for key, value in list(node.items()):
            legacy_images(value, image, where)
            if key in ("containers", "initContainers") and isinstance(value, list):
                for item in value:
                    if not isinstance(item, dict):
                        raise Unsupported("a containers list whose items are not mappings", where)
                    if "image" in item:
                        _update_image_in(item, image, where)
    elif isinstance(node, list):
        for item in node:
            legacy_images(item, image, where)


def _update_image_in(container: dict[Any, Any], image: Image, where: str) -> None:
    value = container["image"]
    if isinstance(value, dict | list) or value is None:
        raise Unsupported("an image that is not a string", where)
    if not isinstance(value, str):
        raise Unsupported("an image that is not a string", where)
    updated = image.update(value)
    if updated != value:
        quoted = isinstance(container, Map) and "image" in container.quoted
        if not quoted and resolve(updated, False) != updated:
            raise Unsupported(f"the image {updated!r}, which YAML reads as a number", where)
        set_key(container, "image", updated, quoted=quoted)


def update_image(image: Image, where: str) -> Callable[[Any], None]:
    def visit(container: Any) -> None:
        if not isinstance(container, dict):
            raise Unsupported("a containers list whose items are not mappings", where)
        if "image" in container:
            _update_image_in(container, image, where)

    return visit
