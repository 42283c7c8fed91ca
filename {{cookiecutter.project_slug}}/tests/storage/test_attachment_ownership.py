"""Whose attachment a request reaches: its {{ cookiecutter.resource_name }}'s owner's, and nobody else's."""

import uuid

import pytest
from fastapi import status
{{ cookiecutter.__client_import }}

from app.core.storage import Storage
from app.main import app

from app.{{ cookiecutter.resource_plural }}.attachments import attachment_key
from app.{{ cookiecutter.resource_plural }}.service import {{ cookiecutter.__resource_upper }}_NOT_FOUND
from tests.factories import {{ cookiecutter.__resource_class }}Factory


def attachment(id_: object) -> str:
    return app.url_path_for("read_{{ cookiecutter.resource_name }}_attachment", {{ cookiecutter.resource_name }}_id=str(id_))


@pytest.mark.parametrize("method", ["PUT", "GET", "DELETE"])
{{ cookiecutter.__async }}def test_another_users_attachment_answers_404_and_stays_unchanged(
    authorized_client: {{ cookiecutter.__client }},
    storage: Storage,
    method: str,
) -> None:
    theirs = {{ cookiecutter.__await }}{{ cookiecutter.__resource_class }}Factory()  # its SubFactory makes it an owner of its own
    key = attachment_key(theirs.id)
    storage.put(key, b"theirs", content_type="text/plain", filename="theirs.txt")

    url = attachment(theirs.id)
    files = {"file": ("mine.txt", b"mine", "text/plain")}
    response = {{ cookiecutter.__await }}authorized_client.request(method, url, files=files)

    assert response.status_code == status.HTTP_404_NOT_FOUND
    assert response.json() == {"detail": {{ cookiecutter.__resource_upper }}_NOT_FOUND}
    found = storage.get(key)
    assert found is not None
    assert b"".join(found.chunks()) == b"theirs"


{{ cookiecutter.__async }}def test_an_attachment_needs_a_token(client: {{ cookiecutter.__client }}) -> None:
    response = {{ cookiecutter.__await }}client.get(attachment(uuid.uuid4()))

    assert response.status_code == status.HTTP_401_UNAUTHORIZED
