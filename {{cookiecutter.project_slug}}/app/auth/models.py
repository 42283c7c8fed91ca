import uuid
from datetime import datetime

from sqlalchemy import Index, String
from sqlalchemy.orm import Mapped, mapped_column

from app.core.models import Base, UTCDateTime

# A SHA-256 digest in hex: the account a login named, never the address itself.
ACCOUNT_KEY_LENGTH = 64
# An IPv6 address in full is 45 characters; longer client names are cut to this.
CLIENT_MAX_LENGTH = 64


class LoginFailure(Base):
    """One failed login, counted by app.auth.throttle per account and per client.

    `failed_at` is the database's clock, not the process's: every worker and replica
    counts the same window, whatever their own clocks say.
    """

    __tablename__ = "login_failures"
    __table_args__ = (
        Index("ix_login_failures_account_failed_at", "account", "failed_at"),
        Index("ix_login_failures_client_failed_at", "client", "failed_at"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    account: Mapped[str] = mapped_column(String(ACCOUNT_KEY_LENGTH))
    client: Mapped[str] = mapped_column(String(CLIENT_MAX_LENGTH))
    failed_at: Mapped[datetime] = mapped_column(UTCDateTime)
