"""Schemathesis' state machine on SFCC: a guest login, then its links to /sessions, the
logout and a new basket's billing address."""

from __future__ import annotations

from sessim.registry import VENDORS

from tests.contract.schemas import run_stateful, schema_for


def test_stateful_sfcc_auth_then_sessions_and_logout() -> None:
    """The links carry the path's site and the answer's JWT to /sessions and the logout,
    and a new basket's id and owner's JWT to its billing address."""
    seen: list[tuple[str, int]] = []
    login = ("postCustomersAuth", {"type": "guest"})
    # Derandomized, the run repeats itself (the link choices are seeded from hypothesis'
    # draws). The billing address is the third step of its chain (login, basket, address),
    # after the machine's first two roots: at 5 steps a scenario, 200 examples reached it
    # twice and never with a 200; at 10 steps, 40 examples walk each asserted chain every run
    # (logout 28, /sessions 35, billing address 25 times with a 200) at a third of the CPU.
    site = {"site_id": "-", "version": "20.8"}  # a known site, which the links carry on
    # A store of its own: random fuzzing leaves state behind (baskets, counters) that would make
    # which chains the derandomized run walks vary. The journal is on, as a user runs Sessim (its
    # layer once changed the chains walked: tests/contract/schemas.py says why, and no more).
    chain = schema_for(VENDORS["sfcc"])
    run_stateful(
        chain,
        login,
        lambda *c: seen.append(c),
        examples=40,
        derandomize=True,
        login_path=site,
        steps=10,
    )
    base = "/s/{site_id}/dw/shop/{version}"
    assert (f"POST {base}/customers/auth", 200) in seen
    assert (f"POST {base}/sessions", 204) in seen, sorted(set(seen))
    assert (f"DELETE {base}/customers/auth", 204) in seen, sorted(set(seen))
    assert (f"PUT {base}/baskets/{{basket_id}}/billing_address", 200) in seen, sorted(set(seen))
