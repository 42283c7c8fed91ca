"""Where a read's CPU goes: each part of `GET /api/v1/items/{id}` timed on its own.

The service figure (bench_service.py) says how many reads a second one worker serves; this
says why. A baked project (auth on; SQLite and sync mode unless --set says otherwise) runs a
probe in its own virtualenv that drives the app in-process, without sockets, one request at
a time, and times in CPU seconds of the whole process (worker threads included):

- a hello-world FastAPI app, and the app's `/health/live` (middleware, routing, access log);
- the JWT check; a session with the read's two primary-key gets and its commit, on the
  service's engine and on the same engine with `pool_pre_ping`; one access line, written
  directly and through a `QueueHandler`; one hand-off to the threadpool; each alone;
- the read's dependency shape with nothing in it (no database, no token check): as sync
  mode declares it, and with `async def` dependencies;
- the whole read, and the same read through the router alone (no middleware at all).

Log lines go to /dev/null, as they would to a file. With `--hello-rps N` (hello-world's
throughput from bench_service.py in the same hour) it also prints the CPU a read may cost to
serve half of that.
"""

import argparse
import json
import tempfile
from pathlib import Path

import bench_service
import benchlib
from benchlib import Figure

# Run inside the baked project's virtualenv, from its directory.
PROBE = r"""
import asyncio, gc, json, logging, logging.handlers, os, queue, sys, time, uuid

from fastapi import Depends, FastAPI, Request
from fastapi.security import OAuth2PasswordBearer
from pydantic import BaseModel, ConfigDict
from starlette.concurrency import run_in_threadpool

from app.core import db
from app.core.config import get_settings
from app.core.middleware import access_logger
from app.core.security import create_access_token, decode_access_token
from app.items.models import Item
from app.main import app, create_app
from app.users.models import User

ROUNDS, PER_ROUND = int(sys.argv[1]), int(sys.argv[2])
ASYNC = "Async" in type(db.engine).__name__
settings = get_settings()
devnull = open(os.devnull, "w")
for handler in logging.getLogger().handlers:  # as to a file; the probe's output stays clean
    handler.setStream(devnull)

async def setup():
    user = User(email=f"{uuid.uuid4().hex}@example.com", hashed_password="x")
    if ASYNC:
        async with db.engine.begin() as connection:
            await connection.run_sync(db.Base.metadata.create_all)
        async with db.database.sessions() as session:
            session.add(user)
            await session.flush()
            item = Item(name="probe", description=None, owner_id=user.id)
            session.add(item)
            await session.commit()
    else:
        db.Base.metadata.create_all(db.engine)
        with db.database.sessions() as session:
            session.add(user)
            session.flush()
            item = Item(name="probe", description=None, owner_id=user.id)
            session.add(item)
            session.commit()
    return user.id, item.id

user_id, item_id = asyncio.run(setup())
if ASYNC:  # the engine's pool is bound to the event loop that used it
    asyncio.run(db.engine.dispose())
else:
    db.engine.dispose()
token = create_access_token(user_id, settings)
BEARER = [(b"authorization", f"Bearer {token}".encode())]
try:
    pinged = db.Database(db.create_db_engine(db.engine.url, pool_pre_ping=True))
except TypeError:  # a revision whose engine pings already
    pinged = db.database

hello = FastAPI()

@hello.get("/")
async def root() -> dict[str, str]:
    return {"hello": "world"}

def asgi_get(target, path, headers=(), extra_scope=None):
    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET",
        "scheme": "http", "path": path, "raw_path": path.encode(), "query_string": b"",
        "root_path": "", "headers": [(b"host", b"bench"), *headers],
        "client": ("127.0.0.1", 50000), "server": ("127.0.0.1", 8000), **(extra_scope or {}),
    }
    async def receive():
        return {"type": "http.request", "body": b"", "more_body": False}
    async def call():
        status = []
        async def send(message):
            if message["type"] == "http.response.start":
                status.append(message["status"])
        await target(dict(scope), receive, send)
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

def session_reads(database):
    if ASYNC:
        async def reads():
            async with database.sessions() as session:
                await session.get(User, user_id)
                await session.get(Item, item_id)
                await session.commit()
        return reads
    def sync_reads():
        with database.sessions() as session:
            session.get(User, user_id)
            session.get(Item, item_id)
            session.commit()
    return sync_part(sync_reads)

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

def access_line():
    access_logger.info("%s %s %s %.1fms", "GET", "/api/v1/items/x", 200, 1.25,
                       extra={"method": "GET", "path": "/api/v1/items/x", "status": 200,
                              "duration_ms": 1.25})

queued = logging.getLogger("probe.queued")
queued.propagate = False
lines: queue.SimpleQueue = queue.SimpleQueue()
queued.addHandler(logging.handlers.QueueHandler(lines))
listener = logging.handlers.QueueListener(lines, *logging.getLogger().handlers)
listener.start()

def queued_line():
    queued.info("%s %s %s %.1fms", "GET", "/api/v1/items/x", 200, 1.25,
                extra={"method": "GET", "path": "/api/v1/items/x", "status": 200,
                       "duration_ms": 1.25})

read_path = f"/api/v1/items/{item_id}"
bare = create_app(settings)
bare.user_middleware.clear()  # before its first request builds the middleware stack
PARTS = {
    "hello": asgi_get(hello, "/"),
    "live": asgi_get(app, "/health/live"),
    "jwt": sync_part(lambda: decode_access_token(token, settings)),
    "session": session_reads(db.database),
    "session_ping": session_reads(pinged),
    "access": sync_part(access_line),
    "access_queued": sync_part(queued_line),
    "hop": hop,
    "shape": asgi_get(shaped(fake_session, False), f"/items/{item_id}", BEARER),
    "shape_async": asgi_get(shaped(fake_session_async, True), f"/items/{item_id}", BEARER),
    "read": asgi_get(app, read_path, BEARER),
    "read_bare": asgi_get(bare, read_path, BEARER),
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

print(json.dumps(asyncio.run(measure())))
listener.stop()
"""

