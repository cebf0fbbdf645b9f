"""Render a kustomization in-process: a faithful subset of kustomize v5.5 (kubectl 1.32).

``kubectl kustomize`` costs a process per root and is missing on many machines. :func:`render`
returns the documents ``kubectl kustomize DIR`` prints, with the values prodready's YAML loader
reads from that output (same content, same types, kubectl's legacy order), or raises
:class:`Unsupported` naming the first thing outside the subset; the caller then runs kubectl.
Errors kustomize would report are :class:`Unsupported` too, so that kubectl's own message reaches
the user. Every rule here was checked against kubectl (``tests/lint/test_lint_kustomize.py``).

The subset:

* ``resources`` (local files and kustomization directories), ``components``, ``bases``;
* ``patches`` (inline or ``path``, with or without ``target``), ``patchesStrategicMerge``,
  ``patchesJson6902``: strategic merge as kustomize's kyaml walker does it (merge keys of the
  Kubernetes 1.21 schema kyaml embeds, ``$patch`` directives, patch-first list order), JSON
  patches as RFC 6902;
* ``namespace``, ``commonLabels``, ``labels``, ``commonAnnotations``, ``replicas``, ``images``;
* ``configMapGenerator`` / ``secretGenerator`` (literals, envs, files, behavior, options) with
  kustomize's content hash and the name references it rewrites.

Values follow kubectl's path through YAML 1.2 (go-yaml v3), JSON and back: ``yes`` stays a
string, ``1.0`` becomes ``1``, annotations become strings. Where that path is not certain
(timestamps, non-finite numbers, aliases, explicit tags) the render is :class:`Unsupported`.
Every mapping and sequence keeps the file and lines it came from (:class:`YMap`), so findings on
a rendered object point at the file that declares the value, patches included.

The modules, in the order a render reaches them: ``_render`` (:class:`Renderer`: accumulate,
finish, sort), ``_kustomization`` (the file and the :class:`Reader` of every file it names),
``_resources`` (ids and the accumulation), ``_generators``, ``_transformers`` (which use
``_strategic`` with ``_merge_schema``, ``_jsonpatch``, ``_select``, ``_fields`` and ``_images``),
``_namerefs``; beneath them all ``_values`` (go-yaml's values), ``_nodes`` (located nodes that
keep their style) and ``_unsupported``.
"""

from __future__ import annotations

from prodready.lint.loaders._kustomize._render import Renderer, render
from prodready.lint.loaders._kustomize._unsupported import Unsupported

__all__ = ["Renderer", "Unsupported", "render"]
