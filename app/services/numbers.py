"""Whole numbers sent in addresses and forms (ids, versions, page numbers), read safely: ASCII digits only, and no
more of them than the database's integer columns hold, so hostile input ("²", a sign, 5,000 digits) is ignored
rather than an error."""

LARGEST_ID = 2**31 - 1  # the largest PostgreSQL's integer (the ids' and versions' columns) holds; SQLite holds more
ID_DIGITS = len(str(LARGEST_ID)) - 1  # 9: every number of this many digits fits an integer column


def whole_number(text: str | None, *, digits: int = ID_DIGITS) -> int | None:
    """The whole number `text` is, or None if it is anything else or longer than `digits`."""
    text = text or ""
    return int(text) if text.isascii() and text.isdigit() and len(text) <= digits else None
