"""The JSONPath subset of --ignore, and places written so that they can be pasted back."""

from __future__ import annotations

import pytest
from sessim.recordings.jsonpath import parse_path, written


@pytest.mark.parametrize(
    ("path", "place", "covered"),
    [
        ("$.a.b", ("a", "b"), True),
        ("$.a.b", ("a", "b", 0, "c"), True),  # under it
        ("$.a.b", ("a",), False),
        ("$.a[*].b", ("a", 3, "b"), True),
        ("$.a[1].b", ("a", 0, "b"), False),
        ("$..b", ("x", 0, "y", "b"), True),
        ("$..b", ("b",), True),
        ("$..b.c", ("x", "b", "d"), False),
        ("$['odd key'].x", ("odd key", "x"), True),
        ("$", ("anything",), True),
    ],
)
def test_a_path_covers_its_places_and_those_under_them(
    path: str, place: tuple, covered: bool
) -> None:
    assert parse_path(path).covers(place) is covered


def test_a_place_written_is_a_path_that_covers_it() -> None:
    place = ("_embedded", "user", 0, "odd key", "x-dw-client-id")
    assert written(place) == "$._embedded.user[0]['odd key'].x-dw-client-id"
    assert parse_path(written(place)).covers(place)


@pytest.mark.parametrize("path", ["a.b", "$.a[?(@.b)]", "$.a[", "$a"])
def test_paths_outside_the_subset_are_refused(path: str) -> None:
    with pytest.raises(ValueError, match="JSONPath"):
        parse_path(path)
