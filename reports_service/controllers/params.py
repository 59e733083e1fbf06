"""Query parameters shared by the list endpoints."""

from __future__ import annotations

from typing import Annotated

from litestar.params import QueryParameter

#: ids are 32-bit in the schema; larger ones are answered 404 without asking the database
MAX_ID = 2**31 - 1

Limit = Annotated[int, QueryParameter(ge=1, le=500, description="page size (1-500)")]
Offset = Annotated[int, QueryParameter(ge=0, le=10**9, description="items to skip")]


def query(description: str) -> QueryParameter:
    """A documented query parameter (Litestar 2.25 wants the kind of each parameter explicit)."""
    return QueryParameter(description=description)
