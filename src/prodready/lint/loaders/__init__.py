"""Find and load deployment files into one :class:`Project` that every rule reads.

``load_project(paths)`` walks the paths, classifies each file (Dockerfile, compose file,
kustomization, Kubernetes YAML, pyproject spec), loads it with line numbers, renders kustomize
roots (in-process when they stay within the subset ``_kustomize`` renders, else with
``kubectl kustomize``), and links images to the Dockerfiles that build them. A file that cannot
be read or parsed becomes an entry in ``Project.problems`` (reported as PR000), never an
exception.
"""

from __future__ import annotations

import fnmatch
import os
import re
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from prodready.lint._model import Location
from prodready.lint.loaders._compose import ComposeFile, ComposeService, EnvValue, load_compose
from prodready.lint.loaders._dockerfile import Dockerfile, parse_dockerfile
from prodready.lint.loaders._kubernetes import (
    Container,
    K8sGroup,
    K8sObject,
    Workload,
    objects_from,
    render_kustomize,
    to_object,
)
from prodready.lint.loaders._kustomize import Renderer, Unsupported
from prodready.lint.loaders._kustomize._kustomization import KUSTOMIZATION_FILES
from prodready.lint.loaders._spec import SpecInfo, find_spec
from prodready.lint.loaders._yaml import YamlError, YMap, as_list, load_all

__all__ = [
    "DEFAULT_KUBERNETES_VERSION",
    "ComposeFile",
    "ComposeService",
    "Container",
    "Dockerfile",
    "EnvValue",
    "K8sGroup",
    "K8sObject",
    "Project",
    "SpecInfo",
    "Workload",
    "image_key",
    "load_project",
]

DEFAULT_KUBERNETES_VERSION = "1.32"
_COMPOSE = re.compile(
    r"^(docker-)?(compose|stack)([.-][\w.-]+)?\.ya?ml$|^docker-stack[\w.-]*\.ya?ml$"
)
_SKIP_DIRS = {".git", ".venv", "venv", "node_modules", "__pycache__", ".tox", ".mypy_cache"}


@dataclass
class Project:
    """Everything loaded from one run of the checker."""

    dockerfiles: list[Dockerfile] = field(default_factory=list)
    compose_files: list[ComposeFile] = field(default_factory=list)
    groups: list[K8sGroup] = field(default_factory=list)
    spec: SpecInfo | None = None
    specs: dict[Path, SpecInfo] = field(default_factory=dict)
    kubernetes_version: str = DEFAULT_KUBERNETES_VERSION
    problems: list[tuple[Location, str]] = field(default_factory=list)
    texts: dict[str, list[str]] = field(default_factory=dict)
    renders: dict[str, str] = field(default_factory=dict)
    """How each kustomize root was rendered (shown kustomization file: "in-process", "files",
    "kubectl" or "not rendered"), for tests and benchmarks; never printed."""
    _by_path: dict[Path, Dockerfile] = field(default_factory=dict)
    _by_image: dict[str, list[Dockerfile]] = field(default_factory=dict)
    _spec_cache: dict[str, SpecInfo | None] = field(default_factory=dict)

    def spec_for(self, path: str) -> SpecInfo | None:
        """The spec of the service that owns ``path``: the nearest ``pyproject.toml`` with a
        ``[tool.prodready]`` table above it, else the spec found for the whole run."""
        if path not in self._spec_cache:
            here = Path(path).resolve().parent
            found = next((self.specs[d] for d in (here, *here.parents) if d in self.specs), None)
            self._spec_cache[path] = found or self.spec
        return self._spec_cache[path]

    @property
    def files(self) -> list[str]:
        """Every file read (for counts and suppression comments)."""
        return sorted(self.texts)

    def dockerfile_for_image(self, image: str, near: str = "") -> Dockerfile | None:
        """The Dockerfile that builds ``image``: by compose ``build`` or by directory name.

        When several Dockerfiles claim the name, the one sharing the longest directory prefix
        with ``near`` (the manifest that uses the image) wins; a tie links nothing.
        """
        candidates = self._by_image.get(image_key(image), [])
        if len(candidates) <= 1 or not near:
            return candidates[0] if len(candidates) == 1 else None
        here = os.path.abspath(near)

        def shared(d: Dockerfile) -> int:
            return len(os.path.commonpath([here, os.path.abspath(d.path)]))

        ranked = sorted(candidates, key=shared, reverse=True)
        return ranked[0] if shared(ranked[0]) > shared(ranked[1]) else None

    def dockerfile_at(self, path: Path | None) -> Dockerfile | None:
        return self._by_path.get(path.resolve()) if path is not None else None


