import pytest

from app.inventory import Conflict, Invalid, Inventory, NotFound, normalize_sku


def test_normalize_sku_upper_cases_and_trims():
    assert normalize_sku("  ab-12 ") == "AB-12"


@pytest.mark.parametrize("bad", ["", "   ", "AB 12", "AB_12", "ü"])
def test_normalize_sku_rejects_bad_skus(bad):
    with pytest.raises(Invalid):
        normalize_sku(bad)


def test_add_assigns_ids_and_cleans_names():
    inv = Inventory()
    a = inv.add("a-1", "  Blue   widget ", 3, 250)
    b = inv.add("b-1", "Gadget", 0, 999)
    assert (a.id, a.sku, a.name) == (1, "A-1", "Blue widget")
    assert b.id == 2
    assert [i.id for i in inv.list()] == [1, 2]


def test_skus_are_unique_case_insensitively():
    inv = Inventory()
    inv.add("abc", "one", 1, 1)
    with pytest.raises(Conflict):
        inv.add("ABC", "two", 1, 1)


def test_stock_never_goes_negative():
    inv = Inventory()
    item = inv.add("x", "thing", 2, 100)
    inv.adjust_stock(item.id, -2)
    assert inv.get(item.id).quantity == 0
    with pytest.raises(Conflict):
        inv.adjust_stock(item.id, -1)
    assert inv.get(item.id).quantity == 0


def test_low_stock_filter_and_total_value():
    inv = Inventory()
    inv.add("a", "a", 1, 1000)
    inv.add("b", "b", 10, 50)
    assert [i.sku for i in inv.list(low_stock_below=5)] == ["A"]
    assert inv.total_value_cents() == 1 * 1000 + 10 * 50


def test_unknown_items_raise_not_found():
    inv = Inventory()
    with pytest.raises(NotFound):
        inv.get(1)
    with pytest.raises(NotFound):
        inv.remove(1)
