"""SFCC's mount: spec, handlers, faults (the client-id call renders a missing client id as
its own fault) and fixture section."""

from impl.core.api import Api
from impl.sfcc.errors import render, render_address_call, render_client_id_call
from impl.sfcc.fixtures import load_fixture
from impl.sfcc.storefront import storefront_view

API = Api(
    "sfcc",
    "sfcc.yaml",
    "/sfcc",
    "impl.sfcc.handlers",
    render,
    load_fixture,
    renderers={
        "postCustomersAuth": render_client_id_call,
        "putBasketsByIDBillingAddress": render_address_call,
    },
    views={"storefront": storefront_view},
)