def image_key(image: str) -> str:
    """``registry/org/name:tag@sha`` → ``name``, the part that survives retagging."""
    name = image.split("@", 1)[0]
    last = name.rsplit("/", 1)[-1]
    return last.split(":", 1)[0].lower()


def _display(absolute: Path) -> str:
    """Relative to the working directory when inside it, else the absolute (resolved) path."""
    try:
        return str(absolute.relative_to(Path.cwd()))
    except ValueError:
        return str(absolute)


_TEMPLATE_SUFFIXES = (".j2", ".jinja", ".jinja2", ".tmpl", ".tpl", ".template", ".example", ".in")


def _is_dockerfile(name: str) -> bool:
    lower = name.lower()
    if lower.endswith(_TEMPLATE_SUFFIXES):
        return False  # a template renders to a Dockerfile; it is not one
    return (
        lower in {"dockerfile", "containerfile"}
        or lower.startswith("dockerfile.")
        or lower.endswith(".dockerfile")
    )


def _walk(paths: list[Path]) -> list[Path]:
    found: list[Path] = []
    for root in paths:
        if root.is_file():
            found.append(root)
            continue
        for dirpath, dirnames, filenames in os.walk(root):
            dirnames[:] = sorted(
                d for d in dirnames if d not in _SKIP_DIRS and not d.startswith(".")
            )
            if "Chart.yaml" in filenames and "templates" in dirnames:
                dirnames.remove("templates")  # Helm templates are not YAML until helm renders them
            found.extend(Path(dirpath) / f for f in sorted(filenames))
    return found


class _Builder:
    def __init__(self) -> None:
        self.project = Project()
        self.shown: dict[Path, str] = {}
        self._as_given: dict[Path, str] = {}
        self._real: dict[Path, Path] = {}

    def resolve(self, path: Path) -> Path:
        """``path.resolve()``, once per path and load: resolving stats every component of the
        path, and a load asks for the same few hundred paths ~1,400 times on the shared corpus."""
        real = self._real.get(path)
        if real is None:
            real = self._real[path] = path.resolve()
        return real

    def name(self, path: Path) -> str:
        known = self._as_given.get(path)
        if known is not None:
            return known
        resolved = self.resolve(path)
        if resolved not in self.shown:
            self.shown[resolved] = _display(resolved)
        self._as_given[path] = self.shown[resolved]
        return self.shown[resolved]

    def read(self, path: Path) -> str | None:
        shown = self.name(path)
        try:
            text = path.read_text(encoding="utf-8", errors="replace")
        except OSError as exc:
            self.project.problems.append((Location(shown, 0), f"cannot read file: {exc.strerror}"))
            return None
        self.project.texts[shown] = text.splitlines()
        return text

    def dockerfile(self, path: Path) -> None:
        text = self.read(path)
        if text is None:
            return
        parsed = parse_dockerfile(text, self.name(path))
        if not parsed.stages:
            self.project.problems.append(
                (Location(parsed.path, 1), "no FROM instruction: this is not a Dockerfile")
            )
            return
        self.project.dockerfiles.append(parsed)
        self.project._by_path[self.resolve(path)] = parsed

    def compose(self, path: Path) -> None:
        text = self.read(path)
        if text is None:
            return
        try:
            loaded = load_compose(path, self.shown, self.resolve)
        except YamlError as exc:
            self.project.problems.append((Location(self.name(path), exc.line), str(exc)))
            return
        except OSError as exc:
            self.project.problems.append((Location(self.name(path), 0), f"cannot read: {exc}"))
            return
        except (TypeError, AttributeError, ValueError, KeyError) as exc:
            # a structure the compose spec does not allow (e.g. `services: {api: 5}`)
            message = f"not a valid compose file: {type(exc).__name__}: {exc}"
            self.project.problems.append((Location(self.name(path), 1), message))
            return
        for merged in loaded.merged_files[1:]:
            self.project.texts.setdefault(merged, [])
        self.project.compose_files.append(loaded)

    def yaml_docs(self, path: Path) -> list[YMap]:
        text = self.read(path)
        if text is None:
            return []
        try:
            return [obj for doc in load_all(text, self.name(path)) for obj in objects_from(doc)]
        except YamlError as exc:
            if "apiVersion" in text or "kind:" in text:
                self.project.problems.append((Location(self.name(path), exc.line), str(exc)))
            return []


