{% if cookiecutter.auth == "yes" -%}
import uuid

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.models import Base, IdMixin, exact_string
from app.users.models import User
{%- else -%}
from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from app.core.models import Base, IdMixin, exact_string
{%- endif %}

NAME_MAX_LENGTH = 100
DESCRIPTION_MAX_LENGTH = 1000


class {{ cookiecutter.__resource_class }}(IdMixin, Base):
    __tablename__ = "{{ cookiecutter.resource_plural }}"
{%- if cookiecutter.auth == "yes" %}
    # Names are unique per owner: two users may both have one called "groceries".
    __table_args__ = (UniqueConstraint("owner_id", "name"),)

    name: Mapped[str] = mapped_column(exact_string(NAME_MAX_LENGTH))
    description: Mapped[str | None] = mapped_column(String(DESCRIPTION_MAX_LENGTH))
    owner_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    # No collection on User: loading one would be an implicit query per access.
    owner: Mapped[User] = relationship()
{%- else %}

    name: Mapped[str] = mapped_column(exact_string(NAME_MAX_LENGTH), unique=True)
    description: Mapped[str | None] = mapped_column(String(DESCRIPTION_MAX_LENGTH))
{%- endif %}
