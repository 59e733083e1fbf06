"""Filtering, sorting and paging of the dashboard's lists, from lenient query parameters.

Pages are for people typing and sharing URLs: an unknown sort or a page past the end falls back
to something sensible instead of answering 400.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any, Generic, TypeVar
from urllib.parse import urlencode

from reports_service.dashboard.snapshot import OpenBlocker
from reports_service.dashboard.workstreams import STATUSES, Workstream

T = TypeVar("T")

BOARD_PAGE_SIZE = 25
BLOCKERS_PAGE_SIZE = 50
_STATUS_RANK = {status: rank for rank, status in enumerate(STATUSES)}

#: board column -> (sort key, natural direction is descending)
BOARD_SORTS: dict[str, tuple[Callable[[Workstream], Any], bool]] = {
    "activity": (lambda s: (s.last_date, s.latest.id), True),
    "name": (lambda s: s.name.casefold(), False),
    "status": (lambda s: (_STATUS_RANK[s.status], -s.stalled_for), False),
    "gates": (lambda s: s.passing_ratio, True),
    "sessions": (lambda s: len(s.sessions), True),
    "blockers": (lambda s: s.open_blockers, True),
}


def _page_number(value: str | None) -> int:
    try:
        return max(int(value or "1"), 1)
    except ValueError:
        return 1


def _text(value: str | None) -> str:
    return (value or "").strip()[:200]


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    items: Sequence[T]
    total: int
    number: int
    size: int

    @property
    def pages(self) -> int:
        return max(math.ceil(self.total / self.size), 1)

    @property
    def first_index(self) -> int:
        return (self.number - 1) * self.size + 1 if self.total else 0

    @property
    def last_index(self) -> int:
        return min(self.number * self.size, self.total)


def paginate(items: Sequence[T], number: int, size: int) -> Page[T]:
    pages = max(math.ceil(len(items) / size), 1)
    number = min(number, pages)
    start = (number - 1) * size
    return Page(items=items[start : start + size], total=len(items), number=number, size=size)


@dataclass(frozen=True, slots=True)
class BoardQuery:
    status: str = ""
    agent: str = ""
    q: str = ""
    sort: str = "activity"
    order: str = ""  #: "asc" / "desc"; empty: the column's natural direction
    page: int = 1

    @classmethod
    def from_params(cls, params: dict[str, str | None]) -> BoardQuery:
        status = _text(params.get("status"))
        sort = _text(params.get("sort"))
        order = _text(params.get("order"))
        return cls(
            status=status if status in STATUSES else "",
            agent=_text(params.get("agent")),
            q=_text(params.get("q")),
            sort=sort if sort in BOARD_SORTS else "activity",
            order=order if order in ("asc", "desc") else "",
            page=_page_number(params.get("page")),
        )

    @property
    def descending(self) -> bool:
        return BOARD_SORTS[self.sort][1] if not self.order else self.order == "desc"

    @property
    def filtered(self) -> bool:
        return bool(self.status or self.agent or self.q)

    def url(self, **changes: Any) -> str:
        """The query string of this query with ``changes`` (the page resets unless given)."""
        changed = replace(self, **{"page": 1, **changes})
        fields = {
            "status": changed.status,
            "agent": changed.agent,
            "q": changed.q,
            "sort": "" if changed.sort == "activity" else changed.sort,
            "order": changed.order,
            "page": "" if changed.page == 1 else str(changed.page),
        }
        return "?" + urlencode({k: v for k, v in fields.items() if v})

    def sort_url(self, column: str) -> str:
        """Sort by ``column``; on the current column, flip the direction."""
        if column == self.sort:
            return self.url(sort=column, order="asc" if self.descending else "desc")
        return self.url(sort=column, order="")


def board_page(streams: Sequence[Workstream], query: BoardQuery) -> Page[Workstream]:
    needle = query.q.casefold()
    chosen = [
        s
        for s in streams
        if (not query.status or s.status == query.status)
        and (not query.agent or query.agent in s.agents)
        and (not needle or needle in s.search_text)
    ]
    key, _ = BOARD_SORTS[query.sort]
    chosen.sort(key=lambda s: s.name.casefold())  # ties in a stable order
    chosen.sort(key=key, reverse=query.descending)
    return paginate(chosen, query.page, BOARD_PAGE_SIZE)


@dataclass(frozen=True, slots=True)
class BlockerQuery:
    project: str = ""
    q: str = ""
    page: int = 1

    @classmethod
    def from_params(cls, params: dict[str, str | None]) -> BlockerQuery:
        return cls(
            project=_text(params.get("project")),
            q=_text(params.get("q")),
            page=_page_number(params.get("page")),
        )

    def url(self, **changes: Any) -> str:
        changed = replace(self, **{"page": 1, **changes})
        fields = {
            "project": changed.project,
            "q": changed.q,
            "page": "" if changed.page == 1 else str(changed.page),
        }
        return "?" + urlencode({k: v for k, v in fields.items() if v})


def blockers_page(blockers: Sequence[OpenBlocker], query: BlockerQuery) -> Page[OpenBlocker]:
    needle = query.q.casefold()
    chosen = (
        blockers
        if not (query.project or needle)
        else [
            b
            for b in blockers
            if (not query.project or b.project == query.project)
            and (
                not needle
                or needle in b.text.casefold()
                or needle in (b.workstream or "").casefold()
            )
        ]
    )
    return paginate(chosen, query.page, BLOCKERS_PAGE_SIZE)
