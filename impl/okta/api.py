"""Okta's mount: spec, handlers, errors, fixture section and the rate-limit edge."""

from impl.core.api import Api
from impl.okta.edge import OktaEdge
from impl.okta.errors import render
from impl.okta.fixtures import load_fixture

API = Api("okta", "okta.yaml", "/okta", "impl.okta.handlers", render, load_fixture, OktaEdge)
