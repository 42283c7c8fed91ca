"""The template's filters write any text as a literal its file's language reads back as the
same text, in the form the project's own tools accept; the default plural."""

from __future__ import annotations

import ast
import re
import shutil
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path

import harness
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from test_hooks import load_hook

sys.path.insert(0, str(harness.REPO_ROOT))
import local_extensions

sys.path.remove(str(harness.REPO_ROOT))
pre = load_hook("pre_gen_project")

ANY_TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=60)
ONE_LINE = st.text(
    st.characters(exclude_categories=("Cc", "Cs", "Zl", "Zp")), min_size=1, max_size=60
).filter(lambda text: text == text.strip())
TRICKY = [
    'Jane "JD" O\'Neil \\ Co',
    "Rocket 🚀",
    "P\u0430ypal \u2018q\u2019 \u2013 \uff46 \u00b4",
    "שלום עולם",
    "a\x00\x7fb\u2028c",
]
DERANDOMIZED = settings(derandomize=True, max_examples=300, database=None)


def with_tricky(test):  # type: ignore[no-untyped-def]
    for text in TRICKY:
        test = example(text)(test)
    return test


@DERANDOMIZED
@given(ANY_TEXT)
@with_tricky
def test_a_python_string_reads_back_as_the_text(text: str) -> None:
    assert ast.literal_eval(local_extensions.python_string(text)) == text


@DERANDOMIZED
@given(ANY_TEXT)
@with_tricky
def test_a_toml_string_reads_back_as_the_text(text: str) -> None:
    assert tomllib.loads(f"x = {local_extensions.toml_string(text)}\n")["x"] == text


MARKDOWN = MarkdownIt("commonmark").enable(["table", "strikethrough"])


def shown(markdown: str) -> tuple[list[str], str]:
    tokens = MARKDOWN.parse(markdown)
    inline = [token for token in tokens if token.type == "inline"]
    assert len(inline) == 1, [token.type for token in tokens]
    children = inline[0].children or []
    return [token.type for token in tokens], "".join(child.content for child in children)


@DERANDOMIZED
@given(ONE_LINE)
@with_tricky
def test_markdown_text_renders_as_the_text_in_a_heading_and_a_paragraph(text: str) -> None:
    if text != text.strip() or any(c in text for c in "\x00\n\r\u2028\u2029"):
        return  # one line without surrounding space: the hook refuses the rest
    escaped = local_extensions.markdown_text(text)

    heading = shown(f"# {escaped}\n")
    paragraph = shown(f"{escaped}\n")

    assert heading == (["heading_open", "inline", "heading_close"], text)
    assert paragraph == (["paragraph_open", "inline", "paragraph_close"], text)


@DERANDOMIZED
@given(ANY_TEXT)
@with_tricky
def test_the_hook_measures_a_python_string_as_the_filter_writes_it(text: str) -> None:
    assert pre.python_literal_columns(text) == len(local_extensions.python_string(text))


@settings(derandomize=True, max_examples=4, database=None, deadline=None)
@given(st.lists(ANY_TEXT, min_size=100, max_size=100))
def test_python_strings_are_as_ruff_formats_and_checks_them(texts: list[str]) -> None:
    """One file holds a literal for each text; ruff must change and report nothing."""
    lines = [
        f"X{index} = {local_extensions.python_string(text)}"
        for index, text in enumerate([*TRICKY, *texts])
    ]
    directory = Path(tempfile.mkdtemp())
    module = directory / "literals.py"
    module.write_text("\n".join(lines) + "\n", encoding="utf-8")
    config = directory / "ruff.toml"
    config.write_text('line-length = 65535\n[lint]\nselect = ["E", "W", "F", "RUF"]\n')

    for args in (["format", "--diff"], ["check", "--output-format", "concise"]):
        done = subprocess.run(
            [sys.executable, "-m", "ruff", *args, "--config", str(config), str(module)],
            capture_output=True,
            text=True,
            check=False,
        )
        assert done.returncode == 0, done.stdout + done.stderr
    shutil.rmtree(directory)


@pytest.mark.parametrize(
    ("noun", "plural"),
    [
        ("item", "items"),
        ("category", "categories"),
        ("day", "days"),
        ("key", "keys"),
        ("box", "boxes"),
        ("status", "statuses"),
        ("quiz", "quizzes"),
        ("waltz", "waltzes"),
        ("analysis", "analyses"),
        ("data_analysis", "data_analyses"),
        ("child", "children"),
        ("order_person", "order_people"),
        ("criterion", "criteria"),
        ("shelf", "shelves"),
        ("roof", "roofs"),
        ("hero", "heroes"),
        ("photo", "photos"),
        ("axis", "axes"),
        ("church", "churches"),
        ("dish", "dishes"),
        ("customer_complaint", "customer_complaints"),
        ("delivery_company", "delivery_companies"),
    ],
)
def test_the_default_plural(noun: str, plural: str) -> None:
    assert local_extensions.plural(noun) == plural


@pytest.mark.parametrize(
    ("noun", "with_article"),
    [
        ("item", "an item"),
        ("entry", "an entry"),
        ("order_line", "an order_line"),
        ("tag", "a tag"),
        ("user_group", "a user_group"),
        ("unit", "a unit"),
        ("usage_report", "a usage_report"),
        ("update", "an update"),
        ("upload", "an upload"),
        ("umbrella", "an umbrella"),
        ("hour", "an hour"),
        ("house", "a house"),
        ("one_off", "a one_off"),
        ("euro_price", "a euro_price"),
    ],
)
def test_a_noun_gets_the_article_it_is_read_with(noun: str, with_article: str) -> None:
    assert local_extensions.with_article(noun) == with_article
    assert local_extensions.with_article(noun, "_") == with_article.replace(" ", "_")


@pytest.mark.parametrize(
    ("snake", "pascal"), [("item", "Item"), ("order_line", "OrderLine"), ("v2x_part", "V2xPart")]
)
def test_class_names(snake: str, pascal: str) -> None:
    assert local_extensions.class_name(snake) == pascal


def test_every_derived_name_the_template_reads_is_computed_at_bake_time() -> None:
    """A value kept in cookiecutter.json is stored in replay files and `.cruft.json`, and an
    earlier version's value would come back from them; `DERIVED` recomputes each one."""
    read = {
        name
        for path in (harness.REPO_ROOT / "{{cookiecutter.project_slug}}").rglob("*")
        if path.is_file()
        for name in re.findall(r"cookiecutter\.(__\w+)", harness.read_text(path))
    }
    stored = {key for key in harness.SPEC if key.startswith("__") and key != "__prompts__"}

    assert not stored, f"move to DERIVED in local_extensions.py: {sorted(stored)}"
    assert sorted(read - local_extensions.DERIVED.keys()) == []
    assert sorted(local_extensions.DERIVED.keys() - read) == []
