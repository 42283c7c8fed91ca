"""A small closed-loop HTTP/1.1 load generator, for machines without wrk.

`connections` keep-alive connections each send a request, read the whole response and send
the next, until `duration` seconds have passed. Standard library only; it only understands
responses with a Content-Length (what uvicorn sends for JSON), and it needs more CPU per
request than wrk, so compare its figures only with each other.
"""

import asyncio
import statistics
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass


@dataclass
class LoadResult:
    requests_per_second: float  # every response, failed ones included
    requests: int
    errors: int  # responses that are not 2xx, and socket errors
    p50_ms: float
    p99_ms: float

    @property
    def ok_per_second(self) -> float:
        """Throughput of successful responses only."""
        if not self.requests:
            return 0.0
        return self.requests_per_second * (1 - self.errors / self.requests)


def http_request(method: str, path: str, headers: dict[str, str], body: bytes = b"") -> bytes:
    lines = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1", f"Content-Length: {len(body)}"]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


async def _connection(
    port: int,
    next_request: Callable[[], bytes],
    deadline: float,
    latencies: list[float],
    statuses: Counter[int],
) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        while time.perf_counter() < deadline:
            started = time.perf_counter()
            writer.write(next_request())
            statuses[int((await reader.readline()).split()[1])] += 1
            length = 0
            while (line := await reader.readline()) not in (b"\r\n", b""):
                name, _, value = line.partition(b":")
                if name.strip().lower() == b"content-length":
                    length = int(value)
            await reader.readexactly(length)
            latencies.append(time.perf_counter() - started)
    finally:
        writer.close()


async def _load(
    port: int, next_request: Callable[[], bytes], connections: int, duration: float
) -> LoadResult:
    latencies: list[float] = []
    statuses: Counter[int] = Counter()
    started = time.perf_counter()
    deadline = started + duration
    await asyncio.gather(
        *(
            _connection(port, next_request, deadline, latencies, statuses)
            for _ in range(connections)
        )
    )
    elapsed = time.perf_counter() - started
    cuts = statistics.quantiles(latencies, n=100)
    errors = sum(count for status, count in statuses.items() if not 200 <= status < 300)
    requests = len(latencies)
    return LoadResult(requests / elapsed, requests, errors, cuts[49] * 1000, cuts[98] * 1000)


def load(
    port: int, next_request: Callable[[], bytes], connections: int, duration: float
) -> LoadResult:
    return asyncio.run(_load(port, next_request, connections, duration))
