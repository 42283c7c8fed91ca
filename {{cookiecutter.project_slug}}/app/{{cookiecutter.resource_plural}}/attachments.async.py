"""One file attached to each {{ cookiecutter.resource_name }}, kept in S3 under `{{ cookiecutter.resource_plural }}/<id>`.

Upload (`PUT`, multipart, replaces), download (`GET`, streamed with its content type and
file name) and delete. The row is looked up first, as its other routes do, so one that is
missing, or not the caller's to see, is a 404 before S3 is asked anything. Deleting the
{{ cookiecutter.resource_name }} deletes its file too, once the database has committed.
"""

import logging
import unicodedata
import uuid
from collections.abc import AsyncIterator
from urllib.parse import quote

from fastapi import APIRouter, UploadFile, status
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response, StreamingResponse
from pydantic import BaseModel

from app.core.config import get_settings
from app.core.errors import AppError, NotFoundError, documented
from app.core.storage import StorageDep, StorageUnavailableError

from app.{{ cookiecutter.resource_plural }}.dependencies import {{ cookiecutter.__resource_class }}Dep

logger = logging.getLogger(__name__)

ATTACHMENT_NOT_FOUND = "Attachment not found"
ATTACHMENT_TOO_LARGE = "Attachment too large"
UNSUPPORTED_CONTENT_TYPE = "Attachment content type not accepted"
# The longest file name kept, in UTF-8 bytes (as most file systems count), and the longest
# content type: S3 refuses an object whose metadata passes 2 KB, and the name is kept there
# percent-encoded (app.core.storage), up to three characters a byte.
MAX_FILENAME_BYTES = 255
MAX_CONTENT_TYPE_LENGTH = 255
FILENAME_TOO_LONG = f"Attachment file name longer than {MAX_FILENAME_BYTES} bytes"
FILENAME_NOT_TEXT = "Attachment file name holds a control character"


class AttachmentTooLargeError(AppError):
    status_code = status.HTTP_413_CONTENT_TOO_LARGE


class UnsupportedContentTypeError(AppError):
    status_code = status.HTTP_415_UNSUPPORTED_MEDIA_TYPE


class FilenameTooLongError(AppError):
    status_code = status.HTTP_422_UNPROCESSABLE_CONTENT


class FilenameNotTextError(AppError):
    status_code = status.HTTP_422_UNPROCESSABLE_CONTENT


class AttachmentRead(BaseModel):
    filename: str
    content_type: str
    size: int  # bytes


# Included by the {{ cookiecutter.resource_plural }} router, whose prefix, tags and documented errors apply.
router = APIRouter()


def attachment_key({{ cookiecutter.resource_name }}_id: uuid.UUID) -> str:
    """The object key of the {{ cookiecutter.resource_name }}'s file: `{{ cookiecutter.resource_plural }}/<id>`."""
    return f"{{ cookiecutter.resource_plural }}/{{ cookiecutter.__id_path }}"


def media_type(content_type: str | None) -> str:
    """`text/plain; charset=utf-8` -> `text/plain`: the type without its parameters, in lower
    case, as RFC 9110 (8.3.1) compares media types."""
    return (content_type or "").partition(";")[0].strip().lower()


async def accepted_bytes(upload: UploadFile) -> bytes:
    """The uploaded file's bytes, read no further than MAX_ATTACHMENT_BYTES + 1.

    Raises UnsupportedContentTypeError (415) for a content type outside
    ATTACHMENT_CONTENT_TYPES or longer than MAX_CONTENT_TYPE_LENGTH, FilenameTooLongError
    (422) for a file name past MAX_FILENAME_BYTES, FilenameNotTextError (422) for one holding
    a control character (NUL, ESC, ...: every text field refuses them too),
    AttachmentTooLargeError (413) for a file over the limit, whether its declared size or
    the bytes read say so.
    """
    settings = get_settings()
    declared = upload.content_type or ""
    accepted = map(media_type, settings.attachment_content_types)
    if len(declared) > MAX_CONTENT_TYPE_LENGTH or media_type(declared) not in accepted:
        raise UnsupportedContentTypeError(UNSUPPORTED_CONTENT_TYPE)
    filename = upload.filename or ""
    if len(filename.encode()) > MAX_FILENAME_BYTES:
        raise FilenameTooLongError(FILENAME_TOO_LONG)
    if any(unicodedata.category(c) == "Cc" for c in filename):
        raise FilenameNotTextError(FILENAME_NOT_TEXT)
    limit = settings.max_attachment_bytes
    if upload.size is not None and upload.size > limit:
        raise AttachmentTooLargeError(ATTACHMENT_TOO_LARGE)
    data = await upload.read(limit + 1)
    if len(data) > limit:
        raise AttachmentTooLargeError(ATTACHMENT_TOO_LARGE)
    return data


