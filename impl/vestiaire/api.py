"""Vestiaire's mount: spec, handlers, errors and fixture section."""

from impl.core.api import Api
from impl.vestiaire.errors import render
from impl.vestiaire.fixtures import load_fixture

API = Api(
    "vestiaire", "vestiaire.yaml", "/vestiaire", "impl.vestiaire.handlers", render, load_fixture
)
