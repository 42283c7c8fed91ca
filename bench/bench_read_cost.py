"""Where a read's CPU goes: each part of `GET /api/v1/items/{id}` timed on its own.

The service figure (bench_service.py) says how many reads a second one worker serves; this
says why. A baked project (default answers: SQLite, sync, auth) runs a probe in its own
virtualenv that drives the app in-process, without sockets, one request at a time, and
times in CPU seconds of the whole process (worker threads included):

- a hello-world FastAPI app, and the app's `/health/live` (middleware, routing, access log);
- the JWT check, a session with the read's two primary-key gets and its commit, and one
  hand-off to the threadpool, each alone;
- the read's dependency shape with nothing in it (no database, no token check): as sync
  mode declares it, and with `async def` dependencies;
- the whole read.

With `--hello-rps N` (hello-world's throughput from bench_service.py in the same hour) it
also prints the CPU a read may cost to serve half of that, the service target: a server's
own per-request cost is what hello-world's 1/N leaves beyond its in-process time.
"""

import json
import tempfile
from pathlib import Path

import benchlib
from benchlib import Figure

# Run inside the baked project's virtualenv, from its directory.
PROBE = r"""
import asyncio, gc, json, logging, sys, time, uuid

from fastapi import Depends, FastAPI, Request
from fastapi.security import OAuth2PasswordBearer
from pydantic import BaseModel, ConfigDict
from starlette.concurrency import run_in_threadpool

from app.core.config import get_settings
from app.core.db import Base, SessionFactory, engine
from app.core.security import create_access_token, decode_access_token
from app.items.models import Item
from app.main import app
from app.users.models import User

ROUNDS, PER_ROUND = int(sys.argv[1]), int(sys.argv[2])
settings = get_settings()
Base.metadata.create_all(engine)
with SessionFactory() as session:
    user = User(email=f"{uuid.uuid4().hex}@example.com", hashed_password="x")
    session.add(user)
    session.flush()
    item = Item(name="probe", description=None, owner_id=user.id)
    session.add(item)
    session.commit()
    user_id, item_id = user.id, item.id
token = create_access_token(user_id, settings)
BEARER = [(b"authorization", f"Bearer {token}".encode())]

hello = FastAPI()

@hello.get("/")
async def root() -> dict[str, str]:
    return {"hello": "world"}

def asgi_get(target, path, headers=()):
    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET",
        "scheme": "http", "path": path, "raw_path": path.encode(), "query_string": b"",
        "root_path": "", "headers": [(b"host", b"bench"), *headers],
        "client": ("127.0.0.1", 50000), "server": ("127.0.0.1", 8000),
    }
    async def receive():
        return {"type": "http.request", "body": b"", "more_body": False}
    async def call():
        status = []
        async def send(message):
            if message["type"] == "http.response.start":
                status.append(message["status"])
        await target(scope, receive, send)
        assert status == [200], (path, status)
    return call

# The read's dependency shape with no database and no token work in it: a generator
# dependency whose end goes to the threadpool, the bearer scheme, a user and an item
# dependency, and an async handler with a response model; first with `def` dependencies
# (the three hand-offs of sync mode), then with `async def` ones (none).
class Row:
    def __init__(self):
        self.id, self.name, self.description = uuid.uuid4(), "probe", None

class RowOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: uuid.UUID
    name: str
    description: str | None

ROW = Row()
bearer = OAuth2PasswordBearer(tokenUrl="/token", auto_error=False)

async def fake_session(request: Request):
    yield ROW
    await run_in_threadpool(nothing)

async def fake_session_async(request: Request):
    yield ROW

def shaped(session_dependency, asynchronous):
    def user(session=Depends(session_dependency), token=Depends(bearer)):
        return ROW
    def item(item_id: uuid.UUID, session=Depends(session_dependency), user=Depends(user)):
        return ROW
    async def user_async(session=Depends(session_dependency), token=Depends(bearer)):
        return ROW
    async def item_async(
        item_id: uuid.UUID, session=Depends(session_dependency), user=Depends(user_async)
    ):
        return ROW
    shape = FastAPI()
    @shape.get("/items/{item_id}", response_model=RowOut)
    async def read(row=Depends(item_async if asynchronous else item)):
        return row
    return shape

def session_reads():
    with SessionFactory() as session:
        session.get(User, user_id)
        session.get(Item, item_id)
        session.commit()

async def noop():
    return None

def nothing():
    return None

async def hop():
    await run_in_threadpool(nothing)

def sync_part(function):
    async def call():
        function()
    return call

PARTS = {
    "hello": asgi_get(hello, "/"),
    "live": asgi_get(app, "/health/live"),
    "jwt": sync_part(lambda: decode_access_token(token, settings)),
    "session": sync_part(session_reads),
    "hop": hop,
    "shape": asgi_get(shaped(fake_session, False), f"/items/{item_id}", BEARER),
    "shape_async": asgi_get(shaped(fake_session_async, True), f"/items/{item_id}", BEARER),
    "read": asgi_get(app, f"/api/v1/items/{item_id}",
                     [(b"authorization", f"Bearer {token}".encode())]),
    "loop": noop,
}

async def measure():
    results = {name: [] for name in PARTS}
    for name, call in PARTS.items():  # warm-up: caches, compiled statements, threads
        for _ in range(200):
            await call()
    for _ in range(ROUNDS):  # interleaved, so drift in the machine hits every part alike
        for name, call in PARTS.items():
            gc.collect()
            started = time.process_time()
            for _ in range(PER_ROUND):
                await call()
            results[name].append((time.process_time() - started) / PER_ROUND)
    return results

logging.disable(logging.CRITICAL)
print(json.dumps(asyncio.run(measure())))
"""

