from fastapi import APIRouter

from app.auth.dependencies import CurrentUser
from app.users.models import User
from app.users.schemas import UserRead

router = APIRouter(prefix="/users", tags=["users"])


@router.get("/me", response_model=UserRead)
{{ cookiecutter.__async }}def read_current_user(user: CurrentUser) -> User:
    return user
