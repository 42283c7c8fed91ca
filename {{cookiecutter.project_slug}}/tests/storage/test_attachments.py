"""Each {{ cookiecutter.resource_name }}'s attachment: upload, download, replace, delete, and the refusals."""

import io
import logging
import uuid
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

import pytest
from fastapi import FastAPI, UploadFile, status
{{ cookiecutter.__client_import }}
from starlette.datastructures import Headers

from app.core.config import get_settings
from app.core.storage import FILENAME_KEY, STORAGE_UNAVAILABLE, Storage
from app.main import app

from app.{{ cookiecutter.resource_plural }}.attachments import (
    ATTACHMENT_NOT_FOUND,
    ATTACHMENT_TOO_LARGE,
    FILENAME_NOT_TEXT,
    FILENAME_TOO_LONG,
    MAX_CONTENT_TYPE_LENGTH,
    MAX_FILENAME_BYTES,
    UNSUPPORTED_CONTENT_TYPE,
    AttachmentTooLargeError,
    accepted_bytes,
    attachment_key,
)
from app.{{ cookiecutter.resource_plural }}.models import {{ cookiecutter.__resource_class }}
from app.{{ cookiecutter.resource_plural }}.service import {{ cookiecutter.__resource_upper }}_NOT_FOUND
from tests.storage.fixtures import serve


def attachment(id_: object) -> str:
    return app.url_path_for("read_{{ cookiecutter.resource_name }}_attachment", {{ cookiecutter.resource_name }}_id=str(id_))


def one(id_: object) -> str:
    return app.url_path_for("read_{{ cookiecutter.resource_name }}", {{ cookiecutter.resource_name }}_id=str(id_))


@pytest.fixture
{{ cookiecutter.__async }}def stored(make_{{ cookiecutter.resource_name }}: Callable[..., Any]) -> {{ cookiecutter.__resource_class }}:
    """{{ cookiecutter.resource_name|with_article|capitalize }} the caller may read and change, with no file yet."""
    made: {{ cookiecutter.__resource_class }} = {{ cookiecutter.__await }}make_{{ cookiecutter.resource_name }}()
    return made


def upload(name: str, data: bytes, content_type: str) -> dict[str, tuple[str, bytes, str]]:
    """The multipart form of an upload, as httpx sends it."""
    return {"file": (name, data, content_type)}


{{ cookiecutter.__async }}def test_an_uploaded_file_downloads_with_its_bytes_type_and_name(
    {{ cookiecutter.__api_client }}: {{ cookiecutter.__client }},
    stored: {{ cookiecutter.__resource_class }},
) -> None:
    url = attachment(stored.id)
    files = upload("Relevé.pdf", b"%PDF-1.7 ...", "application/pdf")
    uploaded = {{ cookiecutter.__await }}{{ cookiecutter.__api_client }}.put(url, files=files)
    downloaded = {{ cookiecutter.__await }}{{ cookiecutter.__api_client }}.get(attachment(stored.id))

    assert uploaded.status_code == status.HTTP_200_OK
    assert uploaded.json() == {
        "filename": "Relevé.pdf",
        "content_type": "application/pdf",
        "size": len(b"%PDF-1.7 ..."),
    }
    assert downloaded.status_code == status.HTTP_200_OK
    assert downloaded.content == b"%PDF-1.7 ..."
    assert downloaded.headers["Content-Type"] == "application/pdf"
    disposition = downloaded.headers["Content-Disposition"]
    assert disposition == "attachment; filename*=UTF-8''Relev%C3%A9.pdf"


{{ cookiecutter.__async }}def test_uploading_again_replaces_the_file(
    {{ cookiecutter.__api_client }}: {{ cookiecutter.__client }},
    stored: {{ cookiecutter.__resource_class }},
) -> None:
    url = attachment(stored.id)
    {{ cookiecutter.__await }}{{ cookiecutter.__api_client }}.put(url, files=upload("a.txt", b"first", "text/plain"))

    {{ cookiecutter.__await }}{{ cookiecutter.__api_client }}.put(url, files=upload("b.png", b"\x89PNG", "image/png"))
    downloaded = {{ cookiecutter.__await }}{{ cookiecutter.__api_client }}.get(url)

    assert downloaded.content == b"\x89PNG"
    assert downloaded.headers["Content-Type"] == "image/png"


