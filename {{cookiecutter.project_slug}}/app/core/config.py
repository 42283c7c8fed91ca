import json
from functools import lru_cache
from typing import Annotated, Any, Literal, Self

from pydantic import BeforeValidator, Field, {% if cookiecutter.tasks == "celery" %}HttpUrl, {% endif %}ValidationError, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict
{%- if cookiecutter.auth == "yes" %}

# Good enough for a laptop, refused in production: see Settings.refuse_insecure_production.
DEFAULT_SECRET_KEY = "insecure-development-key-change-me-in-production"  # noqa: S105
SECRET_KEY_MIN_LENGTH = 32
# A key of 32+ characters drawn from fewer than this many ("aaaa...", "abab...") is a
# placeholder, not a secret; secrets.token_urlsafe(48) and token_hex(32) pass easily.
SECRET_KEY_MIN_DISTINCT = 10
{%- endif %}

# A bound in seconds: more than 0, at most a year. Drivers refuse longer ones (asyncmy's
# connect_timeout, MariaDB's max_statement_time), and a socket's read timeout fails at its
# first read past what the platform's clock type holds; "inf" is not a bound either.
MAX_SECONDS = 365 * 24 * 60 * 60
Seconds = Annotated[float, Field(gt=0, le=MAX_SECONDS)]
# The development database, named after the project (see README.md, "Database").
DATABASE_NAME = "{{ cookiecutter.__db_name }}"


def split_list(value: Any) -> Any:
    """`a,b` and `["a", "b"]` both give ["a", "b"]; spaces around items are dropped."""
    if not isinstance(value, str):
        return value
    if value.lstrip().startswith("["):
        return json.loads(value)
    return [item.strip() for item in value.split(",") if item.strip()]


# A list read by split_list, as a JSON list or as a comma-separated one (NoDecode: not
# decoded as JSON before it).
ListSetting = Annotated[list[str], NoDecode, BeforeValidator(split_list)]