def _marker(directory: Path) -> Path | None:
    """The kustomization file of ``directory`` (the first of kustomize's names that exists)."""
    return next((directory / n for n in KUSTOMIZATION_FILES if (directory / n).exists()), None)


def _kustomize_refs(directory: Path, builder: _Builder) -> tuple[bool, set[Path]]:
    """Whether the kustomization is a Component, and the directories it pulls in."""
    refs: set[Path] = set()
    file = _marker(directory)
    if file is None:
        return False, refs
    try:
        docs = list(
            load_all(file.read_text(encoding="utf-8", errors="replace"), builder.name(file))
        )
    except (OSError, YamlError):
        return False, refs
    doc = docs[0] if docs and isinstance(docs[0], dict) else {}
    for key in ("resources", "bases", "components"):
        for item in as_list(doc.get(key)):
            target = builder.resolve(directory / str(item))
            if target.is_dir():
                refs.add(target)
    return doc.get("kind") == "Component", refs


def load_project(
    paths: list[Path],
    *,
    render: bool = True,
    kubernetes_version: str = DEFAULT_KUBERNETES_VERSION,
    exclude: tuple[str, ...] = (),
    cache: bool = True,
) -> Project:
    """Load every deployment file under ``paths`` (files or directories).

    ``render=False`` loads kustomize directories as plain files instead of running kubectl;
    ``exclude`` holds glob patterns of files to skip (matched against the shown path);
    ``cache=False`` renders kustomizations even when an identical tree was rendered before.
    """
    builder = _Builder()
    builder.project.kubernetes_version = kubernetes_version
    files = [
        f for f in _walk(paths) if not any(fnmatch.fnmatch(builder.name(f), g) for g in exclude)
    ]
    kustomize_dirs = sorted(
        {builder.resolve(f.parent) for f in files if f.name in KUSTOMIZATION_FILES}
    )
    yaml_by_dir: dict[Path, list[Path]] = {}
    compose_paths: list[Path] = []
    for f in files:
        name = f.name
        if name == "pyproject.toml":
            found = find_spec(f.parent, builder.name(f))
            if found is not None:
                builder.project.specs[builder.resolve(f.parent)] = found
        elif _is_dockerfile(name):
            builder.dockerfile(f)
        elif name in KUSTOMIZATION_FILES:
            continue
        elif name.endswith((".yaml", ".yml")):
            if _COMPOSE.match(name):
                compose_paths.append(f)
            else:
                yaml_by_dir.setdefault(builder.resolve(f.parent), []).append(f)
    for f in compose_paths:
        stem = f.name.split(".")[0]
        base_exists = (
            any((f.parent / f"{stem}{ext}").exists() for ext in (".yaml", ".yml"))
            and ".override." in f.name
        )
        if not base_exists:
            builder.compose(f)
    for directory in paths:
        if directory.is_dir() and builder.project.spec is None:
            builder.project.spec = find_spec(directory, builder.name(directory / "pyproject.toml"))
    if builder.project.spec is None:
        builder.project.spec = find_spec(Path.cwd(), "pyproject.toml")

    # YAML that a kustomization reads (files beside it or named in it) belongs to its render;
    # any other YAML, even below a kustomization, is checked as plain manifests.
    owned: set[Path] = set()
    for d in kustomize_dirs:
        owned |= {builder.resolve(f) for f in yaml_by_dir.get(d, [])}
        owned |= _referenced_files(d, builder.resolve)
    owned_files: list[Path] = []
    raw_groups: dict[Path, K8sGroup] = {}
    for directory, yaml_files in sorted(yaml_by_dir.items()):
        for f in yaml_files:
            if render and builder.resolve(f) in owned:
                owned_files.append(f)  # read by the render, or for the sources kubectl needs
                continue
            docs = builder.yaml_docs(f)
            if docs:
                group = raw_groups.setdefault(directory, K8sGroup(builder.name(directory)))
                group.objects.extend(to_object(doc) for doc in docs)
    builder.project.groups.extend(raw_groups.values())
    if render:
        _render_roots(builder, kustomize_dirs, owned_files, yaml_by_dir, cache=cache)
    _link_images(builder.project)
    return builder.project