{{ cookiecutter.__async }}def test_without_a_file_the_attachment_answers_404_to_download_and_delete(
    {{ cookiecutter.__api_client }}: {{ cookiecutter.__client }},
    stored: {{ cookiecutter.__resource_class }},
) -> None:
    downloaded = {{ cookiecutter.__await }}{{ cookiecutter.__api_client }}.get(attachment(stored.id))
    deleted = {{ cookiecutter.__await }}{{ cookiecutter.__api_client }}.delete(attachment(stored.id))

    for response in (downloaded, deleted):
        assert response.status_code == status.HTTP_404_NOT_FOUND
        assert response.json() == {"detail": ATTACHMENT_NOT_FOUND}


@pytest.mark.parametrize("method", ["PUT", "GET", "DELETE"])
{{ cookiecutter.__async }}def test_a_missing_{{ cookiecutter.resource_name }}_answers_404(
    {{ cookiecutter.__api_client }}: {{ cookiecutter.__client }},
    method: str,
) -> None:
    url = attachment(uuid.uuid4())
    files = upload("a.txt", b"x", "text/plain")
    response = {{ cookiecutter.__await }}{{ cookiecutter.__api_client }}.request(method, url, files=files)

    assert response.status_code == status.HTTP_404_NOT_FOUND
    assert response.json() == {"detail": {{ cookiecutter.__resource_upper }}_NOT_FOUND}


{{ cookiecutter.__async }}def test_a_file_over_the_limit_is_refused_with_413_and_not_stored(
    {{ cookiecutter.__api_client }}: {{ cookiecutter.__client }},
    storage: Storage,
    stored: {{ cookiecutter.__resource_class }},
) -> None:
    too_large = b"x" * (get_settings().max_attachment_bytes + 1)

    url = attachment(stored.id)
    response = {{ cookiecutter.__await }}{{ cookiecutter.__api_client }}.put(url, files=upload("big.txt", too_large, "text/plain"))

    assert response.status_code == status.HTTP_413_CONTENT_TOO_LARGE
    assert response.json() == {"detail": ATTACHMENT_TOO_LARGE}
    assert not storage.exists(attachment_key(stored.id))


{{ cookiecutter.__async }}def test_a_file_over_the_limit_is_refused_by_its_bytes_when_no_size_is_declared() -> None:
    limit = get_settings().max_attachment_bytes
    undeclared = UploadFile(
        io.BytesIO(b"x" * (limit + 1)), headers=Headers({"content-type": "text/plain"})
    )

    with pytest.raises(AttachmentTooLargeError):
        {{ cookiecutter.__await }}accepted_bytes(undeclared)


{{ cookiecutter.__async }}def test_a_content_type_not_accepted_is_refused_with_415(
    {{ cookiecutter.__api_client }}: {{ cookiecutter.__client }},
    storage: Storage,
    stored: {{ cookiecutter.__resource_class }},
) -> None:
    url = attachment(stored.id)
    files = upload("run.exe", b"MZ", "application/x-msdownload")
    response = {{ cookiecutter.__await }}{{ cookiecutter.__api_client }}.put(url, files=files)

    assert response.status_code == status.HTTP_415_UNSUPPORTED_MEDIA_TYPE
    assert response.json() == {"detail": UNSUPPORTED_CONTENT_TYPE}
    assert not storage.exists(attachment_key(stored.id))


def names_at_the_limit() -> dict[str, str]:
    """File names of exactly MAX_FILENAME_BYTES in UTF-8, of characters 1 to 4 bytes long."""
    names = {}
    for character in ("x", "é", "€", "😀"):
        width = len(character.encode())
        whole, rest = divmod(MAX_FILENAME_BYTES, width)
        names[f"{width}-byte"] = character * whole + "x" * rest
    return names


