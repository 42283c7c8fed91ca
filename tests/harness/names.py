"""Which names the baked code uses, so the hook refuses exactly those as answers."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable
from pathlib import Path

from harness.baked import read_text

# Answers: which resource names the baked code leaves free. A project is baked with a sample
# resource whose every spelling is unmistakable; each identifier holding one of them was made
# from the answer, every other one is the template's own.
SAMPLE_RESOURCE = {"resource_name": "zebra_crossing", "resource_plural": "zebra_crossings"}


def spellings(snake: str) -> tuple[str, str, str]:
    """How the template writes a snake_case answer: as is, as a class, as a constant."""
    return snake, "".join(word.capitalize() for word in snake.split("_")), snake.upper()


def module_names(tree: ast.AST) -> frozenset[str]:
    """Every name a module binds or reads: a parameter or local made from an answer, in any
    scope of that module, could shadow or duplicate it."""
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            names.add(node.id)
        elif isinstance(node, ast.arg):
            names.add(node.arg)
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.alias):
            names.add((node.asname or node.name).partition(".")[0])
    return frozenset(names)


def project_names(root: Path) -> dict[str, frozenset[str]]:
    """Each module of a baked project, by dotted name, with the names it uses."""
    return {
        ".".join(path.relative_to(root).with_suffix("").parts): module_names(
            ast.parse(read_text(path))
        )
        for path in sorted(root.rglob("*.py"))
    }


_SPELLING_PATTERNS = (
    r"([a-z][a-z0-9]*(?:_[a-z0-9]+)*)",
    r"([A-Z][a-z0-9]*(?:[A-Z][a-z0-9]*)*)",
    r"([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*)",
)


def _as_snake(captured: str, form: int) -> str:
    if form == 1:
        return re.sub(r"(?<!^)(?=[A-Z])", "_", captured).lower()
    return captured.lower()


def _collisions(made: Iterable[str], own: set[str], sample: str) -> set[str]:
    """The answers in place of `sample` for which a name in `made` equals one in `own`."""
    found: set[str] = set()
    for word in made:
        for form, spelling in enumerate(spellings(sample)):
            if word.count(spelling) != 1:
                continue
            head, tail = word.split(spelling)
            pattern = re.compile(re.escape(head) + _SPELLING_PATTERNS[form] + re.escape(tail))
            for target in own:
                match = pattern.fullmatch(target)
                if match:
                    found.add(_as_snake(match.group(1), form))
    return found


def colliding_answers(root: Path, sample: str, longer: str | None = None) -> set[str]:
    """Every answer in place of `sample` that would make a name the baked code already uses.

    In each module that mentions the answer, every name made from it (`get_zebra_crossing`,
    `ZebraCrossingRead`, the bare `zebra_crossing`) becomes a pattern (`get_(...)`); a name of
    the template's own in that module that the pattern matches (`get_session`) names a
    colliding answer (`session`). Modules collide the same way by their dotted names
    (`app.zebra_crossings` with `app.core`). `longer` is an answer that contains `sample`
    (the plural holds the singular): names made from it are left to its own check.
    """

    def made_here(word: str) -> bool:
        mentions = any(s in word for s in spellings(sample))
        return mentions and not (longer and any(s in word for s in spellings(longer)))

    def from_elsewhere(word: str) -> bool:
        return any(s in word for s in spellings(sample) + (spellings(longer) if longer else ()))

    found: set[str] = set()
    modules = project_names(root)
    for names in modules.values():
        made = {name for name in names if made_here(name)}
        if made:
            own = {name for name in names if not from_elsewhere(name)}
            found |= _collisions(made, own, sample)
    module_paths = {part for name in modules for part in _prefixes(name)}
    made_paths = {path for path in module_paths if made_here(path)}
    own_paths = {path for path in module_paths if not from_elsewhere(path)}
    found |= _collisions(made_paths, own_paths, sample)
    return found


def _prefixes(dotted: str) -> list[str]:
    parts = dotted.split(".")
    return [".".join(parts[: index + 1]) for index in range(len(parts))]


# Words people name a first resource after: ordinary English nouns, with the endings the
# default plural treats apart (y after a consonant, s, x, z, ch, sh) and a few words the
# generated code also uses.
_NOUNS = """
account address invoice order item product category company city country box tax batch
church dish wish bus status process class match data person child mouse sheep series
news key day toy story entry policy reply delivery inventory quiz customer_complaint
order_line purchase_order shipping_address line_item user owner session response request
query field page token message event comment review note task project team member tag
label file photo video song album book author library course lesson student teacher
ticket booking room hotel flight car vehicle device sensor reading metric report
document contract payment refund subscription plan coupon cart wishlist warehouse
shipment parcel route stop recipe ingredient menu
"""
COMMON_NOUNS = tuple(_NOUNS.split())
