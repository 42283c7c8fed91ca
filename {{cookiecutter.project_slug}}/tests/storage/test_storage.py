"""The storage module on its own, against moto's S3."""

import asyncio
import uuid
from collections.abc import Iterator

import pytest
from botocore.exceptions import ClientError
from types_boto3_s3 import S3Client

from app.core import storage as storage_module
from app.core.config import Settings, get_settings
from app.core.storage import Storage, StorageUnavailableError, create_s3_client, get_storage


@pytest.fixture
def key() -> str:
    """A key no other test uses, as the service's keys are: `{{ cookiecutter.resource_plural }}/<uuid>`."""
    return f"{{ cookiecutter.resource_plural }}/{uuid.uuid4()}"


def test_a_stored_file_reads_back_with_its_bytes_type_and_name(storage: Storage, key: str) -> None:
    storage.put(key, b"%PDF-1.7", content_type="application/pdf", filename="Relevé été.pdf")

    found = storage.get(key)

    assert found is not None
    assert b"".join(found.chunks()) == b"%PDF-1.7"
    assert found.content_type == "application/pdf"
    assert found.filename == "Relevé été.pdf"
    assert found.size == len(b"%PDF-1.7")


def test_storing_under_a_key_again_replaces_the_file(storage: Storage, key: str) -> None:
    storage.put(key, b"first", content_type="text/plain", filename="a.txt")
    storage.put(key, b"second", content_type="text/plain", filename="b.txt")

    found = storage.get(key)

    assert found is not None
    assert (b"".join(found.chunks()), found.filename) == (b"second", "b.txt")


def test_a_missing_key_reads_as_none_and_does_not_exist(storage: Storage, key: str) -> None:
    assert storage.get(key) is None
    assert not storage.exists(key)


def test_deleting_removes_the_file_and_again_is_no_error(storage: Storage, key: str) -> None:
    storage.put(key, b"x", content_type="text/plain", filename="x.txt")
    assert storage.exists(key)

    storage.delete(key)
    storage.delete(key)

    assert not storage.exists(key)


def test_a_missing_bucket_is_an_error_not_a_missing_file(s3_client: S3Client, key: str) -> None:
    nowhere = Storage(s3_client, "no-such-bucket")

    with pytest.raises(StorageUnavailableError) as raised:
        nowhere.get(key)
    assert isinstance(raised.value.__cause__, ClientError)
    with pytest.raises(StorageUnavailableError):
        nowhere.exists(key)


def test_the_client_uses_the_endpoint_and_region_of_the_settings() -> None:
    settings = Settings(s3_endpoint_url="http://localhost:9000", s3_region="eu-west-3")

    client = create_s3_client(settings)

    assert client.meta.endpoint_url == "http://localhost:9000"
    assert client.meta.region_name == "eu-west-3"


def test_accepted_content_types_read_as_a_comma_separated_list() -> None:
    settings = Settings(attachment_content_types="image/png, text/csv")

    assert settings.attachment_content_types == ["image/png", "text/csv"]


@pytest.fixture
def fresh_process_storage() -> Iterator[None]:
    storage_module._process_storage.cache_clear()
    yield
    storage_module._process_storage.cache_clear()


@pytest.mark.usefixtures("fresh_process_storage", "s3_client")
def test_the_process_builds_one_storage_on_the_bucket_of_its_settings() -> None:
    first = asyncio.run(get_storage())
    second = asyncio.run(get_storage())

    assert first is second
    assert first.bucket == get_settings().s3_bucket
