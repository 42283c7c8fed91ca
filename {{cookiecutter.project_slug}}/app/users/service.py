import unicodedata
import uuid

{% if cookiecutter.mode == "async" -%}
from fastapi.concurrency import run_in_threadpool
{% endif -%}
from pydantic import validate_email
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
{{ cookiecutter.__session_import }}

from app.core.db import roll_back_innermost
from app.core.errors import ConflictError
from app.core.schemas import is_storable
from app.core.security import hash_password, verify_password
from app.users.models import User
from app.users.schemas import UserCreate

EMAIL_ALREADY_EXISTS = "A user with this email already exists"


{{ cookiecutter.__async }}def get_user(session: {{ cookiecutter.__session }}, user_id: uuid.UUID) -> User | None:
    # As stored, even if the session holds it already: an account deactivated since counts.
    return {{ cookiecutter.__await }}session.get(User, user_id, populate_existing=True)


def normalize_email(email: str) -> str:
    """The form registration stores an address in, and login looks it up by: compatibility
    characters folded (NFKC: fullwidth letters are plain ones), then EmailStr's form (display
    name and spaces dropped, domain decoded), lowercased; as given if it is no address."""
    folded = unicodedata.normalize("NFKC", email)
    try:
        _, normalized = validate_email(folded)
    except ValueError:  # pydantic's PydanticCustomError
        normalized = folded.strip()
    return unicodedata.normalize("NFKC", normalized).lower()


{{ cookiecutter.__async }}def get_user_by_email(session: {{ cookiecutter.__session }}, email: str) -> User | None:
    if not is_storable(email):  # a login form's username arrives unvalidated
        return None
    statement = select(User).where(User.email == normalize_email(email))
    return {{ cookiecutter.__await }}session.scalar(statement)


{{ cookiecutter.__async }}def register_user(session: {{ cookiecutter.__session }}, data: UserCreate) -> User:
{%- if cookiecutter.mode == "async" %}
    # Argon2 takes tens of milliseconds of CPU: in a worker thread, the event loop goes on
    # serving other requests meanwhile.
    hashed_password = await run_in_threadpool(hash_password, data.password)
{%- else %}
    hashed_password = hash_password(data.password)  # before the session connects
{%- endif %}
    user = User(
        email=normalize_email(data.email), hashed_password=hashed_password, full_name=data.full_name
    )
    session.add(user)
    try:
        {{ cookiecutter.__await }}session.flush()
    except IntegrityError as exc:
        {{ cookiecutter.__await }}roll_back_innermost(session)
        raise ConflictError(EMAIL_ALREADY_EXISTS) from exc
    return user


{{ cookiecutter.__async }}def authenticate(session: {{ cookiecutter.__session }}, email: str, password: str) -> User | None:
    """The active user these credentials belong to; the same Argon2 work either way."""
    user = {{ cookiecutter.__await }}get_user_by_email(session, email)
    # End the read before the slow hash check: its connection goes back to the pool, and the
    # locks its transaction holds are released, rather than waiting out Argon2.
    # The user stays loaded: sessions don't expire on commit.
    {{ cookiecutter.__await }}session.commit()
    hashed = user.hashed_password if user else None
{%- if cookiecutter.mode == "async" %}
    if not await run_in_threadpool(verify_password, password, hashed):
{%- else %}
    if not verify_password(password, hashed):
{%- endif %}
        return None
    return user if user and user.is_active else None
