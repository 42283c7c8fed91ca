from fastapi import APIRouter

from app.auth.dependencies import CurrentUser
from app.core.errors import documented
from app.users.models import User
from app.users.schemas import UserRead

router = APIRouter(prefix="/users", tags=["users"], responses=documented(401, 503))


@router.get("/me", response_model=UserRead)
async def read_current_user(user: CurrentUser) -> User:
    return user
