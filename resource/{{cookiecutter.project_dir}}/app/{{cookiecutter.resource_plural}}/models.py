{% if cookiecutter.__scope_id %}import uuid

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship
{% else %}from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column
{% endif %}
{% filter import_order %}
from app.core.models import Base, IdMixin, exact_string
{% if cookiecutter.parent_name %}from app.{{ cookiecutter.parent_plural }}.models import {{ cookiecutter.__parent_class }}{% elif cookiecutter.__scope_id %}from app.users.models import User{% endif %}
{% endfilter %}

NAME_MAX_LENGTH = 100
DESCRIPTION_MAX_LENGTH = 1000


class {{ cookiecutter.__resource_class }}(IdMixin, Base):
    __tablename__ = "{{ cookiecutter.resource_plural }}"
{%- if cookiecutter.__scope_id %}
    # Names are unique per {{ cookiecutter.parent_name or "owner" }}: two of them may both have one called "groceries".
    __table_args__ = (UniqueConstraint("{{ cookiecutter.__scope_id }}", "name"),)

    name: Mapped[str] = mapped_column(exact_string(NAME_MAX_LENGTH))
    description: Mapped[str | None] = mapped_column(String(DESCRIPTION_MAX_LENGTH))
    {{ cookiecutter.__scope_id }}: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("{{ cookiecutter.parent_plural or "users" }}.id", ondelete="CASCADE"),
        index=True,
    )
    # No collection on the other side: loading one would be an implicit query per access.
    {{ cookiecutter.parent_name or "owner" }}: Mapped[{{ cookiecutter.__parent_class or "User" }}] = relationship()
{%- else %}

    name: Mapped[str] = mapped_column(exact_string(NAME_MAX_LENGTH), unique=True)
    description: Mapped[str | None] = mapped_column(String(DESCRIPTION_MAX_LENGTH))
{%- endif %}
