"""The district select of an address, swapped by htmx when the county changes."""

from __future__ import annotations

from litestar import Request, Response, get

from app.web.common import render


@get("/address/districts", name="address:districts")
async def districts_partial(request: Request, county: str = "", name: str = "addr_district", id: str = "") -> Response:  # noqa: A002
    # name/id come back into the page: only plain field names pass.
    safe = "".join(ch for ch in name if ch.isalnum() or ch in "_-")[:40] or "addr_district"
    safe_id = "".join(ch for ch in id if ch.isalnum() or ch in "_-")[:40] or safe
    return render(request, "layout/_district_select.html", {"county": county, "name": safe, "field_id": safe_id, "value": ""})
