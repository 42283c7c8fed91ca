"""The webhook of each new {{ cookiecutter.resource_name }}, queued once its request has committed."""

import logging
from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from kombu.exceptions import OperationalError

from app.core.config import Settings

from app.{{ cookiecutter.resource_plural }}.models import {{ cookiecutter.__resource_class }}
from app.{{ cookiecutter.resource_plural }}.schemas import {{ cookiecutter.__resource_class }}Read
from app.{{ cookiecutter.resource_plural }}.tasks import deliver_{{ cookiecutter.resource_name }}_created

logger = logging.getLogger(__name__)

NOT_QUEUED = "webhook of %s not queued: the broker cannot be reached"


def webhook_outbox(request: Request) -> Iterator[list[{{ cookiecutter.__resource_class }}]]:
    """A list the endpoint appends what it creates to; once the request's session has
    committed, one delivery to WEBHOOK_URL is queued for each (none if it is unset).

    Taken before the session, in the same scope ("function": before the response is sent),
    it ends after the commit, as FastAPI ends dependencies in reverse order: nothing rolled
    back is announced, and what the client was told of is queued. A broker that cannot be
    reached loses the webhook, not the row: the failure is logged. A generator without
    `async`, so that queueing (network I/O) runs in a worker thread.
    """
    created: list[{{ cookiecutter.__resource_class }}] = []
    yield created
    settings: Settings = request.app.state.settings
    if settings.webhook_url is None:
        return
    for made in created:
        payload = {{ cookiecutter.__resource_class }}Read.model_validate(made).model_dump(mode="json")
        try:
            deliver_{{ cookiecutter.resource_name }}_created.delay(str(settings.webhook_url), payload)
        except OperationalError:
            logger.exception(NOT_QUEUED, payload["id"])


WebhookOutboxDep = Annotated[list[{{ cookiecutter.__resource_class }}], Depends(webhook_outbox, scope="function")]