LABELS = {
    "hello": "hello-world through FastAPI (no middleware)",
    "live": "the app's /health/live: middleware, routing, access log",
    "jwt": "JWT check (PyJWT, HS256, iss, aud, exp)",
    "session": "a session, two primary-key gets and a commit (SQLite)",
    "hop": "one hand-off to the threadpool (run_in_threadpool)",
    "shape": "the read's dependencies with no work in them, `def` (3 hand-offs)",
    "shape_async": "the same, `async def` (no hand-off)",
    "read": "the whole read, in-process",
}


def main() -> None:
    args_parser = benchlib.parser(__doc__)
    args_parser.add_argument("--rounds", type=int, default=7)
    args_parser.add_argument("--per-round", type=int, default=500)
    args_parser.add_argument(
        "--hello-rps",
        type=float,
        help="hello-world's req/s from bench_service.py, to print the read's CPU budget",
    )
    args = args_parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="bench-read-cost-") as tmp:
        project = benchlib.bake(Path(tmp) / "out")
        python = benchlib.env_python(benchlib.project_env(project))
        environ = benchlib.clean_environ(
            DATABASE_URL=f"{benchlib.database_driver(project)}:///{tmp}/read-cost.db",
            ENVIRONMENT="development",
            PYTHONPATH=str(project),
        )
        benchlib.say(f"probing {args.rounds} rounds of {args.per_round} calls per part")
        done = benchlib.run(
            [python, "-c", PROBE, args.rounds, args.per_round], cwd=project, env=environ
        )
    samples = json.loads(done.stdout.strip().splitlines()[-1])
    loop = benchlib.median(samples.pop("loop"))  # awaiting a coroutine that does nothing
    micros = {name: (benchlib.median(values) - loop) * 1e6 for name, values in samples.items()}

    benchlib.say("CPU per call, median of the rounds, the loop's own cost taken off:")
    for name, label in LABELS.items():
        benchlib.say(f"  {micros[name]:7.1f} µs  {label}")
    benchlib.say(
        f"  with no database or token work at all, the read's dependencies cost "
        f"{micros['shape']:.0f} µs as `def` and {micros['shape_async']:.0f} µs as `async def`"
    )

    figures = [
        Figure(f"Read cost: {LABELS['read']}", micros["read"], "µs",
               micros["hello"], "hello-world in-process"),
        Figure(f"Read cost: {LABELS['session']}", micros["session"], "µs",
               micros["read"], "the whole read"),
        Figure(f"Read cost: {LABELS['shape']}", micros["shape"], "µs",
               micros["read"], "the whole read"),
        Figure(f"Read cost: {LABELS['shape_async']}", micros["shape_async"], "µs",
               micros["read"], "the whole read"),
    ]  # fmt: skip
    if args.hello_rps:
        server = 1e6 / args.hello_rps - micros["hello"]  # what the server adds per request
        budget = 2e6 / args.hello_rps - server  # half of hello-world's throughput
        benchlib.say(
            f"hello-world at {args.hello_rps:,.0f} req/s costs {1e6 / args.hello_rps:.0f} µs "
            f"a request, {server:.0f} µs of it outside the app; at half that throughput a "
            f"read may cost {budget:.0f} µs in-process and costs {micros['read']:.0f} µs"
        )
        figures.append(
            Figure("Read cost: in-process budget for 0.5x hello-world", budget, "µs",
                   micros["read"], "the whole read")
        )  # fmt: skip
    benchlib.report(figures, args.json)


if __name__ == "__main__":
    benchlib.use_tools_env()
    main()
