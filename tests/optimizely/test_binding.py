"""ASP.NET's binding: keys name properties whatever their case, nested models included."""

from __future__ import annotations

import pytest
from sessim.core.kit.errors import InvalidInput
from sessim.generated.optimizely import SessionRequest, SignIn
from sessim.optimizely.binding import bind


def test_a_key_binds_its_property_whatever_its_case() -> None:
    body = bind(SessionRequest, {"RESETPASSWORD": True, "BillTo": {"ID": "b1", "isdefault": True}})
    assert body.resetPassword is True
    assert body.billTo is not None and (body.billTo.id, body.billTo.isDefault) == ("b1", True)


def test_an_exact_key_keeps_its_property_and_another_spelling_binds_the_first() -> None:
    """SignIn has userName and username (the Angular client's): each binds as spelt; any
    other spelling binds userName, the first."""
    assert bind(SignIn, {"username": "a"}).username == "a"
    assert bind(SignIn, {"USERNAME": "a"}).userName == "a"
    assert bind(SignIn, {"UserName": "a", "userName": "b"}).userName == "a"  # the first binds


def test_keys_no_property_names_are_ignored() -> None:
    assert bind(SignIn, {"returnurl": "/x", "extra": 1}).returnUrl == "/x"


def test_a_value_of_the_wrong_type_names_the_property() -> None:
    with pytest.raises(InvalidInput) as refused:
        bind(SessionRequest, {"ResetPassword": "soon"})
    assert refused.value.detail.startswith("resetPassword: ")
