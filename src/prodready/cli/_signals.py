"""Signal handling shared by the commands that run processes (``up``, ``verify``)."""

from __future__ import annotations

import argparse
import signal
from types import FrameType, TracebackType

__all__ = ["port_number", "stop_on_signals"]


def port_number(text: str) -> int:
    """An argparse type: a TCP port from 1 to 65535."""
    try:
        port = int(text)
    except ValueError:
        port = 0
    if not 1 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"{text!r} is not a TCP port (1 to 65535)")
    return port


def _interrupt(_signum: int, _frame: FrameType | None) -> None:
    raise KeyboardInterrupt


class stop_on_signals:
    """From creation on, SIGTERM interrupts like Ctrl-C (``KeyboardInterrupt``), in any phase.

    Used as a context manager around the clean-up, it ignores SIGTERM and SIGINT until the
    clean-up is done (a second signal must not leave processes behind; the clean-up is bounded by
    the grace periods), then restores the handlers that were there before.
    """

    def __init__(self) -> None:
        self._previous_term = signal.signal(signal.SIGTERM, _interrupt)
        self._previous_int = signal.getsignal(signal.SIGINT)

    def __enter__(self) -> None:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        signal.signal(signal.SIGINT, signal.SIG_IGN)

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        signal.signal(signal.SIGTERM, self._previous_term)
        signal.signal(signal.SIGINT, self._previous_int)