def content_disposition(filename: str) -> str:
    """An `attachment` disposition whose file name survives any character (RFC 6266's
    `filename*`, UTF-8 and percent-encoded)."""
    return f"attachment; filename*=UTF-8''{quote(filename)}"


@router.put(
    "/{{ cookiecutter.__id_path }}/attachment",
    response_model=AttachmentRead,
    responses=documented(400, 404, 415),  # and 413 (documented)
)
async def upload_{{ cookiecutter.resource_name }}_attachment(
    {{ cookiecutter.resource_name }}: {{ cookiecutter.__resource_class }}Dep,
    storage: StorageDep,
    file: UploadFile,
) -> AttachmentRead:
    data = await accepted_bytes(file)
    stored = AttachmentRead(
        filename=file.filename or "attachment",
        content_type=file.content_type or "application/octet-stream",
        size=len(data),
    )
    await run_in_threadpool(
        storage.put,
        attachment_key({{ cookiecutter.resource_name }}.id),
        data,
        content_type=stored.content_type,
        filename=stored.filename,
    )
    return stored


@router.get(
    "/{{ cookiecutter.__id_path }}/attachment",
    response_class=StreamingResponse,
    responses={
        **documented(404),
        status.HTTP_200_OK: {
            "content": {"application/octet-stream": {}},
            "description": "The file, in its stored content type",
        },
    },
)
async def read_{{ cookiecutter.resource_name }}_attachment(
    {{ cookiecutter.resource_name }}: {{ cookiecutter.__resource_class }}Dep,
    storage: StorageDep,
) -> StreamingResponse:
    found = await run_in_threadpool(storage.get, attachment_key({{ cookiecutter.resource_name }}.id))
    if found is None:
        raise NotFoundError(ATTACHMENT_NOT_FOUND)
    # A plain iterator: Starlette reads each chunk in a worker thread.
    return StreamingResponse(
        found.chunks(),
        media_type=found.content_type,
        headers={
            "Content-Disposition": content_disposition(found.filename),
            "Content-Length": str(found.size),
        },
    )


@router.delete(
    "/{{ cookiecutter.__id_path }}/attachment",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
    responses=documented(404),
)
async def delete_{{ cookiecutter.resource_name }}_attachment(
    {{ cookiecutter.resource_name }}: {{ cookiecutter.__resource_class }}Dep,
    storage: StorageDep,
) -> None:
    key = attachment_key({{ cookiecutter.resource_name }}.id)
    if not await run_in_threadpool(storage.exists, key):
        raise NotFoundError(ATTACHMENT_NOT_FOUND)
    await run_in_threadpool(storage.delete, key)


async def delete_attachment_once_committed(
    {{ cookiecutter.resource_name }}_id: uuid.UUID,
    storage: StorageDep,
) -> AsyncIterator[None]:
    """Deletes the {{ cookiecutter.resource_name }}'s file once the delete of its row has committed.

    Listed first in the route's `dependencies`, it is set up before the request's session
    and ends after it, FastAPI ending dependencies in reverse order
    (https://fastapi.tiangolo.com/tutorial/dependencies/dependencies-with-yield/). A delete
    that fails deletes no file. The row is gone by then, so an S3 failure cannot undo it:
    it is logged, and the file is left behind rather than the answer turned into an error.
    """
    yield
    key = attachment_key({{ cookiecutter.resource_name }}_id)
    try:
        await run_in_threadpool(storage.delete, key)
    except StorageUnavailableError as error:
        logger.warning("left in S3 after its row was deleted: %s (%s)", key, type(error).__name__)