LABELS = {
    "hello": "hello-world through FastAPI (no middleware)",
    "live": "the app's /health/live: middleware, routing, access log",
    "jwt": "JWT check (PyJWT, HS256, iss, aud, exp)",
    "session": "a session, two primary-key gets and a commit",
    "session_ping": "the same on an engine with pool_pre_ping",
    "access": "one access line (text, to /dev/null)",
    "access_queued": "the same through a QueueHandler (written by a QueueListener thread)",
    "hop": "one hand-off to the threadpool (run_in_threadpool)",
    "shape": "the read's dependencies with no work in them, `def` (3 hand-offs)",
    "shape_async": "the same, `async def` (no hand-off)",
    "read": "the whole read, in-process",
    "read_bare": "the same read through the router alone (no middleware)",
}


def probe(
    template: Path, answers: dict[str, str], root: Path, args: argparse.Namespace
) -> dict[str, list[float]]:
    """Bake `template` with `answers` in `root`, run the probe there: CPU seconds per call."""
    project = benchlib.bake(root / "out", answers, template)
    python = benchlib.env_python(benchlib.project_env(project))
    driver = benchlib.database_driver(project)
    with bench_service.database(python, driver, f"bench_read_cost_{root.name}", root) as url:
        environ = benchlib.clean_environ(
            DATABASE_URL=url, ENVIRONMENT="development", PYTHONPATH=str(project)
        )
        done = benchlib.run(
            [python, "-c", PROBE, args.rounds, args.per_round], cwd=project, env=environ
        )
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def main() -> None:
    args_parser = benchlib.parser(__doc__)
    benchlib.answers_option(args_parser)
    args_parser.add_argument("--rounds", type=int, default=7)
    args_parser.add_argument("--per-round", type=int, default=500)
    args_parser.add_argument(
        "--hello-rps",
        type=float,
        help="hello-world's req/s from bench_service.py, to print the read's CPU budget",
    )
    args_parser.add_argument(
        "--against",
        metavar="REV",
        help="also probe the template at git revision REV, alternating with this one",
    )
    args_parser.add_argument("--repeat", type=int, default=1, help="probes of each, alternating")
    args = args_parser.parse_args()
    answers = {"auth": "yes", **benchlib.parse_answers(args.set)}

    runs: dict[str, list[dict[str, list[float]]]] = {"this": [], "against": []}
    with tempfile.TemporaryDirectory(prefix="bench-read-cost-") as tmp:
        templates = {"this": benchlib.REPO}
        if args.against:
            against_dir = Path(tmp) / "against-template"
            templates["against"] = bench_service.template_at(args.against, against_dir)
        benchlib.say(f"probing {args.rounds} rounds of {args.per_round} calls per part")
        for number in range(args.repeat):
            for name, template in templates.items():
                root = Path(tmp) / f"{name}{number}"
                root.mkdir()
                runs[name].append(probe(template, answers, root, args))

    def medians(samples_list: list[dict[str, list[float]]]) -> dict[str, float]:
        merged: dict[str, list[float]] = {}
        for samples in samples_list:
            for part, values in samples.items():
                merged.setdefault(part, []).extend(values)
        loop = benchlib.median(merged.pop("loop"))  # awaiting a coroutine that does nothing
        return {part: (benchlib.median(values) - loop) * 1e6 for part, values in merged.items()}

    micros = medians(runs["this"])
    earlier = medians(runs["against"]) if args.against else {}
    benchlib.say("CPU per call, median of the rounds, the loop's own cost taken off:")
    for name, label in LABELS.items():
        before = f"  (at {args.against}: {earlier[name]:7.1f} µs)" if name in earlier else ""
        benchlib.say(f"  {micros[name]:7.1f} µs  {label}{before}")
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
