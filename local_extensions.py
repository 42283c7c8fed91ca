"""What the template computes from the answers at bake time, and how it writes free text.

cookiecutter loads this module through `_extensions` in cookiecutter.json (it puts the
template's root on the import path while it bakes). Two things live here:

- The derived names the templates read as `cookiecutter.__<name>` (`__resource_class`,
  `__await`, `__driver`, ...). They are computed from the public answers every time a
  template is rendered, whatever a stored context says: a replay file or a `.cruft.json`
  written by an earlier version of the template may hold values that version derived
  (another database driver, say), and those must not reach the project.
- Filters that write an answer as a literal of the language of the file it goes into:
  `python_string`, `toml_string`, `markdown_text`; and `plural`, the default of
  `resource_plural`.

Keep it importable by every Python that can run cookiecutter (3.7 and later), so that an
old interpreter gets to the pre-generation hook's one-line refusal instead of a traceback.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, ClassVar

from jinja2 import Environment
from jinja2.bccache import Bucket, BytecodeCache
from jinja2.ext import Extension

DRIVERS = {
    "sqlite": {"sync": "sqlite", "async": "sqlite+aiosqlite"},
    "postgresql": {"sync": "postgresql+psycopg", "async": "postgresql+asyncpg"},
    "mysql": {"sync": "mysql+pymysql", "async": "mysql+asyncmy"},
}
# The generated code's line length (its ruff setting).
LINE_LENGTH = 100
# Where the service and its tests look for a server when nothing else is configured.
SERVER_URLS = {
    "postgresql": "://postgres:postgres@localhost:5432/",
    "mysql": "://root:root@localhost:3306/",
}


# Plurals no rule gives, by the last word of a noun.
_IRREGULAR_PLURALS = {
    "child": "children", "person": "people", "man": "men", "woman": "women",
    "mouse": "mice", "goose": "geese", "foot": "feet", "tooth": "teeth", "ox": "oxen",
    "criterion": "criteria", "phenomenon": "phenomena", "datum": "data",
    "leaf": "leaves", "loaf": "loaves", "knife": "knives", "life": "lives", "wife": "wives",
    "half": "halves", "shelf": "shelves", "wolf": "wolves", "thief": "thieves",
    "calf": "calves", "hero": "heroes", "potato": "potatoes", "tomato": "tomatoes",
    "echo": "echoes", "veto": "vetoes",
}  # fmt: skip


def plural(noun: str) -> str:
    """The usual English plural of the last word of a snake_case noun: `category` ->
    `categories`, `box` -> `boxes`, `analysis` -> `analyses`, `quiz` -> `quizzes`,
    `order_line` -> `order_lines`, and the irregular ones of _IRREGULAR_PLURALS (`child`
    -> `children`). Only a default: the prompt lets people correct the rest."""
    head, _, last = noun.rpartition("_")
    prefix = head + "_" if head else ""
    if last in _IRREGULAR_PLURALS:
        return prefix + _IRREGULAR_PLURALS[last]
    if re.search(r"[^aeiou_]y$", noun):
        return noun[:-1] + "ies"
    if re.search(r"[^aeiou]is$", last):  # analysis, basis, crisis
        return noun[:-2] + "es"
    if re.search(r"(^|[^aeiou]|qu)[aeiou]z$", last):  # quiz, fez: the z doubles
        return noun + "zes"
    if re.search(r"(s|x|z|ch|sh)$", noun):
        return noun + "es"
    return noun + "s"


# Words whose first letter misleads: a vowel read as "you" or "won", an h not read.
_AN_DESPITE = ("hour", "honest", "honor", "honour", "heir", "herb")
_A_DESPITE = ("one", "once", "eu", "ewe")


# The names ruff's S105 (hardcoded password) takes for a secret's: a word of the name, any
# case, that is a password, pass phrase, pwd, token or secret (ruff's own pattern).
_SECRET_LIKE = re.compile(r"(^|_)(pas+wo?r?d|pass(phrase)?|pwd|token|secrete?)($|_)", re.I)


def s105_noqa(name: str) -> str:
    """The comment that tells ruff's S105 a string assigned to a constant named after `name`
    (`TOKEN_NOT_FOUND = "Token not found"`) is a message, not a secret; "" for a name S105
    does not suspect, as an unneeded `noqa` is an error of its own (RUF100)."""
    return "  # noqa: S105" if _SECRET_LIKE.search(name) else ""


def with_article(noun: str, separator: str = " ") -> str:
    """`noun` after "a" or "an", as it is read: `item` -> `an item`, `tag` -> `a tag`,
    `user` -> `a user`, `update` -> `an update`, `hour` -> `an hour`. `separator` joins
    them: "_" for a name in code (`test_an_item_...`)."""
    word = noun.lower()
    if word.startswith(_AN_DESPITE):
        article = "an"
    elif word.startswith(_A_DESPITE) or re.match(r"u[^aeiou_][aeiou]", word):
        article = "a"  # "you" as in unit, user, usage; "won" as in one-off
    else:
        article = "an" if word[:1] in ("a", "e", "i", "o", "u") else "a"
    return f"{article}{separator}{noun}"


def class_name(snake: str) -> str:
    """`customer_complaint` -> `CustomerComplaint` (str.title would also capitalise a
    letter after a digit: `v2x` -> `V2X`)."""
    return "".join(word[:1].upper() + word[1:] for word in snake.split("_"))


def title_case(snake: str) -> str:
    """`order_line` -> `Order Line`, the way FastAPI writes an operation's summary and
    pydantic a field's title (str.title: `v2x` -> `V2X`)."""
    return snake.replace("_", " ").title()


