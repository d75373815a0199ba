"""The body checks' key folding: a schema marked x-case-insensitive-properties has its body
checked with each key spelt as the property it names, as ASP.NET's binding reads it."""

from __future__ import annotations

from sessim.core.web.validation import fold_keys

SCHEMA = {
    "properties": {
        "userName": {"type": "string"},
        "billTo": {"properties": {"id": {"type": "string"}}},
        "lines": {"items": {"properties": {"qty": {"type": "integer"}}}},
    }
}


def test_keys_take_their_propertys_spelling_at_every_depth() -> None:
    body = {"USERNAME": "a", "BillTo": {"ID": "b"}, "Lines": [{"QTY": 1}, 2]}
    assert fold_keys(SCHEMA, body) == {
        "userName": "a",
        "billTo": {"id": "b"},
        "lines": [{"qty": 1}, 2],
    }


def test_an_exact_key_keeps_its_spelling_and_the_first_of_two_spellings_binds() -> None:
    assert fold_keys(SCHEMA, {"userName": "a", "username": "b"}) == {"userName": "a"}
    assert fold_keys(SCHEMA, {"UserName": "a", "userName": "b"}) == {"userName": "a"}


def test_keys_no_property_names_and_values_that_are_no_objects_stay() -> None:
    assert fold_keys(SCHEMA, {"Other": {"ID": 1}}) == {"Other": {"ID": 1}}
    assert fold_keys(SCHEMA, "text") == "text"
