"""SFCC's documents and ids: the customer document, customer ids, timestamps."""

from __future__ import annotations

import time
from typing import cast

from ..core.kit.identities import ACTIVE, User
from ..core.kit.tokens import ALPHANUMERIC, opaque_id
from ..generated.dicts import sfcc as shapes
from .errors import VERSION

LOCALE = "en_US"  # inferred: what a real guest response shows
PROFILE_FIELDS = (
    "creation_date",
    "customer_no",
    "email",
    "first_name",
    "last_login_time",
    "last_modified",
    "last_name",
    "last_visit_time",
    "previous_login_time",
    "previous_visit_time",
)


def timestamp(epoch: float) -> str:
    """OCAPI's date-times: UTC with milliseconds, `2022-01-17T13:23:54.465Z`."""
    millis = round(epoch * 1000)
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(millis // 1000)) + (
        f".{millis % 1000:03d}Z"
    )


def new_customer_id() -> str:
    """26 letters and digits, as in every real customer_id."""
    return opaque_id(26, alphabet=ALPHANUMERIC)


def guest_document(customer_id: str) -> shapes.Customer:
    return {
        "_v": VERSION,
        "_type": "customer",
        "auth_type": "guest",
        "customer_id": customer_id,
        "preferred_locale": LOCALE,
    }


def registered_document(user: User) -> shapes.Customer:
    """The full customer document: _v and _type, then the rest alphabetical as in a real one
    (so built by its keys' order, which a TypedDict literal cannot follow: cast)."""
    profile = {name: user.profile[name] for name in PROFILE_FIELDS if name in user.profile}
    body = {
        "auth_type": "registered",
        "customer_id": user.id,
        **profile,
        "enabled": user.status == ACTIVE,
        "login": user.login,
        "preferred_locale": LOCALE,
    }
    return cast(shapes.Customer, {"_v": VERSION, "_type": "customer", **dict(sorted(body.items()))})
