"""A TCP proxy the tests control, to put a database out of reach in the ways networks do."""

import asyncio
import threading
from types import TracebackType
from typing import Self


class FreezableProxy:
    """Forwards a port of its own on 127.0.0.1 to `target`, on an event loop in a thread
    of its own (so it serves sync and async tests alike).

    freeze() stops it forwarding, both ways, without closing anything: what a database
    host that stopped answering, or a stuck firewall, looks like to a client. New
    connections are accepted and go nowhere. thaw() lets the held bytes through.
    """

    def __init__(self, target: tuple[str, int]) -> None:
        self.target = target
        self.port = 0
        self._loop = asyncio.new_event_loop()
        self._flowing = asyncio.Event()
        self._listening = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> Self:
        self._thread.start()
        if not self._listening.wait(5):
            raise RuntimeError("the proxy did not start listening")
        return self

    def __exit__(
        self,
        _type: type[BaseException] | None,
        _error: BaseException | None,
        _traceback: TracebackType | None,
    ) -> None:
        self.thaw()
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(5)

    def freeze(self) -> None:
        self._loop.call_soon_threadsafe(self._flowing.clear)

    def thaw(self) -> None:
        self._loop.call_soon_threadsafe(self._flowing.set)

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        self._flowing.set()
        server = self._loop.run_until_complete(asyncio.start_server(self._forward, "127.0.0.1", 0))
        self.port = server.sockets[0].getsockname()[1]
        self._listening.set()
        try:
            self._loop.run_forever()
        finally:
            server.close()
            for task in asyncio.all_tasks(self._loop):
                task.cancel()
            self._loop.run_until_complete(asyncio.sleep(0))
            self._loop.close()

    async def _forward(self, client: asyncio.StreamReader, to_client: asyncio.StreamWriter) -> None:
        try:
            upstream, to_upstream = await asyncio.open_connection(*self.target)
        except OSError:
            to_client.close()
            return
        await asyncio.gather(self._pump(client, to_upstream), self._pump(upstream, to_client))

    async def _pump(self, source: asyncio.StreamReader, sink: asyncio.StreamWriter) -> None:
        try:
            while data := await source.read(65536):
                await self._flowing.wait()
                sink.write(data)
                await sink.drain()
        except OSError:
            pass
        finally:
            sink.close()
