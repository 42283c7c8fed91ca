"""Calls to other services over HTTP (httpx), with every failure said as an answer.

One client per process: its connection pool is reused by every call, and its timeouts come
from the settings (OUTBOUND_CONNECT_TIMEOUT, OUTBOUND_TIMEOUT). A call never ends in an
unexpected exception: an upstream that is unreachable or answers 5xx raises
UpstreamUnavailableError (502), one that is too slow UpstreamTimeoutError (504), and one
that refuses the request (4xx) or answers something that is not JSON UpstreamError (502).
Each is an AppError, so a request that meets one gets that status in the service's usual
error shape, never a 500; the first two are worth a retry, the last is not.
"""

import json
from typing import Any

import httpx
from fastapi import status

from app.core.config import Settings
from app.core.errors import AppError

UPSTREAM_FAILED = "An upstream service gave an answer that could not be used"
UPSTREAM_UNAVAILABLE = "An upstream service is unavailable, try again later"
UPSTREAM_TIMEOUT = "An upstream service did not answer in time"


class UpstreamError(AppError):
    """The upstream refused the request (4xx) or answered what cannot be read: no retry helps."""

    status_code = status.HTTP_502_BAD_GATEWAY


class UpstreamUnavailableError(UpstreamError):
    """The upstream could not be reached, or answered 5xx: worth a retry later."""


class UpstreamTimeoutError(UpstreamError):
    """The upstream did not connect or answer within the client's timeouts."""

    status_code = status.HTTP_504_GATEWAY_TIMEOUT


def create_http_client(settings: Settings) -> httpx.Client:
    """A client whose connecting waits at most OUTBOUND_CONNECT_TIMEOUT seconds, and each
    read, write or wait for a pooled connection at most OUTBOUND_TIMEOUT. Close it when done."""
    timeout = httpx.Timeout(settings.outbound_timeout, connect=settings.outbound_connect_timeout)
    return httpx.Client(timeout=timeout, follow_redirects=False)


def post_json(client: httpx.Client, url: str, payload: Any) -> Any:
    """POSTs `payload` as JSON to `url`; returns the decoded JSON answer (None if empty).

    Raises UpstreamTimeoutError, UpstreamUnavailableError or UpstreamError as the module
    says; nothing else.
    """
    try:
        response = client.post(url, json=payload)
    except httpx.TimeoutException as error:
        raise UpstreamTimeoutError(UPSTREAM_TIMEOUT) from error
    except httpx.TransportError as error:  # refused, reset, name not found ...
        raise UpstreamUnavailableError(UPSTREAM_UNAVAILABLE) from error
    if response.status_code >= status.HTTP_500_INTERNAL_SERVER_ERROR:
        raise UpstreamUnavailableError(UPSTREAM_UNAVAILABLE)
    if not response.is_success:
        raise UpstreamError(UPSTREAM_FAILED)
    if not response.content:
        return None
    try:
        return response.json()
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise UpstreamError(UPSTREAM_FAILED) from error
