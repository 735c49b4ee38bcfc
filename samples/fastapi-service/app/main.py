"""The HTTP API over the inventory. Run with: uvicorn app.main:app --reload"""

from typing import List, Optional

from fastapi import FastAPI, HTTPException, Query, Response
from pydantic import BaseModel, Field

from .inventory import Conflict, Invalid, Inventory, InventoryError, NotFound


class ItemIn(BaseModel):
    sku: str = Field(..., min_length=1, max_length=32)
    name: str = Field(..., min_length=1, max_length=100)
    quantity: int = Field(0, ge=0)
    price_cents: int = Field(..., ge=0)


class ItemPatch(BaseModel):
    """Fields left out (or null) are not changed."""

    name: Optional[str] = Field(None, min_length=1, max_length=100)
    price_cents: Optional[int] = Field(None, ge=0)


class StockAdjustment(BaseModel):
    delta: int = Field(..., description="how many to add; negative to remove")


class ItemOut(BaseModel):
    id: int
    sku: str
    name: str
    quantity: int
    price_cents: int


class InventoryValue(BaseModel):
    item_count: int
    total_value_cents: int


def _http_error(err: InventoryError) -> HTTPException:
    status = 404 if isinstance(err, NotFound) else 409 if isinstance(err, Conflict) else 422 if isinstance(err, Invalid) else 400
    return HTTPException(status_code=status, detail=str(err))


def create_app(inventory: Optional[Inventory] = None) -> FastAPI:
    """Builds the app around an inventory; each call gets a fresh, empty one unless you pass your own."""
    inv = inventory if inventory is not None else Inventory()
    app = FastAPI(title="Inventory service", version="1.0.0")

    @app.get("/health")
    def health() -> dict:
        return {"status": "ok"}

    @app.get("/items", response_model=List[ItemOut])
    def list_items(low_stock_below: Optional[int] = Query(None, ge=1)) -> List[dict]:
        return [i.to_dict() for i in inv.list(low_stock_below=low_stock_below)]

    @app.post("/items", response_model=ItemOut, status_code=201)
    def add_item(body: ItemIn) -> dict:
        try:
            return inv.add(body.sku, body.name, body.quantity, body.price_cents).to_dict()
        except InventoryError as err:
            raise _http_error(err)

    @app.get("/items/{item_id}", response_model=ItemOut)
    def get_item(item_id: int) -> dict:
        try:
            return inv.get(item_id).to_dict()
        except InventoryError as err:
            raise _http_error(err)

    @app.patch("/items/{item_id}", response_model=ItemOut)
    def update_item(item_id: int, body: ItemPatch) -> dict:
        try:
            return inv.update(item_id, name=body.name, price_cents=body.price_cents).to_dict()
        except InventoryError as err:
            raise _http_error(err)

    @app.post("/items/{item_id}/stock", response_model=ItemOut)
    def adjust_stock(item_id: int, body: StockAdjustment) -> dict:
        try:
            return inv.adjust_stock(item_id, body.delta).to_dict()
        except InventoryError as err:
            raise _http_error(err)

    @app.delete("/items/{item_id}", status_code=204, response_class=Response)
    def delete_item(item_id: int) -> Response:
        try:
            inv.remove(item_id)
        except InventoryError as err:
            raise _http_error(err)
        return Response(status_code=204)

    @app.get("/inventory/value", response_model=InventoryValue)
    def inventory_value() -> dict:
        return {"item_count": len(inv.list()), "total_value_cents": inv.total_value_cents()}

    return app


app = create_app()
