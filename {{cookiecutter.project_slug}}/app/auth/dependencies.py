import uuid
from typing import Annotated

from fastapi import Depends, HTTPException, status
from fastapi.security import OAuth2PasswordBearer

from app.core.config import get_settings
from app.core.db import SessionDep
from app.core.security import decode_access_token
from app.users.models import User
from app.users.service import get_user

NOT_AUTHENTICATED = "Could not validate credentials"

oauth2_scheme = OAuth2PasswordBearer(tokenUrl="/api/v1/auth/login", auto_error=False)


def unauthorized(detail: str = NOT_AUTHENTICATED) -> HTTPException:
    return HTTPException(
        status_code=status.HTTP_401_UNAUTHORIZED,
        detail=detail,
        headers={"WWW-Authenticate": "Bearer"},
    )


async def get_token_user_id(token: Annotated[str | None, Depends(oauth2_scheme)]) -> uuid.UUID:
    """The id of the user the bearer token was issued to: its signature, issuer, audience
    and expiry checked, the database not asked. Raises HTTPException (401) without a valid
    token.

    Whether that account still exists and is active is get_current_user's check, or that of
    a query that checks it itself (a resource read by id). Tests that act as a user without
    a token override this dependency (tests/accounts.py, signed_in_client), so that every
    route sees it and the account is still checked as in production.
    """
    user_id = decode_access_token(token, get_settings()) if token else None
    if user_id is None:
        raise unauthorized()
    return user_id


TokenUserId = Annotated[uuid.UUID, Depends(get_token_user_id)]


{{ cookiecutter.__async }}def get_current_user(session: SessionDep, user_id: TokenUserId) -> User:
    """The signed-in account, loaded by the token's user id. Raises HTTPException (401) when
    it is gone or inactive.

    A read by id makes the same check joined into its own query, without this dependency
    (Owner.visible_while_active in app/{{ cookiecutter.resource_plural }}/owner.py): a condition added here
    belongs there too.
    """
    user = {{ cookiecutter.__await }}get_user(session, user_id)
    if user is None or not user.is_active:
        raise unauthorized()
    return user


CurrentUser = Annotated[User, Depends(get_current_user)]
