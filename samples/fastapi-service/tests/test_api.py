import pytest
from fastapi.testclient import TestClient

from app.main import create_app


@pytest.fixture
def client():
    # A fresh app (and so a fresh, empty inventory) for every test.
    return TestClient(create_app())


def add(client, sku="W-1", name="Widget", quantity=5, price_cents=250):
    res = client.post("/items", json={"sku": sku, "name": name, "quantity": quantity, "price_cents": price_cents})
    assert res.status_code == 201, res.text
    return res.json()


def test_health(client):
    res = client.get("/health")
    assert res.status_code == 200
    assert res.json() == {"status": "ok"}


def test_create_and_fetch_item(client):
    created = add(client, sku="w-1 ", name="Widget")
    assert created == {"id": 1, "sku": "W-1", "name": "Widget", "quantity": 5, "price_cents": 250}
    assert client.get("/items/1").json() == created
    assert client.get("/items").json() == [created]


@pytest.mark.parametrize(
    "body",
    [
        {"name": "no sku", "price_cents": 1},
        {"sku": "A", "name": "", "price_cents": 1},
        {"sku": "A", "name": "negative", "quantity": -1, "price_cents": 1},
        {"sku": "A", "name": "negative price", "price_cents": -5},
        {"sku": "A B", "name": "space in sku", "price_cents": 1},
    ],
)
def test_invalid_items_are_rejected(client, body):
    assert client.post("/items", json=body).status_code == 422
    assert client.get("/items").json() == []


def test_duplicate_sku_is_a_conflict(client):
    add(client, sku="DUP")
    res = client.post("/items", json={"sku": "dup", "name": "again", "price_cents": 1})
    assert res.status_code == 409
    assert "DUP" in res.json()["detail"]


def test_patch_changes_only_given_fields(client):
    add(client)
    res = client.patch("/items/1", json={"price_cents": 300})
    assert res.status_code == 200
    assert res.json()["price_cents"] == 300
    assert res.json()["name"] == "Widget"
    assert client.patch("/items/1", json={"name": "Big widget"}).json()["name"] == "Big widget"
    assert client.patch("/items/99", json={"name": "x"}).status_code == 404


def test_stock_adjustments(client):
    add(client, quantity=2)
    assert client.post("/items/1/stock", json={"delta": 3}).json()["quantity"] == 5
    assert client.post("/items/1/stock", json={"delta": -5}).json()["quantity"] == 0
    res = client.post("/items/1/stock", json={"delta": -1})
    assert res.status_code == 409
    assert client.get("/items/1").json()["quantity"] == 0


def test_low_stock_filter(client):
    add(client, sku="LOW", quantity=1)
    add(client, sku="HIGH", quantity=50)
    assert [i["sku"] for i in client.get("/items", params={"low_stock_below": 10}).json()] == ["LOW"]
    assert client.get("/items", params={"low_stock_below": 0}).status_code == 422


def test_delete_item(client):
    add(client)
    res = client.delete("/items/1")
    assert res.status_code == 204
    assert res.content == b""
    assert client.get("/items/1").status_code == 404
    assert client.delete("/items/1").status_code == 404


def test_inventory_value(client):
    assert client.get("/inventory/value").json() == {"item_count": 0, "total_value_cents": 0}
    add(client, sku="A", quantity=2, price_cents=150)
    add(client, sku="B", quantity=3, price_cents=1000)
    assert client.get("/inventory/value").json() == {"item_count": 2, "total_value_cents": 3300}
