"""Fixtures for the background jobs: a webhook receiver, Celery's eager mode, a real worker.

The receiver is respx's mock of every httpx transport (the seeds' way of faking HTTP): it
answers the worker's outbound client as it answers any other, in this process's threads
too. `eager_tasks` runs each job inside the call that queues it (Celery's
`task_always_eager`); `worker` is a real Celery worker, started in this process on a thread
(celery.contrib.testing.worker.start_worker, Celery's documented pattern), taking jobs from
the real Redis that TEST_REDIS_URL names.
"""

import os
import uuid
from collections.abc import Iterator

import pytest
import respx
from celery.contrib.testing.worker import start_worker
from fastapi import FastAPI
from pydantic_settings import BaseSettings, SettingsConfigDict
from redis import Redis
from redis.exceptions import RedisError

from app.worker import celery_app

WEBHOOK_URL = "https://hooks.example.com/{{ cookiecutter.resource_plural }}"


class BrokerSettingsForTests(BaseSettings):
    """TEST_REDIS_URL from the environment or `.env`: the broker of the worker tests."""

    model_config = SettingsConfigDict(env_file=".env", env_ignore_empty=True, extra="ignore")

    test_redis_url: str = "redis://localhost:6379/15"


@pytest.fixture
def webhook_url(app: FastAPI) -> Iterator[str]:
    """WEBHOOK_URL, set for this test: each new {{ cookiecutter.resource_name }} is announced there."""
    settings = app.state.settings
    app.state.settings = settings.model_copy(update={"webhook_url": WEBHOOK_URL})
    yield WEBHOOK_URL
    app.state.settings = settings


@pytest.fixture
def receiver(respx_mock: respx.MockRouter, webhook_url: str) -> respx.Route:
    """The webhook's receiver, answering 204 unless a test says otherwise
    (`receiver.side_effect = [...]`); `receiver.calls` holds what it was sent."""
    return respx_mock.post(webhook_url).respond(204)


@pytest.fixture
def eager_tasks() -> Iterator[None]:
    """Jobs run where they are queued, at once; their exceptions reach the caller."""
    changed = {"task_always_eager": True, "task_eager_propagates": True}
    before = {name: celery_app.conf[name] for name in changed}
    celery_app.conf.update(changed)
    yield
    celery_app.conf.update(before)


@pytest.fixture(scope="session", autouse=True)
def queue_of_the_tests() -> Iterator[str]:
    """Puts the task queue on the Redis of TEST_REDIS_URL, in a queue of this process's own,
    before any test reaches it; deletes the queue's keys when the run ends.

    Set once, first: Celery keeps the connections and queues it made from its settings, so
    changing them later would not reach a producer made earlier. The queue's name keeps
    runs and pytest-xdist workers that share the Redis from taking each other's jobs.
    """
    url = BrokerSettingsForTests().test_redis_url
    queue = f"test-{os.environ.get('PYTEST_XDIST_WORKER', 'main')}-{uuid.uuid4().hex}"
    changed = {
        "broker_url": url,
        "result_backend": url,
        "task_default_queue": queue,
        # No remote control: its broadcast queue would outlive the run on the shared Redis.
        "worker_enable_remote_control": False,
    }
    before = {name: celery_app.conf[name] for name in changed}
    celery_app.conf.update(changed)
    yield queue
    celery_app.close()
    celery_app.conf.update(before)
    redis = Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)
    try:
        keys = list(redis.scan_iter(f"*{queue}*"))  # the queue, and kombu's binding of it
        if keys:
            redis.delete(*keys)
    except RedisError:
        pass  # nothing was queued on a Redis that is not there
    finally:
        redis.close()


@pytest.fixture(scope="module")
def worker(queue_of_the_tests: str) -> Iterator[None]:
    """A real worker taking jobs from the tests' queue, for the tests of one module; fails
    them if the Redis of TEST_REDIS_URL does not answer."""
    url = BrokerSettingsForTests().test_redis_url
    with Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2) as redis:
        try:
            redis.ping()
        except RedisError as error:
            pytest.fail(f"TEST_REDIS_URL={url}: Redis does not answer ({error!r})", pytrace=False)
    # Logging and warnings stay as pytest set them up. An embedded worker calls Celery's
    # `app.log.setup`, which would replace the handlers pytest captures lines with, turn on
    # logging.captureWarnings for the rest of the run (where a later configure_logging could
    # not turn it on again) and set CELERY_LOG_* in os.environ.
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(celery_app.log, "setup", lambda **_: True)  # True: "logging handled"
        # perform_ping_check: its ping job would wait on Celery's default queue, not this one.
        with start_worker(
            celery_app, pool="solo", queues=[queue_of_the_tests], perform_ping_check=False
        ):
            yield
