"""S3 for the tests: moto's `mock_aws`, in this process, with nothing to start.

moto answers boto3's calls as S3 would (https://docs.getmoto.org/en/latest/docs/getting_started.html),
from memory, and never reaches the network: CI needs no S3 service. One mock and one bucket
serve the whole run, made once: no test empties it, since every key holds the id of the
row it belongs to (no two tests meet), and what a run stored goes when the run ends.
"""

import uuid
from collections.abc import Iterator

import boto3
import pytest
from fastapi import FastAPI
from moto import mock_aws
from types_boto3_s3 import S3Client

from app.core.config import get_settings
from app.core.storage import Storage, get_storage


@pytest.fixture(scope="session")
def s3_client() -> Iterator[S3Client]:
    """A boto3 client of moto's S3, for the whole run. While it lives, every boto3 client
    (the service's too) talks to moto, with fake credentials moto sets itself."""
    with mock_aws():
        yield boto3.client("s3", region_name=get_settings().s3_region)


@pytest.fixture(scope="session")
def bucket(s3_client: S3Client) -> str:
    """The run's bucket in moto's S3: `test-<32 hex digits>`."""
    name = f"test-{uuid.uuid4().hex}"
    s3_client.create_bucket(Bucket=name)
    return name


@pytest.fixture
def storage(
    app: FastAPI,
    s3_client: S3Client,
    bucket: str,
    no_override_outlives_its_test: None,  # set up first, so it checks after this ends
) -> Iterator[Storage]:
    """The storage requests get (the get_storage dependency), on the run's bucket."""
    test_storage = Storage(s3_client, bucket)
    serve(app, test_storage)
    yield test_storage
    del app.dependency_overrides[get_storage]


def serve(app: FastAPI, storage: Storage) -> None:
    """Makes `storage` the one every request gets, until the override is removed."""

    async def the_storage() -> Storage:  # a coroutine: FastAPI calls it without a worker thread
        return storage

    app.dependency_overrides[get_storage] = the_storage


@pytest.fixture(autouse=True)
def every_request_has_storage(storage: Storage) -> None:
    """No request of any test reaches the service's own bucket (S3_BUCKET)."""
