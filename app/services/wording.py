"""How counts and codes read, written once for every page, notice, report and command.

`plural` says a count with its noun ("1 audit", "2 audits", "1 milestone needs"); `code_order` is the sort key
that puts codes and numbers in the order people count them (R1, R2, R6c, R10; 1.2, 1.10), used wherever codes
are listed.
"""

import re
from collections.abc import Callable, Iterable
from typing import TypeVar

from app.services.numbers import whole_number

T = TypeVar("T")
_PARTS = re.compile(r"(\d+)")


def plural(count: int, noun: str, many: str | None = None) -> str:
    """"1 reminder", "2 reminders", "27,485 updates" (a comma in numbers over 999, as GOV.UK writes them); `many` for
    a noun that does not just take an s ("1 person", "2 people")."""
    return f"{count:,} {noun if count == 1 else many or noun + 's'}"


def agrees(count: int, one: str, many: str) -> str:
    """The verb that agrees with a count: agrees(1, "needs", "need") is "needs"."""
    return one if count == 1 else many


def code_order(code: str | None) -> tuple:
    """A sort key reading the numbers in a code as numbers: R1, R2, R6c, R10 and 1.2, 1.10 (not R1, R10, R2)."""
    parts = _PARTS.split((code or "").strip().lower())
    return tuple((0, number, "") if (number := whole_number(part)) is not None else (1, 0, part)
                 for part in parts if part)


def in_code_order(items: Iterable[T], key: Callable[[T], str | None] = lambda item: item) -> list[T]:
    """The items in code order, by the code `key` reads from each (the item itself by default)."""
    return sorted(items, key=lambda item: code_order(key(item)))
