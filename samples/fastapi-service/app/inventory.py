"""The inventory domain: plain Python, no web framework, so it is easy to test and reuse."""

import re
from dataclasses import asdict, dataclass
from typing import Dict, List, Optional


_SKU = re.compile(r"[A-Z0-9-]+")


class InventoryError(Exception):
    """Base class for inventory rule violations."""


class NotFound(InventoryError):
    pass


class Conflict(InventoryError):
    pass


class Invalid(InventoryError):
    pass


@dataclass
class Item:
    id: int
    sku: str
    name: str
    quantity: int
    price_cents: int

    def to_dict(self) -> dict:
        return asdict(self)


def normalize_sku(sku: str) -> str:
    """SKUs are case-insensitive and stored upper-case without surrounding spaces."""
    cleaned = sku.strip().upper()
    if not cleaned:
        raise Invalid("sku must not be empty")
    if not _SKU.fullmatch(cleaned):
        raise Invalid("sku may contain only letters A-Z, digits and '-'")
    return cleaned


def normalize_name(name: str) -> str:
    cleaned = " ".join(name.split())
    if not cleaned:
        raise Invalid("name must not be empty")
    return cleaned


class Inventory:
    """An in-memory inventory of items keyed by id, with unique SKUs and never-negative stock."""

    def __init__(self) -> None:
        self._items: Dict[int, Item] = {}
        self._next_id = 1

    def list(self, low_stock_below: Optional[int] = None) -> List[Item]:
        items = list(self._items.values())
        if low_stock_below is not None:
            items = [i for i in items if i.quantity < low_stock_below]
        return items

    def get(self, item_id: int) -> Item:
        item = self._items.get(item_id)
        if item is None:
            raise NotFound(f"item {item_id} not found")
        return item

    def add(self, sku: str, name: str, quantity: int, price_cents: int) -> Item:
        sku = normalize_sku(sku)
        if any(i.sku == sku for i in self._items.values()):
            raise Conflict(f"an item with sku {sku} already exists")
        if quantity < 0 or price_cents < 0:
            raise Invalid("quantity and price_cents must not be negative")
        item = Item(id=self._next_id, sku=sku, name=normalize_name(name), quantity=quantity, price_cents=price_cents)
        self._items[item.id] = item
        self._next_id += 1
        return item

    def update(self, item_id: int, name: Optional[str] = None, price_cents: Optional[int] = None) -> Item:
        item = self.get(item_id)
        new_name = normalize_name(name) if name is not None else item.name
        if price_cents is not None and price_cents < 0:
            raise Invalid("price_cents must not be negative")
        item.name = new_name
        if price_cents is not None:
            item.price_cents = price_cents
        return item

    def adjust_stock(self, item_id: int, delta: int) -> Item:
        """Adds delta (negative to remove) to an item's quantity; stock can never go below zero."""
        item = self.get(item_id)
        if item.quantity + delta < 0:
            raise Conflict(f"cannot remove {-delta} of {item.sku}: only {item.quantity} in stock")
        item.quantity += delta
        return item

    def remove(self, item_id: int) -> None:
        self.get(item_id)
        del self._items[item_id]

    def total_value_cents(self) -> int:
        return sum(i.quantity * i.price_cents for i in self._items.values())
