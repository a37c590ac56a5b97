"""The code's layout rules, read from the source: blueprints stay thin and leave the database to the services, and
services commit through the one transaction rule."""

import ast
import re
from pathlib import Path

import pytest

APP = Path(__file__).resolve().parents[2] / "app"
BLUEPRINTS = sorted(path.parent.name for path in APP.glob("*/__init__.py") if "bp = Blueprint(" in path.read_text())
BLUEPRINT_MODULES = sorted(path for name in BLUEPRINTS for path in (APP / name).rglob("*.py"))
WEB_MODULES = [*BLUEPRINT_MODULES, APP / "web.py", APP / "forms.py", APP / "errors.py"]  # what pages are made of
SERVICE_MODULES = sorted((APP / "services").rglob("*.py"))
LONGEST_ROUTE = 20  # lines, from `def` to the function's last line
DATABASE_WORK = re.compile(r"\bselect\(|\bscalars?\(|\.commit\(\)|\.rollback\(\)"
                           r"|db\.session\.(execute|scalars?|query|add|add_all|delete|flush)\b")
COMMIT = re.compile(r"\.commit\(\)")
# Delivery commits as it goes, on purpose: a claim is committed before the mail server is contacted, so two senders
# never send one notice twice (see the module's note). Every other service commits through @transaction.
# The outbox commits each claim; facts.py commits a new day's facts in a transaction of their own.
COMMITS_AS_IT_GOES = {"services/transaction.py", "services/reminders/outbox.py", "services/plans/facts.py"}


def _name(path: Path) -> str:
    return str(path.relative_to(APP))


def _lines_matching(path: Path, pattern: re.Pattern) -> list[str]:
    return [f"{number}: {line.strip()}" for number, line in enumerate(path.read_text().splitlines(), 1)
            if pattern.search(line)]


def test_every_feature_blueprint_is_checked():
    assert {"admin", "audits", "auth", "main", "meetings", "notifications", "plans", "reports"} <= set(BLUEPRINTS)


@pytest.mark.parametrize("path", WEB_MODULES, ids=_name)
def test_the_web_layer_leaves_queries_and_transactions_to_the_services(path):
    assert _lines_matching(path, DATABASE_WORK) == []


@pytest.mark.parametrize("path", [path for path in SERVICE_MODULES if _name(path) not in COMMITS_AS_IT_GOES], ids=_name)
def test_services_commit_only_through_the_transaction_rule(path):
    assert _lines_matching(path, COMMIT) == []


def _routes(path: Path):
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.FunctionDef) and any(_is_route(decorator) for decorator in node.decorator_list):
            yield node


def _is_route(decorator) -> bool:
    call = decorator.func if isinstance(decorator, ast.Call) else decorator
    return isinstance(call, ast.Attribute) and call.attr in {"route", "get", "post"}


@pytest.mark.parametrize("path", BLUEPRINT_MODULES, ids=_name)
def test_route_functions_are_short(path):
    too_long = {route.name: route.end_lineno - route.lineno + 1 for route in _routes(path)
                if route.end_lineno - route.lineno + 1 > LONGEST_ROUTE}
    assert too_long == {}