# S3's limit on an object's metadata, names and values together (its user-defined metadata).
S3_METADATA_BYTES = 2048


@pytest.mark.parametrize("name", names_at_the_limit().values(), ids=names_at_the_limit().keys())
@pytest.mark.parametrize("past", [False, True], ids=["at-the-limit", "one-byte-past"])
{{ cookiecutter.__async }}def test_a_file_name_is_kept_up_to_the_limit_and_refused_with_422_past_it(
    {{ cookiecutter.__api_client }}: {{ cookiecutter.__client }},
    storage: Storage,
    stored: {{ cookiecutter.__resource_class }},
    name: str,
    past: bool,
) -> None:
    name += "x" if past else ""
    files = upload(name, b"hi", "text/plain")

    response = {{ cookiecutter.__await }}{{ cookiecutter.__api_client }}.put(attachment(stored.id), files=files)

    if past:
        assert response.status_code == status.HTTP_422_UNPROCESSABLE_CONTENT
        assert response.json() == {"detail": FILENAME_TOO_LONG}
        assert not storage.exists(attachment_key(stored.id))
    else:
        assert response.status_code == status.HTTP_200_OK
        assert response.json()["filename"] == name
        # What real S3 would refuse (moto does not): the metadata past its limit.
        assert len(FILENAME_KEY) + len(quote(name)) <= S3_METADATA_BYTES


# Control characters (Unicode's Cc): C0, DEL and C1, as a client may put them in a name.
CONTROL_CHARACTERS = {f"U+{ord(c):04X}": c for c in ("\x00", "\x07", "\x1b", "\x7f", "\x85")}


def raw_upload(name: str) -> tuple[bytes, dict[str, str]]:
    """A multipart body of one file named `name`, written by hand: httpx percent-encodes
    control characters in a file name (as browsers do), and curl does not."""
    boundary = "attachment-boundary"
    body = (
        f"--{boundary}\r\n"
        f'Content-Disposition: form-data; name="file"; filename="{name}"\r\n'
        "Content-Type: text/plain\r\n\r\nhi\r\n"
        f"--{boundary}--\r\n"
    )
    return body.encode(), {"Content-Type": f"multipart/form-data; boundary={boundary}"}


@pytest.mark.parametrize("control", CONTROL_CHARACTERS.values(), ids=CONTROL_CHARACTERS.keys())
{{ cookiecutter.__async }}def test_a_file_name_holding_a_control_character_is_refused_with_422(
    {{ cookiecutter.__api_client }}: {{ cookiecutter.__client }},
    storage: Storage,
    stored: {{ cookiecutter.__resource_class }},
    control: str,
) -> None:
    body, headers = raw_upload(f"a{control}b.txt")

    response = {{ cookiecutter.__await }}{{ cookiecutter.__api_client }}.put(attachment(stored.id), content=body, headers=headers)

    assert response.status_code == status.HTTP_422_UNPROCESSABLE_CONTENT
    assert response.json() == {"detail": FILENAME_NOT_TEXT}
    assert not storage.exists(attachment_key(stored.id))


{{ cookiecutter.__async }}def test_a_content_type_past_its_longest_is_refused_with_415(
    {{ cookiecutter.__api_client }}: {{ cookiecutter.__client }},
    stored: {{ cookiecutter.__resource_class }},
) -> None:
    longest = "text/plain; charset=utf-8; x="
    longest += "y" * (MAX_CONTENT_TYPE_LENGTH - len(longest))
    url = attachment(stored.id)

    kept = {{ cookiecutter.__await }}{{ cookiecutter.__api_client }}.put(url, files=upload("a.txt", b"hi", longest))
    refused = {{ cookiecutter.__await }}{{ cookiecutter.__api_client }}.put(url, files=upload("a.txt", b"hi", longest + "y"))

    assert kept.status_code == status.HTTP_200_OK
    assert refused.status_code == status.HTTP_415_UNSUPPORTED_MEDIA_TYPE


