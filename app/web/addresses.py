"""The district select of an address, swapped by htmx when the county changes."""

from __future__ import annotations

from litestar import Request, Response, get

from app.web.common import render


def _plain(value: str, default: str) -> str:
    # name/id come back into the page: only plain field names pass.
    return "".join(ch for ch in value if ch.isalnum() or ch in "_-")[:40] or default


@get("/address/districts", name="address:districts")
async def districts_partial(request: Request) -> Response:
    params = request.query_params
    name = _plain(params.get("name", ""), "addr_district")
    field_id = _plain(params.get("id", ""), "f-" + name)
    # The county select is included by its own name (<prefix>_county).
    county = next((v for k, v in params.items() if k.endswith("county")), "")
    return render(
        request,
        "layout/_district_select.html",
        {"county": county, "name": name, "field_id": field_id, "value": ""},
    )