def _referenced_files(directory: Path, resolve: Callable[[Path], Path]) -> set[Path]:
    """Every existing YAML file a kustomization names, whatever the field (resources, patches,
    generators…): strings ending in .yaml/.yml, resolved against its directory."""
    marker = _marker(directory)
    if marker is None:
        return set()
    try:
        docs = list(load_all(marker.read_text(encoding="utf-8", errors="replace"), str(marker)))
    except (OSError, YamlError):
        return set()
    found: set[Path] = set()
    todo: list[Any] = list(docs)
    while todo:
        value = todo.pop()
        if isinstance(value, dict):
            todo.extend(value.values())
        elif isinstance(value, list):
            todo.extend(value)
        elif isinstance(value, str) and value.endswith((".yaml", ".yml")):
            target = resolve(directory / value.split("=", 1)[-1])
            if target.is_file():
                found.add(target)
    return found


_PLAIN_KEYS = frozenset({"apiVersion", "kind", "resources", "components"})


def _plain_resources(directory: Path, seen: frozenset[Path] = frozenset()) -> list[Path] | None:
    """The YAML files a kustomization only lists (``resources:`` of local files or of
    directories that are plain kustomizations themselves), or ``None`` when it transforms
    anything and kubectl must render it. A plain one renders to exactly those documents."""
    marker = _marker(directory)
    if marker is None or directory in seen:
        return None
    try:
        docs = list(load_all(marker.read_text(encoding="utf-8", errors="replace"), str(marker)))
    except (OSError, YamlError):
        return None
    doc = docs[0] if len(docs) == 1 else None
    if not isinstance(doc, dict) or set(doc) - _PLAIN_KEYS or doc.get("components"):
        return None
    if doc.get("kind", "Kustomization") != "Kustomization":
        return None
    files: list[Path] = []
    for item in as_list(doc.get("resources")):
        target = (directory / str(item)).resolve()
        if target.is_file() and target.suffix in {".yaml", ".yml"}:
            files.append(target)
        elif target.is_dir():
            nested = _plain_resources(target, seen | {directory})
            if nested is None:
                return None
            files.extend(nested)
        else:
            return None  # a URL, a missing file: let kubectl say what is wrong
    return files


