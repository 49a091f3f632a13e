"""The one message catalogue and the code agree: every id the code asks for exists, every id is used.

The scan reads ``bot/*.py`` and ``dialogs/*.py`` with ``ast``. A message lookup is a call of
something that holds a ``Messages``: a name or attribute called ``msg``/``messages``, any name or
attribute assigned from an expression that makes one (``Messages(...)`` or a function of ours
annotated ``-> Messages``), any parameter annotated ``Messages``; the call of such a maker itself
(``Messages()("id")``, ``messages_for(update)("id")``); and ``<any of those>.has(...)``.

The first argument of a lookup must be a literal id, an f-string (its constant parts must match
catalogue ids) or a conditional of those; anything else fails the test, so no id escapes the check.
"""

from __future__ import annotations

import ast
import re
import string
from dataclasses import dataclass
from pathlib import Path

import pytest

import bot
import dialogs
from dialogs.messages import catalogue, catalogue_ids

BOT_DIR = Path(bot.__file__).resolve().parent
DIALOGS_DIR = Path(dialogs.__file__).resolve().parent
# Every module of the dialogue and the fronts, subpackages too (bot/documents renders the card and PDF).
SOURCES = sorted(
    p for p in [*BOT_DIR.rglob("*.py"), *DIALOGS_DIR.rglob("*.py")] if "migrations" not in p.parts
)
EN: dict[str, str] = catalogue("en")
HOLDER_NAMES = {"msg", "messages"}  # what the code calls a Messages instance by convention
ID_METHODS = {"has"}  # Messages methods whose first argument is a message id
OVERRIDE_PREFIX = "item."  # a locale's words for the standard's items, looked up by ``Messages.item``
FRONT_ID = re.compile(r"^(?:bot|terminal|web)\.[a-z0-9_]+(?:\.[a-z0-9_]+)*$")
ROOT = BOT_DIR.parent
# The web page's Jinja templates look words up as ``t("web.some.id", name=...)`` with literal ids.
TEMPLATES = sorted((BOT_DIR / "web" / "templates").rglob("*.html"))
TEMPLATE_LOOKUP = re.compile(
    r"""\bt\(\s*["']([^"']*)["']\s*((?:,\s*[a-z_]+\s*=[^,)]*(?:\([^)]*\))?)*)\s*\)"""
)


@dataclass(frozen=True)
class Use:
    where: str
    arg: ast.expr
    keywords: frozenset[str]
    spread: bool  # ``**values``: the keywords are not known statically


def _name(node: ast.expr) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return None


def _mentions_messages(annotation: ast.expr | None) -> bool:
    return annotation is not None and re.search(r"\bMessages\b", ast.unparse(annotation)) is not None


def _makers() -> set[str]:
    """``Messages`` and every function of ours annotated to return one (e.g. ``messages_for``)."""
    names = {"Messages"}
    for path in SOURCES:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and _mentions_messages(node.returns):
                names.add(node.name)
    return names


MAKERS = _makers()


def _makes_messages(node: ast.expr) -> bool:
    return isinstance(node, ast.Call) and _name(node.func) in MAKERS


def _holders(tree: ast.AST) -> set[str]:
    """Names (or attribute names) that hold a Messages instance somewhere in the module: assigned
    from an expression that makes one (``x = a or Messages()`` too), or annotated as one."""
    names = set(HOLDER_NAMES)
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign | ast.AnnAssign):
            value = node.value
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            annotated = isinstance(node, ast.AnnAssign) and _mentions_messages(node.annotation)
            made = value is not None and any(
                _makes_messages(n) for n in ast.walk(value) if isinstance(n, ast.expr)
            )
            if annotated or made:
                names.update(n for t in targets if (n := _name(t)))
        elif isinstance(node, ast.arg) and _mentions_messages(node.annotation):
            names.add(node.arg)
    return names


def _alternatives(arg: ast.expr) -> list[ast.expr]:
    """``msg("yes" if v else "no")`` names two ids."""
    if isinstance(arg, ast.IfExp):
        return _alternatives(arg.body) + _alternatives(arg.orelse)
    return [arg]


def _uses() -> list[Use]:
    uses = []
    for path in SOURCES:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        holders = _holders(tree)
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            func = node.func
            lookup = (
                _makes_messages(func)  # Messages()("id"), messages_for(update)("id")
                or _name(func) in holders
                or (
                    isinstance(func, ast.Attribute)
                    and func.attr in ID_METHODS
                    and (_name(func.value) in holders or _makes_messages(func.value))
                )
            )
            if not lookup:
                continue
            keywords = frozenset(k.arg for k in node.keywords if k.arg is not None)
            spread = any(k.arg is None for k in node.keywords)
            where = f"{path.relative_to(ROOT).as_posix()}:{node.lineno}"
            uses.extend(Use(where, a, keywords, spread) for a in _alternatives(node.args[0]))
    return uses


USES = _uses()


@dataclass(frozen=True)
class TemplateUse:
    where: str
    msg_id: str
    keywords: frozenset[str]


def _template_uses() -> list[TemplateUse]:
    uses = []
    for path in TEMPLATES:
        text = path.read_text(encoding="utf-8")
        for match in TEMPLATE_LOOKUP.finditer(text):
            line = text.count("\n", 0, match.start()) + 1
            keywords = frozenset(re.findall(r"([a-z_]+)\s*=", match.group(2) or ""))
            uses.append(TemplateUse(f"{path.relative_to(ROOT).as_posix()}:{line}", match.group(1), keywords))
    return uses


