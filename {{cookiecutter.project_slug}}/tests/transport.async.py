from httpx2 import ASGITransport, AsyncClient
from starlette.types import ASGIApp


def app_client(app: ASGIApp, headers: dict[str, str] | None = None) -> AsyncClient:
    """An httpx AsyncClient of `app`, in this process through httpx's ASGITransport: every
    request carries `headers`. Use it in an `async with` block, which closes it."""
    return AsyncClient(transport=ASGITransport(app=app), base_url="http://test", headers=headers)
