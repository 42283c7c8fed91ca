"""The API's user journey under load, for locust (https://locust.io).

    uv run locust -f locustfile.py --headless -u 10 -r 2 -t 30s --host http://127.0.0.1:8000

Each simulated user repeats one journey: create one {{ cookiecutter.resource_name }}, read it back, list a
page. Locust prints the requests per second and latency percentiles of each step, and exits
1 when any request failed. It writes rows: point it only at an instance you own.
"""

import uuid
from http import HTTPStatus

from locust import HttpUser, between, task

COLLECTION = "/api/v1/{{ cookiecutter.resource_plural }}"
# Reads are reported under the route's path, not once per id.
ONE = "/api/v1/{{ cookiecutter.resource_plural }}/{{ cookiecutter.__id_path }}"


class ApiUser(HttpUser):
    """One client of the API, pausing 0.1 to 0.5 s between journeys as a person would."""

    wait_time = between(0.1, 0.5)

    @task
    def create_read_and_list(self) -> None:
        created = self.client.post(COLLECTION, json={"name": f"load {uuid.uuid4().hex}"})
        if created.status_code != HTTPStatus.CREATED:
            return  # locust has counted the failure; there is nothing to read
        self.client.get(f"{COLLECTION}/{created.json()['id']}", name=ONE)
        self.client.get(COLLECTION, params={"limit": 20})
{%- if cookiecutter.auth == "yes" %}

    def on_start(self) -> None:
        """Register and log in once per simulated user; every journey sends its token."""
        email, password = f"load-{uuid.uuid4().hex}@example.com", uuid.uuid4().hex
        self.client.post("/api/v1/auth/register", json={"email": email, "password": password})
        login = self.client.post(
            "/api/v1/auth/login", data={"username": email, "password": password}
        )
        if login.status_code == HTTPStatus.OK:  # else locust counts it, and the 401s that follow
            self.client.headers["Authorization"] = f"Bearer {login.json()['access_token']}"
{%- endif %}
