"""Query parameters shared by the list endpoints."""

from __future__ import annotations

from typing import Annotated

from litestar.params import Parameter

#: ids are 32-bit in the schema; larger ones are answered 404 without asking the database
MAX_ID = 2**31 - 1

Limit = Annotated[int, Parameter(ge=1, le=500, description="page size (1-500)")]
Offset = Annotated[int, Parameter(ge=0, le=10**9, description="items to skip")]
