"""The task queue: Celery on Redis (broker and result backend), and the worker's HTTP client.

Run a worker beside the service with `celery -A app.worker:celery_app worker --loglevel=INFO`;
start more of them (on this machine or others, with the same REDIS_URL) to run more jobs at
once. A job is acknowledged only once it is done, so one that a dying worker held is run
again by another: jobs must be safe to run twice.
"""

from functools import cache

import httpx
from celery import Celery
from celery.signals import setup_logging, worker_process_shutdown, worker_shutdown

from app.core.config import Settings, get_settings
from app.core.logging import configure_logging
from app.core.outbound import create_http_client

# A job a worker took but has not acknowledged within this many seconds is handed to
# another worker (Redis's visibility timeout): longer than any job and its retries take.
VISIBILITY_TIMEOUT = 60 * 60


def create_celery(settings: Settings) -> Celery:
    """The Celery app, on CELERY_BROKER_URL (else REDIS_URL) for both messages and results."""
    broker = settings.celery_broker_url or settings.redis_url
    celery = Celery(
        "{{ cookiecutter.project_slug }}",
        broker=broker,
        backend=broker,
        include=["app.{{ cookiecutter.resource_plural }}.tasks"],
    )
    celery.conf.update(
        task_serializer="json",
        result_serializer="json",
        accept_content=["json"],
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        result_expires=60 * 60,
        broker_transport_options={
            "visibility_timeout": VISIBILITY_TIMEOUT,
            # Each wait on Redis ends after REDIS_TIMEOUT, as the cache's do: without it, a
            # broker that accepts connections and never answers held every create that
            # queued a job until the request's deadline.
            "socket_timeout": settings.redis_timeout,
            "socket_connect_timeout": settings.redis_timeout,
        },
        broker_connection_retry_on_startup=True,
        # Enqueueing while the broker is down or silent fails within two REDIS_TIMEOUTs: the
        # request that enqueues is not held for Celery's default retries.
        task_publish_retry_policy={
            "max_retries": 1,
            "interval_start": 0,
            "interval_step": 0,
            "interval_max": 0,
        },
    )
    return celery


celery_app = create_celery(get_settings())


@setup_logging.connect
def log_as_the_service_does(**_: object) -> None:
    """The worker's lines take the service's format (JSON lines in production) instead of
    Celery's own: a handler of this signal replaces Celery's logging setup."""
    configure_logging(json_lines=get_settings().environment == "production")


@cache
def http_client() -> httpx.Client:
    """The worker process's one outbound client, made on first use and kept until it ends:
    its connections are reused by every job."""
    return create_http_client(get_settings())


@worker_process_shutdown.connect
@worker_shutdown.connect
def close_http_client(**_: object) -> None:
    """Closes the process's outbound client, if it made one (Celery's shutdown signals)."""
    if http_client.cache_info().currsize:
        http_client().close()
        http_client.cache_clear()
