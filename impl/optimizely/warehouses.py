"""The warehouses (WarehousesV1), pick-up locations among them: the model a session's
`pickUpWarehouse` is, at the URL its `uri` names. Anyone may call them."""

from __future__ import annotations

from starlette.responses import Response

from ..core.web.bodies import respond
from ..core.web.operations import request
from ..generated.dicts import optimizely as shapes
from .context import current
from .errors import Missing
from .models import WAREHOUSES_URI, warehouse_model
from .paging import paged


async def get_warehouses(
    onlyPickupWarehouses: bool = False,
    page: int = 1,
    pageSize: int = 16,
    token_info: dict | None = None,
) -> Response:
    caller = await current(request, token_info)
    warehouses = sorted(caller.state.catalog.warehouses.values(), key=lambda w: w["name"])
    if onlyPickupWarehouses:
        warehouses = [w for w in warehouses if w.get("allowPickup", True)]
    shown, pagination = paged(warehouses, page, pageSize, request.url)
    body: shapes.WarehouseCollection = {
        "uri": caller.link(WAREHOUSES_URI),
        "pagination": pagination,
        "warehouses": [warehouse_model(caller, warehouse) for warehouse in shown],
        "distanceUnitOfMeasure": "Imperial",
        "defaultLatitude": 0.0,
        "defaultLongitude": 0.0,
        "defaultRadius": 0.0,
        "properties": {},
    }
    return respond(body, 200)


async def get_warehouse(warehouseId: str, token_info: dict | None = None) -> Response:
    caller = await current(request, token_info)
    wanted = warehouseId.casefold()
    warehouses = caller.state.catalog.warehouses.values()
    found = next((w for w in warehouses if w["id"].casefold() == wanted), None)
    if found is None:
        raise Missing(f"Warehouse {warehouseId} was not found.")
    return respond(warehouse_model(caller, found), 200)