class Settings(BaseSettings):
    """Everything the service reads from the environment (or a `.env` file).

    A variable set to the empty string counts as unset: its default applies. Durations
    are in seconds.
    """

    model_config = SettingsConfigDict(env_file=".env", env_ignore_empty=True, extra="ignore")

    project_name: str = {{ cookiecutter.project_name | python_string }}
    environment: Literal["development", "test", "production"] = "development"
    debug: bool = False
    database_url: str = f"{{ cookiecutter.__database_url_head }}{DATABASE_NAME}{{ cookiecutter.__database_url_tail }}"
    cors_origins: ListSetting = []
    max_request_body_bytes: int = Field(default=1024 * 1024, gt=0)
    # None: on outside production, off in it.
    docs_enabled: bool | None = None
    # Every wait on the database is bounded; past a bound the client gets a 503.
    database_connect_timeout: Seconds = 5
    database_statement_timeout: Seconds = 10
    database_pool_timeout: Seconds = 5
    # Connections a worker keeps open to a database server, and how many more it may open
    # past them (closed again once returned). 32 covers one worker's 32 sessions at once
    # (sync mode's gate; async mode's requests past it wait up to DATABASE_POOL_TIMEOUT):
    # workers x (size + overflow) must stay under the server's connection limit. SQLite
    # keeps its own pool of one.
    database_pool_size: int = Field(default=32, gt=0)
    database_max_overflow: int = Field(default=0, ge=0)
    # A pooled connection older than this is replaced when next taken: servers and
    # firewalls end connections idle for long (MySQL after wait_timeout, 8 hours).
    database_pool_recycle: Seconds = 1800
    readiness_timeout: Seconds = 2
    # No response started by then: a 503, whatever the request was waiting for.
    request_timeout: Seconds = 30
{%- if cookiecutter.cache == "redis" or cookiecutter.tasks == "celery" %}
    redis_url: str = "redis://localhost:6379/0"
    # Every wait on Redis (connecting, a command) is bounded; past it the cache counts as
    # down and reads go to the database.
    redis_timeout: Seconds = 0.5
{%- endif %}
{%- if cookiecutter.cache == "redis" %}
    # How long a cached read is served before the database is read again: also the longest
    # a change can go unseen if Redis was down when it was made.
    cache_ttl_seconds: int = Field(default=60, gt=0, le=24 * 60 * 60)
    # Put before every key, so that services sharing one Redis never read each other's.
    cache_key_prefix: str = "{{ cookiecutter.project_slug }}:"
{%- endif %}
{%- if cookiecutter.tasks == "celery" %}
    # The task queue's broker and result backend (Celery); unset, REDIS_URL.
    celery_broker_url: str | None = None
    # Where a background job POSTs each new {{ cookiecutter.resource_name }} as JSON; unset, nowhere.
    webhook_url: HttpUrl | None = None
    # Every call to another service: connecting, then each read, write or pool wait.
    outbound_connect_timeout: Seconds = 3
    outbound_timeout: Seconds = 10
{%- endif %}
{%- if cookiecutter.storage == "s3" %}
    # The bucket attachments are kept in, and the S3 API that holds it: unset, AWS itself;
    # MinIO or localstack by their URL. Credentials come from boto3's usual chain
    # (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, a profile or an instance role).
    s3_bucket: str = "{{ cookiecutter.project_slug | replace('_', '-') | replace('.', '-') }}-attachments"
    s3_endpoint_url: str | None = None
    s3_region: str = "us-east-1"
    s3_timeout: Seconds = 5
    # The largest attachment accepted, in bytes (past it, a 413), and the content types
    # accepted (any other, a 415). The request holding it must also fit
    # MAX_REQUEST_BODY_BYTES, with a few hundred bytes of multipart framing.
    max_attachment_bytes: int = Field(default=512 * 1024, gt=0)
    attachment_content_types: ListSetting = [
        "application/pdf",
        "image/jpeg",
        "image/png",
        "text/plain",
    ]
{%- endif %}
{%- if cookiecutter.auth == "yes" %}
    secret_key: str = DEFAULT_SECRET_KEY
    access_token_expire_minutes: int = Field(default=30, gt=0, le=60 * 24 * 30)
    jwt_issuer: str = "{{ cookiecutter.project_slug }}"
    jwt_audience: str = "{{ cookiecutter.project_slug }}"
    # Failed logins counted over the last LOGIN_FAILURE_WINDOW seconds: past either
    # limit, further attempts get a 429 until the oldest failure leaves the window.
    login_failure_window: int = Field(default=15 * 60, gt=0)
    login_failures_per_account: int = Field(default=10, gt=0)
    login_failures_per_client: int = Field(default=50, gt=0)
{%- endif %}

    @property
    def serves_docs(self) -> bool:
        """Whether /docs and /openapi.json are served (DOCS_ENABLED, else not in production)."""
        if self.docs_enabled is not None:
            return self.docs_enabled
        return self.environment != "production"

    @model_validator(mode="after")
    def refuse_insecure_production(self) -> Self:
        if self.environment != "production":
            return self
        if self.debug:
            raise ValueError("DEBUG must be off in production")
        if "database_url" not in self.model_fields_set:
            raise ValueError("DATABASE_URL must be set in production")
{%- if cookiecutter.auth == "yes" %}
        key = self.secret_key
        if (
            key == DEFAULT_SECRET_KEY
            or len(key) < SECRET_KEY_MIN_LENGTH
            or any(character.isspace() for character in key)
            or len(set(key)) < SECRET_KEY_MIN_DISTINCT
        ):
            raise ValueError(
                f"SECRET_KEY must be set to a random value of {SECRET_KEY_MIN_LENGTH}+ "
                "characters without spaces"
            )
{%- endif %}
        return self


class SettingsError(SystemExit):
    """Settings the service cannot start with, said in one line that names each setting
    and never its value (a rejected secret must not reach a log). A SystemExit, so
    the process ends with status 1 and that line, without a traceback."""


def describe(error: ValidationError) -> str:
    """One line naming each rejected setting and why; never the value it was given."""
    problems = []
    for item in error.errors(include_input=False, include_url=False):
        reason = item["msg"].removeprefix("Value error, ")
        name = "_".join(str(part) for part in item["loc"]).upper()
        problems.append(f"{name}: {reason}" if name else reason)
    return "invalid settings: " + "; ".join(problems)


class _Environment(BaseSettings):
    # Read on its own, to say a start-up error in production's format when the rest of
    # the settings cannot be read.
    model_config = SettingsConfigDict(env_file=".env", env_ignore_empty=True, extra="ignore")

    environment: str = "development"


def settings_error(error: ValidationError) -> SettingsError:
    """The exit for settings that do not validate: a JSON line in production, else text."""
    message = describe(error)
    if _Environment().environment == "production":
        message = json.dumps({"level": "CRITICAL", "logger": __name__, "message": message})
    return SettingsError(message)


@lru_cache
def get_settings() -> Settings:
    """The service's settings, read once; raises SettingsError if they do not validate."""
    try:
        return Settings()
    except ValidationError as error:
        raise settings_error(error) from None
