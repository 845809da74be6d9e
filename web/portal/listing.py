"""Every list in the portal pages, sorts and counts the same way: ``paged`` and ``Listing``.

A view builds its filtered query and names the columns one may sort by;
``paged`` reads ``?sorteer=``, ``?richting=`` and ``?pagina=`` from the request,
counts the rows (one query), reads one page of them (one query) and returns a
``Listing`` that the ``macros/listing.html`` macros turn into sortable column
headers (links, ``aria-sort``), a count and ``rel="prev"``/``rel="next"``
links. Filters stay in every link, as the query string carries them.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from math import ceil

from flask import request, url_for
from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

PAGE_SIZE = 50
# A list whose filter the form refuses answers this, with the field named and no rows.
INVALID_FILTER = 422
ASCENDING, DESCENDING = "op", "af"


@dataclass(frozen=True)
class Listing:
    rows: list
    total: int
    page: int
    size: int
    sort: str
    descending: bool
    sortable: tuple[str, ...] = field(default=())

    @property
    def pages(self) -> int:
        return max(1, ceil(self.total / self.size))

    @property
    def first(self) -> int:
        """The 1-based number of the first row on this page (0 when there are none)."""
        return (self.page - 1) * self.size + 1 if self.rows else 0

    @property
    def last(self) -> int:
        return self.first + len(self.rows) - 1 if self.rows else 0

    def url(self, **changes) -> str:
        """This page's URL with some query arguments changed (None drops one)."""
        args = {key: values for key, values in request.args.lists()}
        for key, value in changes.items():
            if value is None:
                args.pop(key, None)
            else:
                args[key] = [str(value)]
        return url_for(request.endpoint, **(request.view_args or {}), **args)

    @property
    def prev_url(self) -> str | None:
        return self.url(pagina=self.page - 1) if self.page > 1 else None

    @property
    def next_url(self) -> str | None:
        return self.url(pagina=self.page + 1) if self.page < self.pages else None

    def sort_url(self, key: str) -> str:
        """Sort by this column: ascending first, the other way round when it is the sort now."""
        direction = ASCENDING if key != self.sort or self.descending else DESCENDING
        return self.url(sorteer=key, richting=direction, pagina=None)

    def aria_sort(self, key: str) -> str | None:
        if key != self.sort:
            return None
        return "descending" if self.descending else "ascending"


def sort_order(
    sorts: dict[str, Iterable], default: str, default_descending: bool = False
) -> tuple[str, bool]:
    """The sort the request asks for, if it names one of ``sorts``, else the default."""
    key = request.args.get("sorteer")
    if key not in sorts:
        return default, default_descending
    return key, request.args.get("richting") == DESCENDING


def ordered(query: Select, sorts: dict[str, tuple], key: str, descending: bool,
            tiebreak) -> Select:
    columns = [c.desc() if descending else c.asc() for c in sorts[key]]
    # The tiebreak (a primary key) keeps pages stable when the sort column has equal values.
    return query.order_by(*columns, tiebreak.desc() if descending else tiebreak.asc())


def paged(
    session: Session,
    query: Select,
    *,
    sorts: dict[str, tuple],
    default: str,
    tiebreak,
    default_descending: bool = False,
    size: int = PAGE_SIZE,
) -> Listing:
    """One page of ``query``'s rows, sorted as the request asks, with the total count.

    ``sorts`` maps each sortable column's key to the SQL expressions it orders by.
    A query of one entity gives its objects, one of several columns its rows.
    """
    key, descending = sort_order(sorts, default, default_descending)
    total = session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    pages = max(1, ceil(total / size))
    page = min(max(1, request.args.get("pagina", 1, type=int) or 1), pages)
    page_query = ordered(query, sorts, key, descending, tiebreak).limit(size).offset(
        (page - 1) * size)
    if len(query.column_descriptions) == 1:
        rows = list(session.scalars(page_query))
    else:
        rows = list(session.execute(page_query))
    return Listing(rows=rows, total=total, page=page, size=size, sort=key,
                   descending=descending, sortable=tuple(sorts))


def all_rows(session: Session, query: Select, *, sorts: dict[str, tuple], default: str,
             tiebreak, default_descending: bool = False) -> list:
    """Every row of ``query`` in the order the request asks: what a CSV export holds."""
    key, descending = sort_order(sorts, default, default_descending)
    query = ordered(query, sorts, key, descending, tiebreak)
    if len(query.column_descriptions) == 1:
        return list(session.scalars(query))
    return list(session.execute(query))


def wants_csv() -> bool:
    return request.args.get("formaat") == "csv"
