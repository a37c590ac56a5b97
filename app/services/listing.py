"""Long lists one page at a time: a search, a sort and a page, in two queries whatever the list's length.

A page asks for a `ListQuery` (read from the address by `app.web.list_query`), and a service answers with
`paged(statement, query, sorts=…, searched=…)`: the count of everything matching and the one page of it.
The templates show it with `templates/_macros/lists.html` (search box, sortable column headings, pagination).
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace

from sqlalchemy import func, or_, select
from sqlalchemy.sql import ColumnElement, Select

from app.extensions import db

PAGE_SIZE = 50
SEARCH_LIMIT = 200  # characters of a search kept


@dataclass(frozen=True)
class ListQuery:
    sort: str
    descending: bool = False
    page: int = 1
    search: str = ""
    size: int = PAGE_SIZE

    def sorted_by(self, key: str) -> "ListQuery":
        """The query for a column heading's link: that column ascending, or the other way if it is the sort now."""
        return replace(self, sort=key, descending=not self.descending if key == self.sort else False, page=1)


@dataclass
class ListPage:
    items: list
    total: int
    query: ListQuery

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.query.size))

    @property
    def first_shown(self) -> int:
        return min(self.total, (self.query.page - 1) * self.query.size + 1)

    @property
    def last_shown(self) -> int:
        return min(self.total, self.query.page * self.query.size)


def paged(statement: Select, query: ListQuery, *, sorts: dict[str, Sequence[ColumnElement]],
          searched: Sequence[ColumnElement] = ()) -> ListPage:
    """One page of `statement`, searched (any of `searched` contains the words, case-insensitive) and sorted by
    `sorts[query.sort]` (each sort's columns should end with a unique one, so pages never overlap)."""
    if query.search and searched:
        pattern = "%" + query.search.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        statement = statement.where(or_(*(column.ilike(pattern, escape="\\") for column in searched)))
    total = db.session.scalar(select(func.count()).select_from(statement.order_by(None).subquery()))
    query = replace(query, page=min(query.page, max(1, math.ceil(total / query.size))))
    columns = sorts[query.sort]
    ordered = statement.order_by(*(column.desc() if query.descending else column.asc() for column in columns))
    result = db.session.execute(ordered.limit(query.size).offset((query.page - 1) * query.size))
    items = result.scalars().all() if len(statement.column_descriptions) == 1 else result.all()
    return ListPage(items, total, query)
