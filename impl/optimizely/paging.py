"""Collections a page at a time, with Insite.Core.WebApi.PaginationModel: `page` from 1,
`nextPageUri` and `prevPageUri` the request's own URL at another page (full URLs, or
null), as the C# SDK's PaginationModel describes them."""

from __future__ import annotations

import math
from typing import Any, TypeVar

from ..generated.dicts import optimizely as shapes

T = TypeVar("T")
PAGE_SIZES = [16, 32, 64]


def paged(items: list[T], page: int, page_size: int, url: Any) -> tuple[list[T], shapes.Pagination]:
    """The items of `page` and the pagination model; `url` is the request's (a starlette
    URL), whose query keeps everything but the page."""
    total = len(items)
    pages = max(1, math.ceil(total / page_size))

    def at(number: int) -> str | None:
        return str(url.include_query_params(page=number)) if 1 <= number <= pages else None

    start = (page - 1) * page_size
    pagination: shapes.Pagination = {
        "currentPage": page,
        "page": page,
        "pageSize": page_size,
        "defaultPageSize": PAGE_SIZES[0],
        "totalItemCount": total,
        "numberOfPages": pages,
        "pageSizeOptions": PAGE_SIZES,
        "sortOptions": [],
        "sortType": "",
        "nextPageUri": at(page + 1),
        "prevPageUri": at(page - 1),
    }
    return items[start : start + page_size], pagination


def expanded(expand: str | None) -> set[str]:
    """The collections an `expand` list asks for, casefolded (`ShipTos` = `shipTos`)."""
    return {part.strip().casefold() for part in (expand or "").split(",") if part.strip()}