TEMPLATE_USES = _template_uses()


def test_the_scan_sees_the_web_templates() -> None:
    assert TEMPLATES and len(TEMPLATE_USES) > 40
    every_call = sum(len(re.findall(r"\bt\(", p.read_text(encoding="utf-8"))) for p in TEMPLATES)
    assert every_call == len(TEMPLATE_USES), "a t(...) call in a template is not a literal id the scan reads"


def test_template_ids_exist_with_exactly_their_placeholders() -> None:
    wrong = [
        (u.where, u.msg_id, sorted(u.keywords))
        for u in TEMPLATE_USES
        if not u.msg_id.startswith("web.") or u.msg_id not in EN or _placeholders(EN[u.msg_id]) != u.keywords
    ]
    assert wrong == []


def _pattern(arg: ast.JoinedStr) -> re.Pattern[str]:
    return re.compile(
        "".join(re.escape(p.value) if isinstance(p, ast.Constant) else r"[^.]+" for p in arg.values)
    )


def _placeholders(template: str) -> set[str]:
    return {name.split(".")[0].split("[")[0] for _, name, _, _ in string.Formatter().parse(template) if name}


def test_the_scan_sees_the_dialogue_and_both_fronts() -> None:
    files = {u.where.split(":")[0] for u in USES}
    assert {"bot/telegram_bot.py", "bot/telegram_view.py", "bot/terminal.py"} <= files
    assert {"dialogs/interview.py", "dialogs/questions.py", "dialogs/result.py"} <= files
    literal = [u for u in USES if isinstance(u.arg, ast.Constant)]
    assert sum(1 for u in literal if str(u.arg.value).startswith("bot.")) > 30  # type: ignore[attr-defined]
    assert sum(1 for u in literal if str(u.arg.value).startswith("terminal.")) >= 5  # type: ignore[attr-defined]


def test_every_message_id_argument_is_a_literal_or_an_f_string() -> None:
    odd = [(u.where, ast.unparse(u.arg)) for u in USES if not isinstance(u.arg, ast.Constant | ast.JoinedStr)]
    assert odd == [], "message ids must be literals (or f-strings) so this test can check them"


def test_every_literal_message_id_exists() -> None:
    missing = [
        (u.where, u.arg.value) for u in USES if isinstance(u.arg, ast.Constant) and u.arg.value not in EN
    ]
    assert missing == []


def test_every_f_string_message_id_matches_catalogue_ids() -> None:
    empty = [
        (u.where, ast.unparse(u.arg))
        for u in USES
        if isinstance(u.arg, ast.JoinedStr) and not any(_pattern(u.arg).fullmatch(i) for i in EN)
    ]
    assert empty == []


def test_literal_lookups_pass_exactly_the_placeholders_of_their_template() -> None:
    """A placeholder nobody fills would reach people as "{field_name}"; a value nobody shows is a slip."""
    wrong = []
    for u in USES:
        if u.spread:
            continue
        if isinstance(u.arg, ast.Constant) and u.arg.value in EN:
            ids = [u.arg.value]
        elif isinstance(u.arg, ast.JoinedStr):
            ids = [i for i in EN if _pattern(u.arg).fullmatch(i)]
        else:
            continue
        for msg_id in ids:
            needed = _placeholders(EN[msg_id])
            # An f-string names several ids: each may use only some of the values given.
            ok = needed == u.keywords if isinstance(u.arg, ast.Constant) else needed <= u.keywords
            if not ok:
                wrong.append((u.where, msg_id, sorted(needed), sorted(u.keywords)))
    assert wrong == []


def test_front_ids_written_anywhere_in_the_code_exist() -> None:
    """Ids kept in tables (not passed to a lookup directly) are still checked."""
    missing = []
    for path in SOURCES:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            text = node.value if isinstance(node, ast.Constant) else None
            if isinstance(text, str) and FRONT_ID.match(text) and text not in EN:
                missing.append((path.name, node.lineno, text))
    assert missing == []


def test_no_catalogue_id_is_unused() -> None:
    literal = {u.arg.value for u in USES if isinstance(u.arg, ast.Constant)}
    patterns = [_pattern(u.arg) for u in USES if isinstance(u.arg, ast.JoinedStr)]
    used = (
        literal | {u.msg_id for u in TEMPLATE_USES} | {i for i in EN if any(p.fullmatch(i) for p in patterns)}
    )
    unused = sorted(i for i in EN if not i.startswith(OVERRIDE_PREFIX) and i not in used)
    assert unused == []


def test_each_front_uses_its_own_prefix() -> None:
    """``bot.`` ids for Telegram, ``terminal.`` ids for the terminal, neither in the dialogue."""
    assert catalogue_ids() == frozenset(EN)
    wrong = []
    for u in USES:
        value = ast.unparse(u.arg).strip("'\"f")
        owner = {"bot.": "bot/telegram", "terminal.": "bot/terminal.", "web.": "bot/web/"}
        for prefix, where in owner.items():
            if value.startswith(prefix) and not u.where.startswith(where):
                wrong.append((u.where, value))
    assert wrong == []


@pytest.mark.parametrize("msg_id", sorted(i for i in EN if i.startswith(("bot.", "terminal.", "web."))))
def test_front_texts_are_well_formed(msg_id: str) -> None:
    text = EN[msg_id]
    assert text.strip() == text and text, f"{msg_id}: empty, or blanks around it (layout stays in code)"
    _placeholders(text)  # raises ValueError on a malformed template
