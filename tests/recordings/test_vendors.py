"""Whose a recorded call is, and its URL on Sessim."""

from __future__ import annotations

from dataclasses import replace
from urllib.parse import urlsplit

import pytest
from sessim.recordings import vendors
from sessim.recordings.model import Interaction, Message
from sessim.recordings.vendors import UnknownHost, parse_map, routes
from sessim.registry import VENDORS

SESSIM = "http://127.0.0.1:19600"


def call(url: str) -> Interaction:
    return Interaction("GET", url, Message(), 200, Message(), None, None, "test.har#1")


def routed(*urls: str, maps: dict[str, str] | None = None) -> list[tuple[str, str, str]]:
    """Each URL's vendor, recorded origin and Sessim URL of that origin."""
    found = routes([call(url) for url in urls], SESSIM + "/", maps or {})
    return [(route.api.name, route.origin, route.base) for route in found]


@pytest.mark.parametrize(
    ("url", "vendor"),
    [
        ("https://dev-96235163.okta.com/api/v1/sessions/me", "okta"),
        ("https://acme.okta-emea.com/api/v1/authn", "okta"),
        ("https://acme.oktapreview.com/oauth2/default/v1/token", "okta"),
        ("https://demo-ocapi.demandware.net/s/-/dw/shop/20.8/customers/auth", "sfcc"),
        (
            "https://zzrf-001.dx.commercecloud.salesforce.com/s/RefArch/dw/shop/v20_8/sessions",
            "sfcc",
        ),
        ("https://apiv2.vestiairecollective.com/sessions/", "vestiaire"),
        ("https://sonicequipment.commerce.insitesandbox.com/api/v1/websites/current", "optimizely"),
    ],
)
def test_a_vendor_is_known_by_its_real_hosts(url: str, vendor: str) -> None:
    origin = "https://" + urlsplit(url).netloc

    assert routed(url) == [(vendor, origin, f"{SESSIM}/{vendor}")]


def test_the_hosts_match_whole_names_in_any_case() -> None:
    assert routed("https://ACME.Okta.com/api/v1/authn")[0][0] == "okta"
    with pytest.raises(UnknownHost):
        routed("https://okta.com.evil.test/api/v1/authn")


def test_optimizely_on_a_host_of_its_own_is_known_by_its_paths_and_takes_the_host() -> None:
    found = routed(
        "https://b2b.example.com/api/v1/websites/current",
        "https://b2b.example.com/Identity/Connect/Token",
        "https://b2b.example.com/api/v1/carts/current",
    )

    assert found == [("optimizely", "https://b2b.example.com", f"{SESSIM}/optimizely")] * 3


def test_a_map_places_a_host_by_name_or_name_and_port() -> None:
    assert routed("https://login.acme.test/api/v1/authn", maps={"login.acme.test": "okta"}) == [
        ("okta", "https://login.acme.test", f"{SESSIM}/okta")
    ]
    mapped = routed("http://localhost:8443/sessions", maps={"localhost:8443": "vestiaire"})
    assert mapped == [("vestiaire", "http://localhost:8443", f"{SESSIM}/vestiaire")]


def test_a_map_wins_over_the_hosts() -> None:
    found = routed(
        "https://shop.demandware.net/sessions", maps={"shop.demandware.net": "vestiaire"}
    )

    assert found[0][0] == "vestiaire"


def test_a_sessims_own_recording_keeps_its_base_paths() -> None:
    found = routed(
        "http://127.0.0.1:8080/okta/api/v1/sessions/me",
        "http://127.0.0.1:8080/vestiaire/sessions",
    )

    assert found == [
        ("okta", "http://127.0.0.1:8080", SESSIM),
        ("vestiaire", "http://127.0.0.1:8080", SESSIM),
    ]


@pytest.mark.registry
def test_an_unknown_host_is_named_with_the_map_that_would_place_it() -> None:
    with pytest.raises(UnknownHost) as raised:
        routed("https://dev-96235163.okta.com/api/v1/authn", "https://login.acme.test:8443/x")

    assert str(raised.value) == (
        "no vendor is known at login.acme.test:8443: say whose its calls are with "
        f"--map login.acme.test=VENDOR (VENDOR one of {', '.join(VENDORS)}), "
        "or leave them out with --skip-host login.acme.test"
    )


@pytest.mark.registry
def test_paths_that_name_two_vendors_need_a_map(monkeypatch: pytest.MonkeyPatch) -> None:
    okta = VENDORS["okta"]
    okta = replace(okta, recorded=replace(okta.recorded, paths=("/api/v1/authn",)))
    monkeypatch.setattr(vendors, "VENDORS", {**VENDORS, "okta": okta})

    with pytest.raises(UnknownHost, match=r"are okta or optimizely's: say which with --map h="):
        routed("https://h/api/v1/authn", "https://h/api/v1/sessions")


@pytest.mark.parametrize("text", ["okta", "=okta", "login.acme.test=", "host=nobody"])
def test_a_map_is_host_equals_vendor(text: str) -> None:
    with pytest.raises(ValueError, match=f"--map {text}: give HOST=VENDOR"):
        parse_map(text)


def test_a_map_host_is_any_case() -> None:
    assert parse_map("Login.Acme.Test=okta") == ("login.acme.test", "okta")


def test_calls_to_a_sessims_admin_api_are_left_out() -> None:
    calls = [
        call("http://127.0.0.1:8080/_admin/seed"),
        call("http://127.0.0.1:8080/okta/api/v1/authn"),
        call("http://127.0.0.1:8080/_admin/clock/advance"),
        call("http://127.0.0.1:8080/_administrators"),  # not the admin API's path
        call("https://dev-1.okta.com/api/v1/sessions/me"),
    ]
    assert [c.url for c in vendors.vendor_calls(calls)] == [
        "http://127.0.0.1:8080/okta/api/v1/authn",
        "http://127.0.0.1:8080/_administrators",
        "https://dev-1.okta.com/api/v1/sessions/me",
    ]
