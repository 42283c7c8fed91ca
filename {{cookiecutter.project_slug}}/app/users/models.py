from sqlalchemy import Boolean, String
from sqlalchemy.orm import Mapped, mapped_column

from app.core.models import Base, IdMixin, exact_string

EMAIL_MAX_LENGTH = 320
FULL_NAME_MAX_LENGTH = 100


class User(IdMixin, Base):
    __tablename__ = "users"

    email: Mapped[str] = mapped_column(exact_string(EMAIL_MAX_LENGTH), unique=True)
    hashed_password: Mapped[str] = mapped_column(String(255))
    full_name: Mapped[str | None] = mapped_column(String(FULL_NAME_MAX_LENGTH))
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