def _render_roots(
    builder: _Builder,
    kustomize_dirs: list[Path],
    owned_files: list[Path],
    yaml_by_dir: dict[Path, list[Path]],
    *,
    cache: bool,
) -> None:
    referenced: set[Path] = set()
    components: set[Path] = set()
    refs_of: dict[Path, set[Path]] = {}
    for d in kustomize_dirs:
        is_component, refs = _kustomize_refs(d, builder)
        refs_of[d] = refs
        referenced |= refs - {d}
        if is_component:
            components.add(d)

    def closure(root: Path) -> set[Path]:
        seen, todo = {root}, [root]
        while todo:
            for ref in refs_of.get(todo.pop(), set()):
                if ref not in seen:
                    seen.add(ref)
                    todo.append(ref)
        return seen

    roots = [d for d in kustomize_dirs if d not in referenced and d not in components]
    # Kustomizations that only reference each other in a cycle have no root: render one of
    # each cycle anyway, so the cycle is reported rather than nothing being checked.
    covered = {c for r in roots for c in closure(r)}
    for d in kustomize_dirs:
        if d not in covered and d not in components:
            roots.append(d)
            covered |= closure(d)
    # In-process first: kubectl's exact output without a process, or without kubectl at all.
    in_process: dict[Path, list[YMap]] = {}
    needs: dict[Path, str] = {}
    renderer = Renderer(builder.name)
    for d in roots:
        try:
            in_process[d] = renderer.render(d)
        except Unsupported as exc:
            needs[d] = exc.feature
    for path, text in renderer.files.items():
        builder.project.texts.setdefault(builder.name(path), text.splitlines())
    # The declarations kubectl's renders are mapped back to; owned files no render read are
    # still loaded, so their problems are reported as before.
    sources: dict[tuple[str, str], list[YMap]] = {}
    for f in owned_files:
        if not needs and builder.resolve(f) in renderer.files:
            continue
        for doc in builder.yaml_docs(f):
            obj = to_object(doc)
            sources.setdefault((obj.kind, obj.name), []).append(doc)
    plain: dict[Path, list[Path]] = {}
    for d in needs:
        files = _plain_resources(d)
        if files is not None:
            plain[d] = files
    for d, files in plain.items():
        # a kustomization that only lists files: read them directly (exact lines, no kubectl)
        marker = _marker(d)
        assert marker is not None  # d was found by its kustomization file
        builder.read(marker)
        builder.project.renders[builder.name(marker)] = "files"
        group = K8sGroup(builder.name(d))
        group.objects.extend(to_object(doc) for f in files for doc in builder.yaml_docs(f))
        builder.project.groups.append(group)
    roots = [d for d in roots if d not in plain]
    markers = [m for d in roots if (m := _marker(d)) is not None]
    kubectl_roots = [(d, m) for d, m in zip(roots, markers, strict=True) if d in needs]
    # kubectl runs are independent processes: render the roots concurrently.
    with ThreadPoolExecutor(max_workers=max(1, min(8, len(kubectl_roots)))) as pool:
        by_kubectl = dict(
            zip(
                (d for d, _ in kubectl_roots),
                pool.map(
                    lambda pair: render_kustomize(
                        str(pair[0]),
                        builder.name(pair[1]),
                        sorted(closure(pair[0])),
                        cache=cache,
                        needs=needs[pair[0]],
                    ),
                    kubectl_roots,
                ),
                strict=True,
            )
        )
    for d, marker in zip(roots, markers, strict=True):
        shown = builder.name(marker)
        builder.read(marker)
        if d in in_process:
            builder.project.renders[shown] = "in-process"
            group = K8sGroup(builder.name(d))
            for doc in in_process[d]:
                obj = to_object(doc)
                obj.source = doc  # every node keeps the file and the line it came from
                obj.fallback = Location(shown, 0)
                group.objects.append(obj)
            builder.project.groups.append(group)
            continue
        docs, reason = by_kubectl[d]
        builder.project.renders[shown] = "kubectl" if docs is not None else "not rendered"
        if docs is None:
            builder.project.problems.append((Location(shown, 0), reason or "not rendered"))
            group = K8sGroup(builder.name(d))
            included = closure(d)
            for directory, files in yaml_by_dir.items():
                if any(directory == k or k in directory.parents for k in included):
                    group.objects.extend(
                        to_object(doc) for f in files for doc in builder.yaml_docs(f)
                    )
            builder.project.groups.append(group)
            continue
        group = K8sGroup(builder.name(d))
        root = str(d)
        for doc in docs:
            obj = to_object(doc)
            candidates = sources.get((obj.kind, obj.name)) or [
                # kustomize name prefixes/suffixes: same kind, a name that ends with the source's
                s
                for (k, n), found in sources.items()
                if k == obj.kind and n and obj.name.endswith(n)
                for s in found
            ]
            # a declaration inside this root wins over a same-named one elsewhere; then the
            # longest (a full object rather than a patch)
            obj.source = max(
                candidates,
                key=lambda s: (
                    len(os.path.commonpath([root, os.path.abspath(s.path)])),
                    s.end_line - s.line,
                ),
                default=None,
            )
            obj.fallback = Location(shown, 0)
            group.objects.append(obj)
        builder.project.groups.append(group)


def _link_images(project: Project) -> None:
    by_image: dict[str, list[Dockerfile]] = {}
    for path, parsed in project._by_path.items():
        by_image.setdefault(path.parent.name.lower(), []).append(parsed)
    for compose in project.compose_files:
        for service in compose.services.values():
            built = project.dockerfile_at(service.dockerfile)
            if built is not None and service.image:
                by_image[image_key(service.image)] = [built]  # an explicit link wins
    project._by_image = by_image
