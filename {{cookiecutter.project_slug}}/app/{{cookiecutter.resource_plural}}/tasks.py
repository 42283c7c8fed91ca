"""Background jobs of the {{ cookiecutter.resource_plural }}: the webhook that announces a new one."""

from typing import Any

from app.core.outbound import UpstreamTimeoutError, UpstreamUnavailableError, post_json
from app.worker import celery_app, http_client

# Deliveries are retried this many times after the first, on an unreachable receiver, a
# 5xx or a timeout, waiting a random time up to 2, 4, 8, 16, 32 seconds (Celery's own
# exponential backoff with full jitter, at most RETRY_BACKOFF_MAX). A 4xx or an answer that
# cannot be read is not retried: the receiver refused, and would again.
MAX_RETRIES = 5
RETRY_BACKOFF = 2
RETRY_BACKOFF_MAX = 10 * 60


@celery_app.task(
    autoretry_for=(UpstreamUnavailableError, UpstreamTimeoutError),
    max_retries=MAX_RETRIES,
    retry_backoff=RETRY_BACKOFF,
    retry_backoff_max=RETRY_BACKOFF_MAX,
    retry_jitter=True,
    ignore_result=True,  # delivered or failed: the worker's log says which
)
def deliver_{{ cookiecutter.resource_name }}_created(url: str, payload: dict[str, Any]) -> None:
    """POSTs `payload` (the new {{ cookiecutter.resource_name }}, as the API reads it) to `url` as JSON, through
    the worker's outbound client. Raises what app.core.outbound.post_json raises."""
    post_json(http_client(), url, payload)
