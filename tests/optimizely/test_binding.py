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


def test_a_property_spelt_twice_binds_the_first_spelling() -> None:
    signed = bind(SignIn, {"USERNAME": "a", "userName": "b", "Password": "p"})
    assert signed.userName == "a" and signed.password.get_secret_value() == "p"


def test_keys_no_property_names_are_ignored() -> None:
    body = {"username": "a", "password": "p", "returnurl": "/x", "extra": 1}
    assert bind(SignIn, body).returnUrl == "/x"


def test_a_value_of_the_wrong_type_names_the_property() -> None:
    with pytest.raises(InvalidInput) as refused:
        bind(SessionRequest, {"ResetPassword": "soon"})
    assert refused.value.detail.startswith("resetPassword: ")
