"""Whole numbers sent in addresses and forms (ids, versions, page numbers), read safely: ASCII digits only, and no
more of them than a 64-bit database column holds, so hostile input ("²", a sign, 5,000 digits) is ignored rather
than an error."""

LARGEST_ID = 2**63 - 1  # the largest a 64-bit signed integer column holds (SQLite's INTEGER, PostgreSQL's bigint)
ID_DIGITS = len(str(LARGEST_ID)) - 1  # 18: every number of this many digits fits a 64-bit integer column


def whole_number(text: str | None, *, digits: int = ID_DIGITS) -> int | None:
    """The whole number `text` is, or None if it is anything else or longer than `digits`."""
    text = text or ""
    return int(text) if text.isascii() and text.isdigit() and len(text) <= digits else None
