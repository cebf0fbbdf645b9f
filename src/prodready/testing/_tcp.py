"""In-process TCP fault servers for timeout tests: a blackhole and a latency-adding proxy.

Both run an asyncio loop in a background thread of the test process, so they need no binary and
leave no process behind; ``stop()`` closes the listener and every connection.
"""

from __future__ import annotations

import abc
import asyncio
import contextlib
import threading
from types import TracebackType
from typing import Any, ClassVar, Self

from prodready.errors import ExternalToolError
from prodready.testing._ports import free_port, is_bound

__all__ = ["BlackholeServer", "LatencyProxy"]


class _LoopServer(abc.ABC):
    """A TCP listener served by an asyncio loop in its own thread."""

    name: ClassVar[str] = "tcp"

    def __init__(self, *, host: str = "127.0.0.1", port: int | None = None) -> None:
        self.host = host
        self.port = port if port is not None else free_port(host)
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stopping: asyncio.Event | None = None
        self._writers: set[asyncio.StreamWriter] = set()
        self._tasks: set[asyncio.Task[None]] = set()  # connection handlers
        self._callbacks: set[asyncio.Task[Any]] = set()  # the stream callbacks awaiting them
        self._errors: list[OSError] = []
        self._lock = threading.Lock()

    @property
    def url(self) -> str:
        """``tcp://127.0.0.1:<port>``."""
        return f"tcp://{self.host}:{self.port}"

    @property
    def is_running(self) -> bool:
        """Whether the listener is open."""
        return self._thread is not None and self._thread.is_alive()

    def start(self) -> Self:
        """Open the listener (no-op if open); raise ExternalToolError if the port is taken."""
        with self._lock:
            if self.is_running:
                return self
            ready = threading.Event()
            self._errors.clear()
            self._thread = threading.Thread(
                target=self._run, args=(ready,), name=f"prodready-{self.name}-{self.port}"
            )
            self._thread.daemon = True  # never keep the interpreter alive for a test helper
            self._thread.start()
            ready.wait(timeout=10)
            if self._errors:
                self._thread.join(timeout=5)
                self._thread = None
                raise ExternalToolError(
                    f"{self.name}: cannot listen on {self.host}:{self.port}: {self._errors[0]}",
                    hint="pass another port, or none to get a free one",
                ) from self._errors[0]
            return self

    def stop(self) -> None:
        """Close the listener and every open connection."""
        with self._lock:
            thread, loop, stopping = self._thread, self._loop, self._stopping
            if thread is None:
                return
            if loop is not None and stopping is not None and thread.is_alive():
                loop.call_soon_threadsafe(stopping.set)
            thread.join(timeout=10)
            self._thread = None

    def restart(self) -> Self:
        """Close then open again on the same port."""
        self.stop()
        return self.start()

    def close(self) -> None:
        """The same as :meth:`stop` (there is no data to delete)."""
        self.stop()

    def leftovers(self) -> list[str]:
        """The listener's port if it is still bound after ``stop()``; nothing otherwise."""
        if self.is_running or not is_bound(self.host, self.port):
            return []
        return [f"{self.name}: port {self.host}:{self.port} still bound"]

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        state = "running" if self.is_running else "stopped"
        return f"<{type(self).__name__} {self.host}:{self.port} {state}>"

    # -- loop thread ------------------------------------------------------------------------
    def _run(self, ready: threading.Event) -> None:
        loop = asyncio.new_event_loop()
        self._loop = loop
        try:
            loop.run_until_complete(self._serve(ready))
        finally:
            ready.set()
            loop.close()
            self._loop = None

    async def _serve(self, ready: threading.Event) -> None:
        self._stopping = asyncio.Event()
        try:
            server = await asyncio.start_server(
                self._track, self.host, self.port, reuse_address=True
            )
        except OSError as e:
            self._errors.append(e)
            return
        ready.set()
        async with server:
            await self._stopping.wait()
            server.close()
            for writer in list(self._writers):
                writer.transport.abort()
            for task in list(self._tasks):
                task.cancel()
            await asyncio.gather(*self._tasks, *self._callbacks, return_exceptions=True)
        self._writers.clear()

    async def _track(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        # The handler runs in a task of its own that stop() cancels; this callback task then ends
        # normally. Cancelling the callback task itself makes Python 3.11's stream protocol log a
        # spurious CancelledError traceback for every open connection.
        task = asyncio.ensure_future(self._handle(reader, writer))
        self._tasks.add(task)
        me = asyncio.current_task()
        if me is not None:
            self._callbacks.add(me)
        self._writers.add(writer)
        try:
            (outcome,) = await asyncio.gather(task, return_exceptions=True)
            if isinstance(outcome, Exception) and not isinstance(
                outcome,
                OSError | asyncio.IncompleteReadError,  # a peer that goes away is normal
            ):
                raise outcome
        finally:
            self._writers.discard(writer)
            writer.transport.abort()
            self._tasks.discard(task)
            if me is not None:
                self._callbacks.discard(me)

    @abc.abstractmethod
    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        """Serve one accepted connection."""


class BlackholeServer(_LoopServer):
    """Accepts TCP connections and never answers: reads and discards, never writes or closes.

    A client with a timeout sees it expire; one without hangs until :meth:`stop`.
    """

    name: ClassVar[str] = "blackhole"

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        while await reader.read(65536):
            pass
        # The client closed its side: keep ours open (silently) until stop().
        await asyncio.Event().wait()


class LatencyProxy(_LoopServer):
    """Forwards TCP to ``target_host:target_port``, delivering every chunk ``delay_s`` late.

    The delay applies in each direction, so a request/response round trip gains ``2 * delay_s``.
    ``delay_s`` may be changed while connections are open (it applies to chunks read afterwards).
    :meth:`pause` holds all traffic (new connections are still accepted) until :meth:`resume`.
    """

    name: ClassVar[str] = "latency-proxy"

    def __init__(
        self,
        target_host: str,
        target_port: int,
        delay_s: float = 0.0,
        *,
        host: str = "127.0.0.1",
        port: int | None = None,
    ) -> None:
        if delay_s < 0:
            raise ValueError(f"delay_s must be >= 0, got {delay_s}")
        super().__init__(host=host, port=port)
        self.target_host = target_host
        self.target_port = target_port
        self.delay_s = delay_s
        self._paused = False
        self._flowing: asyncio.Event | None = None  # lives in the loop thread

    def pause(self) -> None:
        """Hold every byte in both directions until :meth:`resume`."""
        self._paused = True
        self._sync_flow()

    def resume(self) -> None:
        """Deliver held bytes (each still ``delay_s`` after it was read) and keep forwarding."""
        self._paused = False
        self._sync_flow()

    @property
    def is_paused(self) -> bool:
        """Whether traffic is held."""
        return self._paused

    def _sync_flow(self) -> None:
        loop, flowing = self._loop, self._flowing
        if loop is not None and flowing is not None:
            action = flowing.clear if self._paused else flowing.set
            with contextlib.suppress(RuntimeError):  # the loop closed in between: nothing to do
                loop.call_soon_threadsafe(action)

    async def _serve(self, ready: threading.Event) -> None:
        self._flowing = asyncio.Event()
        if not self._paused:
            self._flowing.set()
        await super()._serve(ready)

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            up_reader, up_writer = await asyncio.open_connection(self.target_host, self.target_port)
        except OSError:
            return  # the target is down: close the client's connection, as a dead route would
        self._writers.add(up_writer)
        pumps = [
            asyncio.create_task(self._pump(reader, up_writer)),
            asyncio.create_task(self._pump(up_reader, writer)),
        ]
        try:
            await asyncio.gather(*pumps)
        finally:
            for pump in pumps:
                pump.cancel()
            await asyncio.gather(*pumps, return_exceptions=True)
            self._writers.discard(up_writer)
            up_writer.transport.abort()

    async def _pump(self, src: asyncio.StreamReader, dst: asyncio.StreamWriter) -> None:
        loop = asyncio.get_running_loop()
        queue: asyncio.Queue[tuple[float, bytes]] = asyncio.Queue()

        async def deliver() -> None:
            while True:
                due, data = await queue.get()
                await asyncio.sleep(max(0.0, due - loop.time()))
                if self._flowing is not None:
                    await self._flowing.wait()
                if not data:
                    if dst.can_write_eof():
                        with contextlib.suppress(OSError):
                            dst.write_eof()
                    return
                dst.write(data)
                await dst.drain()

        delivery = asyncio.create_task(deliver())
        try:
            while True:
                data = await src.read(65536)
                queue.put_nowait((loop.time() + self.delay_s, data))
                if not data:
                    break
            await delivery
        finally:
            delivery.cancel()
            await asyncio.gather(delivery, return_exceptions=True)
