"""Files kept in an S3 bucket (AWS, or anything that speaks its API: MinIO, localstack).

One boto3 client serves the whole process: clients are thread-safe, and building one costs
tens of milliseconds. Its calls block, so async code hands them to a worker thread
(`run_in_threadpool`): moto, which the tests use to stand in for S3, supports botocore and
not aiobotocore (https://github.com/getmoto/moto/issues/8513), so an async client could not
be tested the same way.
Each object carries its content type, and its file name in the object's metadata
(percent-encoded: S3 metadata is ASCII), so that the database needs no column for them.
"""

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Annotated
from urllib.parse import quote, unquote

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError
from fastapi import Depends

from app.core.config import Settings, get_settings
from app.core.errors import BusyError

if TYPE_CHECKING:  # types-boto3 is a development dependency: its names exist for mypy only
    from types_boto3_s3 import S3Client
    from types_boto3_s3.type_defs import GetObjectOutputTypeDef

logger = logging.getLogger(__name__)

FILENAME_KEY = "filename"
STORAGE_UNAVAILABLE = "File storage unavailable"


class StorageUnavailableError(BusyError):
    """S3 could not be reached, timed out or refused the call: a 503 with Retry-After, as a
    database outage answers."""


@contextmanager
def unavailable_on_failure() -> Iterator[None]:
    """Turns botocore's errors into StorageUnavailableError, logging what failed (its type
    and traceback; botocore's messages name the bucket and key, never the credentials)."""
    try:
        yield
    except (BotoCoreError, ClientError) as error:
        logger.error("file storage error: %s", type(error).__name__, exc_info=error)
        raise StorageUnavailableError(STORAGE_UNAVAILABLE) from error


# Bytes handed on per read while a stored file is sent back.
CHUNK_BYTES = 64 * 1024


@dataclass(frozen=True)
class StoredFile:
    """A stored file as read back: its bytes come as `chunks()`, which closes the stream
    when iterated to the end (or when the response that iterates it is torn down)."""

    content_type: str
    filename: str
    size: int
    _response: "GetObjectOutputTypeDef"

    def chunks(self) -> Iterator[bytes]:
        body = self._response["Body"]
        try:
            yield from body.iter_chunks(CHUNK_BYTES)
        finally:
            body.close()


class Storage:
    """The files of one bucket, by key. Every method blocks on the network, and raises
    StorageUnavailableError when S3 fails (unreachable, too slow, refusing the call)."""

    def __init__(self, client: "S3Client", bucket: str) -> None:
        self.client = client
        self.bucket = bucket

    def put(self, key: str, data: bytes, *, content_type: str, filename: str) -> None:
        """Stores `data` under `key`, replacing whatever was there."""
        with unavailable_on_failure():
            self.client.put_object(
                Bucket=self.bucket,
                Key=key,
                Body=data,
                ContentType=content_type,
                Metadata={FILENAME_KEY: quote(filename)},
            )

    def get(self, key: str) -> StoredFile | None:
        """The file under `key`, or None if there is none."""
        with unavailable_on_failure():
            try:
                response = self.client.get_object(Bucket=self.bucket, Key=key)
            except ClientError as error:
                if error.response.get("Error", {}).get("Code") == "NoSuchKey":
                    return None
                raise
        metadata = response.get("Metadata", {})
        return StoredFile(
            content_type=response.get("ContentType", "application/octet-stream"),
            filename=unquote(metadata.get(FILENAME_KEY, "attachment")),
            size=response.get("ContentLength", 0),
            _response=response,
        )

    def exists(self, key: str) -> bool:
        """Whether a file is stored under `key`."""
        with unavailable_on_failure():
            try:
                self.client.head_object(Bucket=self.bucket, Key=key)
            except ClientError as error:
                if error.response.get("Error", {}).get("Code") in {"404", "NoSuchKey"}:
                    return False
                raise
        return True

    def delete(self, key: str) -> None:
        """Deletes the file under `key`; deleting one that is not there is no error (S3's own
        rule)."""
        with unavailable_on_failure():
            self.client.delete_object(Bucket=self.bucket, Key=key)


def create_s3_client(settings: Settings) -> "S3Client":
    """A client of S3_ENDPOINT_URL (AWS itself when unset), in S3_REGION, with credentials
    from boto3's usual chain (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, a profile, an
    instance role): https://boto3.amazonaws.com/v1/documentation/api/latest/guide/credentials.html

    Connecting and each read are bounded by S3_TIMEOUT seconds; a failed call is retried
    twice, as botocore's standard mode does.
    """
    return boto3.client(
        "s3",
        endpoint_url=settings.s3_endpoint_url,
        region_name=settings.s3_region,
        config=Config(
            connect_timeout=settings.s3_timeout,
            read_timeout=settings.s3_timeout,
            retries={"mode": "standard", "max_attempts": 3},
        ),
    )


@lru_cache
def _process_storage() -> Storage:
    settings = get_settings()
    return Storage(create_s3_client(settings), settings.s3_bucket)


async def get_storage() -> Storage:
    """The process's storage, built on first use. A coroutine: FastAPI calls it without a
    worker thread, and it does no I/O."""
    return _process_storage()


StorageDep = Annotated[Storage, Depends(get_storage)]
