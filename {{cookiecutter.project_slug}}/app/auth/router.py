from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response, status
from fastapi.security import OAuth2PasswordRequestForm

from app.auth import throttle
from app.auth.dependencies import unauthorized
from app.core.config import get_settings
from app.core.db import SessionDep
from app.core.errors import documented
from app.core.security import create_access_token
from app.users import service
from app.users.models import User
from app.users.schemas import Token, UserCreate, UserRead

INCORRECT_CREDENTIALS = "Incorrect email or password"

router = APIRouter(prefix="/auth", tags=["auth"], responses=documented(400, 503))


@router.post(
    "/register",
    response_model=UserRead,
    status_code=status.HTTP_201_CREATED,
    responses=documented(409),
)
{{ cookiecutter.__async }}def register(session: SessionDep, data: UserCreate) -> User:
    return {{ cookiecutter.__await }}service.register_user(session, data)


@router.post("/login", response_model=Token, responses=documented(401, 429))
{{ cookiecutter.__async }}def login(
    request: Request,
    session: SessionDep,
    form: Annotated[OAuth2PasswordRequestForm, Depends()],
    response: Response,
) -> Token:
    attempt = throttle.Attempt.of(request, service.normalize_email(form.username))
    settings = get_settings()
    {{ cookiecutter.__await }}throttle.admit(session, attempt, settings)
    user = {{ cookiecutter.__await }}service.authenticate(session, form.username, form.password)
    if user is None:
        raise unauthorized(INCORRECT_CREDENTIALS)  # the attempt stays counted
    {{ cookiecutter.__await }}throttle.forget_failures(session, attempt)
    # A token is a credential: no cache, shared or private, may keep it (RFC 6749, 5.1).
    response.headers["Cache-Control"] = "no-store"
    response.headers["Pragma"] = "no-cache"
    return Token(access_token=create_access_token(user.id, settings))