def syrupy_json(text: str) -> str:
    """JSON text written as syrupy's JSONSnapshotExtension writes a snapshot: keys sorted,
    two-space indent, characters as themselves, one final newline."""
    return json.dumps(json.loads(text), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def _mode(sync: str, async_: str) -> Callable[[Mapping[str, str]], str]:
    return lambda answers: async_ if answers["mode"] == "async" else sync


def _db_name(answers: Mapping[str, str]) -> str:
    return re.sub(r"[-.]", "_", answers["project_slug"].lower())


def _database_url_around_name(answers: Mapping[str, str]) -> tuple[str, str]:
    """The default DATABASE_URL before and after the database's name."""
    driver = DRIVERS[answers["database"]][answers["mode"]]
    if answers["database"] == "sqlite":
        return f"{driver}:///./", ".db"
    return f"{driver}{SERVER_URLS[answers['database']]}", ""


def _database_url(answers: Mapping[str, str]) -> str:
    head, tail = _database_url_around_name(answers)
    return f"{head}{_db_name(answers)}{tail}"


# The fixtures of each optional service, as a pytest plugin of the generated tests.
TEST_PLUGINS = {
    "cache": "tests.cache.fixtures",
    "tasks": "tests.tasks.fixtures",
    "storage": "tests.storage.fixtures",
}


def _test_plugins(answers: Mapping[str, str]) -> str:
    # Whose rows the tests work with: the accounts' (tests/accounts.py), else everyone's.
    owners = "tests.accounts" if answers["auth"] == "yes" else "tests.everyone"
    plugins = ["tests.contract_selection", owners]
    plugins += [plugin for key, plugin in TEST_PLUGINS.items() if answers[key] != "none"]
    one_line = ", ".join(f'"{plugin}"' for plugin in plugins)
    if len(f"pytest_plugins = [{one_line}]") <= LINE_LENGTH:
        return one_line
    # One a line, with the trailing comma that keeps ruff format from joining them again.
    return "".join(f'\n    "{plugin}",' for plugin in plugins) + "\n"


# name -> (the answers it is made from, how). Read in templates as `cookiecutter.__<name>`.
DERIVED: dict[str, tuple[tuple[str, ...], Callable[[Mapping[str, str]], str]]] = {
    "__resource_class": (("resource_name",), lambda a: class_name(a["resource_name"])),
    "__resource_title": (
        ("resource_name",),
        lambda a: a["resource_name"].replace("_", " ").capitalize(),
    ),
    "__resource_upper": (("resource_name",), lambda a: a["resource_name"].upper()),
    "__id_path": (("resource_name",), lambda a: "{" + a["resource_name"] + "_id}"),
    "__async": (("mode",), _mode("", "async ")),
    "__await": (("mode",), _mode("", "await ")),
    "__session": (("mode",), _mode("Session", "AsyncSession")),
    "__session_import": (
        ("mode",),
        _mode(
            "from sqlalchemy.orm import Session",
            "from sqlalchemy.ext.asyncio import AsyncSession",
        ),
    ),
    "__client": (("mode",), _mode("Client", "AsyncClient")),
    "__client_import": (
        ("mode",),
        _mode("from httpx2 import Client", "from httpx2 import AsyncClient"),
    ),
    "__iterator": (("mode",), _mode("Iterator", "AsyncIterator")),
    "__engine": (("mode",), _mode("Engine", "AsyncEngine")),
    "__api_client": (
        ("auth",),
        lambda a: "authorized_client" if a["auth"] == "yes" else "client",
    ),
    "__db_name": (("project_slug",), _db_name),
    # Whether the service talks to Redis: as its cache, as its task queue's broker, or both.
    "__redis": (
        ("cache", "tasks"),
        lambda a: "yes" if a["cache"] == "redis" or a["tasks"] == "celery" else "no",
    ),
    # The items of conftest's `pytest_plugins` list: those every bake has (the owner
    # fixtures by the auth answer), then those of the services an answer adds.
    "__test_plugins": (("auth", *TEST_PLUGINS), _test_plugins),
    "__driver": (("database", "mode"), lambda a: DRIVERS[a["database"]][a["mode"]]),
    "__default_database_url": (
        ("database", "mode", "project_slug"),
        _database_url,
    ),
    # The same URL around the database's name, which app/core/config.py writes as a constant.
    "__database_url_head": (
        ("database", "mode"),
        lambda a: _database_url_around_name(a)[0],
    ),
    "__database_url_tail": (
        ("database", "mode"),
        lambda a: _database_url_around_name(a)[1],
    ),
}


def with_derived(answers: Mapping[str, Any]) -> dict[str, Any]:
    """The answers with every derived name computed afresh from them (a name whose answers
    are not known yet, while cookiecutter is still asking, is left out)."""
    result = dict(answers)
    for name, (needs, derive) in DERIVED.items():
        if all(isinstance(answers.get(key), str) for key in needs):
            result[name] = derive(answers)
    return result


# Characters a one-line answer may not hold: controls, surrogates, line and paragraph
# separators. The pre-generation hook refuses them; the filters still escape what they can.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def toml_string(text: str) -> str:
    """A TOML basic string: only `"`, `\\` and control characters are escaped; any other
    character (emoji included) is written as itself, which TOML allows."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    return '"' + _CONTROL.sub(_toml_control, escaped) + '"'


def _toml_control(match: re.Match[str]) -> str:
    return f"\\u{ord(match.group(0)):04X}"


def python_string(text: str) -> str:
    """A Python string literal as `ruff format` writes it: double quotes unless the text
    holds more double quotes than single ones, a backslash only where the quote or another
    backslash needs one. Characters outside printable ASCII are written as escapes
    (lowercase hex, as ruff writes them): ruff reports letters that look like ASCII ones
    (RUF001: Cyrillic and Greek letters, typographic quotes, fullwidth forms), and which
    ones it reports depends on the words around them."""
    quote = "'" if text.count('"') > text.count("'") else '"'
    escaped = text.replace("\\", "\\\\").replace(quote, "\\" + quote)
    return quote + _NOT_PRINTABLE_ASCII.sub(_python_escape, escaped) + quote


_NOT_PRINTABLE_ASCII = re.compile(r"[^\x20-\x7e]")


def _python_escape(match: re.Match[str]) -> str:
    code = ord(match.group(0))
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


# CommonMark gives these a meaning anywhere in a line (emphasis, code, links, HTML,
# entities, tables and strikethrough in GitHub's dialect, a heading's closing #).
_MARKDOWN_INLINE = re.compile(r"[\\`*_\[\]<>&|~#]")
# And these at the start of a line: lists, block quotes, headings, thematic breaks.
_MARKDOWN_LINE_START = re.compile(r"^([-+=>]|\d+(?=[.)]))")


def markdown_text(text: str) -> str:
    """Text that Markdown renders as itself: backslashes before the punctuation CommonMark
    would read as markup, and nothing else (an apostrophe stays an apostrophe)."""
    escaped = _MARKDOWN_INLINE.sub(lambda m: "\\" + m.group(0), text)
    leading = _MARKDOWN_LINE_START.match(escaped)
    if leading and leading.group(1).isdigit():
        # "1. x" is a list item; "1\. x" is text.
        end = leading.end()
        return escaped[:end] + "\\" + escaped[end:]
    if leading:
        return "\\" + escaped
    return escaped


class CompiledTemplates(BytecodeCache):
    """Templates compiled once per process instead of once per bake.

    cookiecutter makes a new Jinja environment for every bake, so each bake compiled all
    of the template's files again: nearly all of its time. This cache lives in memory as
    long as the process (nothing is written to disk): one bake from the command line is
    unchanged, and a process that bakes many times (pytest-cookies, the meta-tests) compiles
    each file once. A bucket is found by the file's name and the environment's syntax
    settings, and Jinja throws its code away when the source's checksum differs.
    """

    def __init__(self) -> None:
        self._code: dict[str, bytes] = {}

    def get_bucket(
        self, environment: Environment, name: str, filename: str | None, source: str
    ) -> Bucket:
        settings = (
            environment.block_start_string,
            environment.block_end_string,
            environment.variable_start_string,
            environment.variable_end_string,
            environment.comment_start_string,
            environment.comment_end_string,
            environment.line_statement_prefix,
            environment.line_comment_prefix,
            environment.trim_blocks,
            environment.lstrip_blocks,
            environment.newline_sequence,
            environment.keep_trailing_newline,
            environment.optimized,
            environment.autoescape,
            tuple(sorted(environment.extensions)),
        )
        key = f"{self.get_cache_key(name, filename)}:{settings!r}"
        bucket = Bucket(environment, key, self.get_source_checksum(source))
        self.load_bytecode(bucket)
        return bucket

    def load_bytecode(self, bucket: Bucket) -> None:
        code = self._code.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: Bucket) -> None:
        self._code[bucket.key] = bucket.bytecode_to_string()


COMPILED_TEMPLATES = CompiledTemplates()
# What each answer removes (see its description): the post-generation hook is rendered with
# it, and the meta-tests read the same file.
MANIFEST_PATH = Path(__file__).with_name("manifest.json")


def load_manifest() -> dict[str, Any]:
    manifest: dict[str, Any] = json.loads(MANIFEST_PATH.read_text(encoding="utf-8"))
    return manifest


class AnswersExtension(Extension):
    """Registers the filters and makes every template see the derived names."""

    # What every render sees in place of the answers it is given (a subclass may add names).
    derive: ClassVar[Callable[[Mapping[str, Any]], dict[str, Any]]] = staticmethod(with_derived)

    def __init__(self, environment: Environment) -> None:
        super().__init__(environment)
        environment.filters.update(
            plural=plural,
            with_article=with_article,
            s105_noqa=s105_noqa,
            python_string=python_string,
            toml_string=toml_string,
            markdown_text=markdown_text,
            title_case=title_case,
            syrupy_json=syrupy_json,
        )
        # tojson writes characters as themselves: the JSON escape of an emoji is a pair of
        # surrogates, which Python reads as two lone surrogates and TOML refuses outright.
        environment.policies["json.dumps_kwargs"] = {
            **environment.policies["json.dumps_kwargs"],
            "ensure_ascii": False,
        }
        environment.bytecode_cache = COMPILED_TEMPLATES
        environment.globals["manifest"] = load_manifest()
        base = environment.template_class
        derive = type(self).derive

        class DerivedNamesTemplate(base):  # type: ignore[misc,valid-type]
            """Every render (files, paths, hooks) sees names derived from the answers given
            to it, never ones stored beside them."""

            def new_context(
                self,
                vars: dict[str, Any] | None = None,
                shared: bool = False,
                locals: Mapping[str, Any] | None = None,
            ) -> Any:
                answers = (vars or {}).get("cookiecutter")
                if isinstance(answers, Mapping):
                    vars = {**(vars or {}), "cookiecutter": derive(answers)}
                return super().new_context(vars, shared, locals)

        environment.template_class = DerivedNamesTemplate
