"""prodready: one service spec, four faces (runtime, generate, check, verify).

The public API is this module, :mod:`prodready.health` and :mod:`prodready.testing`; every other
module is private and may change. Names are imported lazily so that ``import prodready`` stays
cheap and never imports a database driver or a web framework.
"""

from __future__ import annotations

import importlib
from typing import Any

from prodready._version import __version__ as __version__
from prodready.errors import ProdreadyError as ProdreadyError

# public name -> module that defines it; resolved on first attribute access.
_LAZY: dict[str, str] = {
    "Instrumented": "prodready._instrument",
    "ServiceSettings": "prodready.settings",
    "ServiceSpec": "prodready.spec",
    "instrument": "prodready._instrument",
}

__all__ = sorted(["ProdreadyError", "__version__", *_LAZY])


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'prodready' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return __all__
