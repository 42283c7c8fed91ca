"""Send a bounded burst of requests to a running instance and report what came back.

    python scripts/load.py --url http://127.0.0.1:8000 --requests 2000 --concurrency 32

It creates one {{ cookiecutter.resource_name }}, then reads it by id
`--requests` times, `--concurrency` at a time, and prints throughput and latency.
It stops by itself; point it only at an instance you own.
"""

import argparse
import asyncio
import statistics
import time
import uuid

import httpx2


async def prepare(client: httpx2.AsyncClient) -> str:
    """Create the {{ cookiecutter.resource_name }} to read; returns its URL."""
{%- if cookiecutter.auth == "yes" %}
    # It registers a throwaway user, who owns the {{ cookiecutter.resource_name }} it reads.
    credentials = {"email": f"load-{uuid.uuid4().hex}@example.com", "password": uuid.uuid4().hex}
    (await client.post("/api/v1/auth/register", json=credentials)).raise_for_status()
    form = {"username": credentials["email"], "password": credentials["password"]}
    login = await client.post("/api/v1/auth/login", data=form)
    login.raise_for_status()
    client.headers["Authorization"] = f"Bearer {login.json()['access_token']}"
{%- endif %}
    body = {"name": f"load {uuid.uuid4().hex}"}
    created = await client.post("/api/v1/{{ cookiecutter.resource_plural }}", json=body)
    created.raise_for_status()
    return f"/api/v1/{{ cookiecutter.resource_plural }}/{created.json()['id']}"


async def burst(client: httpx2.AsyncClient, url: str, total: int, concurrency: int) -> list[float]:
    latencies: list[float] = []
    remaining = iter(range(total))

    async def worker() -> None:
        for _ in remaining:
            started = time.perf_counter()
            response = await client.get(url)
            latencies.append(time.perf_counter() - started)
            response.raise_for_status()

    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return latencies


async def main(base_url: str, total: int, concurrency: int) -> None:
    limits = httpx2.Limits(max_connections=concurrency)
    async with httpx2.AsyncClient(base_url=base_url, limits=limits, timeout=30) as client:
        url = await prepare(client)
        started = time.perf_counter()
        latencies = await burst(client, url, total, concurrency)
        elapsed = time.perf_counter() - started
    cuts = statistics.quantiles(latencies, n=100)
    print(f"{total} requests in {elapsed:.2f} s: {total / elapsed:.0f} requests/s")
    print(f"latency p50 {cuts[49] * 1000:.1f} ms, p99 {cuts[98] * 1000:.1f} ms")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:8000")
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=16)
    args = parser.parse_args()
    asyncio.run(main(args.url, args.requests, args.concurrency))