@pytest.mark.parametrize("declared", ["text/plain; charset=utf-8", "Text/Plain"])
{{ cookiecutter.__async }}def test_a_content_type_is_compared_without_its_parameters_or_case(
    {{ cookiecutter.__api_client }}: {{ cookiecutter.__client }},
    stored: {{ cookiecutter.__resource_class }},
    declared: str,
) -> None:
    files = upload("notes.txt", b"hi", declared)

    response = {{ cookiecutter.__await }}{{ cookiecutter.__api_client }}.put(attachment(stored.id), files=files)

    assert response.status_code == status.HTTP_200_OK, response.text


@pytest.mark.parametrize("method", ["PUT", "GET", "DELETE"])
{{ cookiecutter.__async }}def test_an_unreachable_s3_answers_503_with_retry_after(
    app: FastAPI,
    {{ cookiecutter.__api_client }}: {{ cookiecutter.__client }},
    storage: Storage,
    stored: {{ cookiecutter.__resource_class }},
    method: str,
) -> None:
    serve(app, Storage(storage.client, "no-such-bucket"))  # S3 refuses every call
    files = upload("a.txt", b"a", "text/plain") if method == "PUT" else None

    response = {{ cookiecutter.__await }}{{ cookiecutter.__api_client }}.request(method, attachment(stored.id), files=files)

    assert response.status_code == status.HTTP_503_SERVICE_UNAVAILABLE
    assert response.json() == {"detail": STORAGE_UNAVAILABLE}
    assert "Retry-After" in response.headers


{{ cookiecutter.__async }}def test_deleting_the_attachment_removes_the_file(
    {{ cookiecutter.__api_client }}: {{ cookiecutter.__client }},
    storage: Storage,
    stored: {{ cookiecutter.__resource_class }},
) -> None:
    storage.put(attachment_key(stored.id), b"x", content_type="text/plain", filename="x.txt")

    response = {{ cookiecutter.__await }}{{ cookiecutter.__api_client }}.delete(attachment(stored.id))

    assert response.status_code == status.HTTP_204_NO_CONTENT
    assert not storage.exists(attachment_key(stored.id))


{{ cookiecutter.__async }}def test_deleting_the_{{ cookiecutter.resource_name }}_removes_its_file(
    {{ cookiecutter.__api_client }}: {{ cookiecutter.__client }},
    storage: Storage,
    stored: {{ cookiecutter.__resource_class }},
) -> None:
    storage.put(attachment_key(stored.id), b"x", content_type="text/plain", filename="x.txt")

    response = {{ cookiecutter.__await }}{{ cookiecutter.__api_client }}.delete(one(stored.id))

    assert response.status_code == status.HTTP_204_NO_CONTENT
    assert not storage.exists(attachment_key(stored.id))


{{ cookiecutter.__async }}def test_{{ cookiecutter.resource_name|with_article("_") }}_is_deleted_even_when_its_file_cannot_be(
    app: FastAPI,
    {{ cookiecutter.__api_client }}: {{ cookiecutter.__client }},
    storage: Storage,
    stored: {{ cookiecutter.__resource_class }},
    caplog: pytest.LogCaptureFixture,
) -> None:
    serve(app, Storage(storage.client, "no-such-bucket"))  # S3 refuses every call
    caplog.set_level(logging.WARNING)

    deleted = {{ cookiecutter.__await }}{{ cookiecutter.__api_client }}.delete(one(stored.id))
    serve(app, storage)
    read = {{ cookiecutter.__await }}{{ cookiecutter.__api_client }}.get(one(stored.id))

    assert deleted.status_code == status.HTTP_204_NO_CONTENT
    assert read.status_code == status.HTTP_404_NOT_FOUND
    assert "left in S3" in caplog.text
