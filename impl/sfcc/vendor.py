"""SFCC declared: spec, handlers, faults (the client-id call renders a missing client id as
its own fault), fixture section, the storefront view, the demo accounts and the contract run's
client id and guest JWT, and OCAPI's conventions on every resource."""

from importlib.resources import files

from ..core.web.api import Api
from ..generated.sfcc import SfccFixture
from .contract import CONTRACT
from .conventions import CONVENTIONS
from .edge import HostMapped
from .errors import CATALOG, document_catalog, render_client_id_call
from .fixtures import load_fixture
from .inventory import inventory
from .recorded import RECORDED
from .security import client_id, customer_jwt
from .storefront import storefront_view
from .urls import near_paths

VENDOR = Api(
    "sfcc",
    "sfcc.yaml",
    "/sfcc",
    f"{__package__}.handlers",
    CATALOG,
    load_fixture,
    security={"clientId": client_id, "clientIdQuery": client_id, "customersAuth": customer_jwt},
    renderers={
        "postCustomersAuth": render_client_id_call,
        "postBaskets": document_catalog("basket"),
        "putBasketsByIDBillingAddress": document_catalog("order_address"),
    },
    views={"storefront": storefront_view},
    error_code=("fault", "type"),
    near_paths=near_paths,
    edge=HostMapped,
    inventory=inventory,
    fixture=SfccFixture,
    demo=files(__package__) / "demo.yaml",
    contract=CONTRACT,
    conventions=CONVENTIONS,
    recorded=RECORDED,
)
