"""Central secret scrubbing: every health response, log line and metric label passes through here.

Two pure functions, no state, no I/O:

- :func:`scrub` replaces credentials inside free text with ``***``: URL userinfo
  (``postgresql://app:***@db:5432/app``), ``key=value`` / ``"key": "value"`` pairs whose key
  names a secret (``password=***``, ``api_key=***``, ``"token": "***"``), ``Authorization``
  headers and bare ``Bearer``/``Basic`` credentials, well-known token shapes (JWT, GitHub,
  Slack, AWS access key ids, ``sk-`` keys) and any literal value passed in ``secrets``.
- :func:`scrub_details` does the same for a details mapping, recursively: a value under a key that
  names a secret is replaced whole (whatever its type), strings are scrubbed, other objects are
  rendered with ``str()`` and then scrubbed, so the result is JSON-safe.

Scrubbing errs on the side of hiding too much: a URL's whole userinfo goes when it is not a plain
``user:password`` pair. Secrets containing whitespace can only be caught through ``secrets``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any, Final

__all__ = ["MASK", "is_secret_key", "scrub", "scrub_details"]

MASK: Final = "***"

# Words that make a key name a secret: ``password``, ``DB_PASSWORD``, ``x-api-key``,
# ``client_secret``, ``access_token``, ``sslpassword``, ``credentials``.
_SECRET_WORDS: Final = (
    r"passw(?:or)?d|pwd|passphrase|secret|token|api[_-]?key|apikey|access[_-]?key|auth[_-]?key"  # noqa: S105 - key names to hide, not a password
    r"|private[_-]?key|credentials?|session[_-]?id|cookie|signature|authorization"
)
_SECRET_KEY_RE: Final = re.compile(rf"(?i)(?:{_SECRET_WORDS})")

# scheme://userinfo@ : the userinfo runs to the *last* ``@`` of the non-blank run, so passwords
# that (illegally, but often) contain ``@`` or ``/`` unencoded are still covered.
_URL_USERINFO_RE: Final = re.compile(r"(?i)\b([a-z][a-z0-9+.\-]*://)(\S*)@")
_PLAIN_USER_RE: Final = re.compile(r"[A-Za-z0-9._\-]{1,64}")

# key=value, key: value, "key": "value", 'key'='value'. The value is a quoted string or runs to
# the next blank or ``&`` (query strings); a trailing ``,`` or ``)`` is hidden too (errs safe).
# The key starts at a token boundary and is consumed possessively, and the lookahead that finds the
# secret word stays inside that token: each character is scanned a bounded number of times (the
# plain ``[\w.-]*word[\w.-]*`` backtracked quadratically, ~300 us on an ordinary access-log line).
_KEY_VALUE_RE: Final = re.compile(
    rf"""(?ix)
    (?<![\w.\-])(?P<key>(?=[\w.\-]*?(?:{_SECRET_WORDS}))[\w.\-]++)   # a key naming a secret
    (?P<sep>["']?\s*[:=]\s*)                       # = or : , maybe after a closing quote
    (?P<value>"[^"]*"?|'[^']*'?|(?:(?:bearer|basic|token|digest)\s+)?[^\s&"']+)
    """
)
# Substrings of every secret word, lower-case: a text containing none of them cannot hold a
# ``key=value`` secret, and ``in`` on a string is far cheaper than any regex.
_SECRET_WORD_HINTS: Final = (
    "pass", "pwd", "secret", "token", "key", "credential", "session", "cookie", "signature",
    "authorization",
)  # fmt: skip
# A bare credential after its scheme word; "basic" only before base64, as it is an English word.
_AUTH_SCHEME_RE: Final = re.compile(r"(?i)\b(bearer)\s+[^\s\"',;]+|\b(basic)\s+[A-Za-z0-9+/]{8,}=*")
_TOKEN_SHAPES_RE: Final = re.compile(
    r"""(?x)
      \beyJ[\w\-]+\.[\w\-]+\.[\w\-]*          # JWT
    | \bgh[pousr]_[A-Za-z0-9]{20,}            # GitHub tokens
    | \bgithub_pat_[A-Za-z0-9_]{20,}
    | \bxox[abposr]-[A-Za-z0-9\-]{10,}        # Slack
    | \b(?:AKIA|ASIA)[0-9A-Z]{16}\b           # AWS access key ids
    | \bsk[-_](?:live_|test_|proj-)?[A-Za-z0-9\-_]{16,}  # OpenAI / Stripe style keys
    """
)


def is_secret_key(key: object) -> bool:
    """True when a mapping key or setting name names a secret (``password``, ``API_KEY``…)."""
    return isinstance(key, str) and _SECRET_KEY_RE.search(key) is not None


def _mask_userinfo(match: re.Match[str]) -> str:
    scheme, userinfo = match.group(1), match.group(2)
    user, colon, _password = userinfo.partition(":")
    if colon and _PLAIN_USER_RE.fullmatch(user):
        return f"{scheme}{user}:{MASK}@"
    return f"{scheme}{MASK}@"


def _mask_value(match: re.Match[str]) -> str:
    value = match.group("value")
    quote = value[0] if value[:1] in ('"', "'") else ""
    scheme = ""
    if not quote:
        first, blank, _rest = value.partition(" ")
        if blank and first.lower() in ("bearer", "basic", "token", "digest"):
            scheme = f"{first} "
    return f"{match.group('key')}{match.group('sep')}{quote}{scheme}{MASK}{quote}"


def scrub(text: str, secrets: Iterable[str] = ()) -> str:
    """Return ``text`` with every credential it carries replaced by ``***``.

    ``secrets`` are literal values known to be secret (settings marked secret); each non-empty one
    is removed wherever it appears, whatever surrounds it. Pure and idempotent.
    """
    for secret in secrets:
        if secret:
            text = text.replace(secret, MASK)
    if "://" in text:
        text = _URL_USERINFO_RE.sub(_mask_userinfo, text)
    lowered = text.lower()
    if any(hint in lowered for hint in _SECRET_WORD_HINTS):
        text = _KEY_VALUE_RE.sub(_mask_value, text)
    text = _AUTH_SCHEME_RE.sub(lambda m: f"{m.group(1) or m.group(2)} {MASK}", text)
    return _TOKEN_SHAPES_RE.sub(MASK, text)


_MAX_DEPTH: Final = 8


def scrub_details(details: Mapping[str, Any], secrets: Iterable[str] = ()) -> dict[str, Any]:
    """Return a JSON-safe copy of ``details`` with every secret removed (see the module doc).

    Keys naming a secret keep their key and lose their value; nesting deeper than 8 levels is
    cut off (``"***"``), so a self-referencing structure cannot recurse forever.
    """
    known = tuple(s for s in secrets if s)
    return {str(k): _scrub_value(k, v, known, 1) for k, v in details.items()}


def _scrub_value(key: object, value: Any, secrets: tuple[str, ...], depth: int) -> Any:
    if is_secret_key(key):
        return MASK
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, str):
        return scrub(value, secrets)
    if depth >= _MAX_DEPTH:
        return MASK
    if isinstance(value, Mapping):
        return {str(k): _scrub_value(k, v, secrets, depth + 1) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_scrub_value(None, v, secrets, depth + 1) for v in value]
    if isinstance(value, bytes | bytearray):
        return scrub(bytes(value).decode("utf-8", "replace"), secrets)
    return scrub(str(value), secrets)
