"""One address registered from two threads at once: the database decides, one account is made."""

from concurrent.futures import ThreadPoolExecutor

from fastapi import status
from httpx2 import Client

from app.main import app


def test_one_email_registered_at_once_gets_one_account(client: Client) -> None:
    body = {"email": "twice@example.com", "password": "a-long-password", "full_name": "Twice"}

    def register(_: int) -> int:
        return client.post(app.url_path_for("register"), json=body).status_code

    with ThreadPoolExecutor(max_workers=2) as pool:
        statuses = sorted(pool.map(register, range(2)))

    assert statuses == [status.HTTP_201_CREATED, status.HTTP_409_CONFLICT]
