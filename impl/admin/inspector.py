"""The inspector: its page, the files the page loads, and the state body it shows.

Everything the page needs is a file beside this module (inspector.html and assets/), read
once per process; the page loads nothing from elsewhere, which its Content-Security-Policy
holds the browser to.
"""

from __future__ import annotations

import functools
import html
from importlib import resources
from string import Template

from ..core.kit.identities import User
from ..core.kit.instants import to_datetime
from ..core.kit.inventory import Inventory
from ..core.kit.runtime import TakeInventory
from ..core.kit.sessions import Session
from ..generated.admin import (
    StateSession,
    StateSessionDetail,
    StateToken,
    StateUser,
    VendorState,
)

# The page and its assets, package data of sessim.admin.
HERE = resources.files("sessim.admin")
# The files GET /_admin/assets/{asset} serves, and their media types: nothing else is.
ASSETS = {
    "inspector.js": "text/javascript; charset=utf-8",
    "inspector.css": "text/css; charset=utf-8",
    "favicon.svg": "image/svg+xml",
}
POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)
HTML = "text/html; charset=utf-8"
# One vendor's card on the page, its tables empty ("not loaded" until the script fills
# them). The heading's button folds the card.
VENDOR_SECTION = Template("""\
<section class="vendor" data-vendor="$vendor" id="vendor-$vendor" aria-labelledby="title-$vendor">
  <h2 id="title-$vendor"><button type="button" class="fold" aria-expanded="true"
    aria-controls="body-$vendor">$vendor</button></h2>
  <p class="status" data-role="status">not loaded</p>
  <div class="card-body" id="body-$vendor">
  <h3>Live sessions</h3>
  <table class="sessions"><thead><tr><th scope="col">id</th><th scope="col">owner</th>
  <th scope="col">expires</th><th scope="col">actions</th></tr></thead>
  <tbody data-loaded="no"></tbody></table>
  <h3>Ended or expired since this page opened</h3>
  <table class="gone"><thead><tr><th scope="col">id</th><th scope="col">owner</th>
  <th scope="col">how</th></tr></thead><tbody data-loaded="no"></tbody></table>
  <h3>Unspent and live tokens</h3>
  <table class="tokens"><thead><tr><th scope="col">kind</th><th scope="col">id</th>
  <th scope="col">owner</th><th scope="col">expires</th></tr></thead>
  <tbody data-loaded="no"></tbody></table>
  <h3>Users</h3>
  <table class="users"><thead><tr><th scope="col">id</th><th scope="col">login</th>
  <th scope="col">status</th><th scope="col">actions</th></tr></thead>
  <tbody data-loaded="no"></tbody></table>
  <h3>Outbox</h3>
  <table class="outbox"><thead><tr><th scope="col">to</th><th scope="col">subject</th>
  <th scope="col">sent</th><th scope="col">carries</th></tr></thead>
  <tbody data-loaded="no"></tbody></table>
  </div>
</section>""")


@functools.cache
def _template() -> Template:
    return Template((HERE / "inspector.html").read_text())


def asset(name: str) -> tuple[bytes, str] | None:
    """The file's bytes and media type; None for a name the inspector does not serve."""
    media_type = ASSETS.get(name)
    return None if media_type is None else (_read(name), media_type)


@functools.cache  # of ASSETS' names only
def _read(name: str) -> bytes:
    return (HERE / "assets" / name).read_bytes()


def page(vendors: list[str]) -> str:
    """The page, with a section for each vendor."""
    names = [html.escape(vendor) for vendor in vendors]
    sections = "\n".join(VENDOR_SECTION.substitute(vendor=name) for name in names)
    options = "".join(f'<option value="{name}">{name}</option>' for name in names)
    return _template().substitute(vendor_sections=sections, vendor_options=options)


def user_view(user: User, locked_until: float | None) -> StateUser:
    until = None if locked_until is None else to_datetime(locked_until)
    return StateUser(id=user.id, login=user.login, status=user.status, lockedUntil=until)


def session_detail(session: Session, held: TakeInventory) -> StateSessionDetail:
    cookie, header = held.session_cookie, held.session_header
    return StateSessionDetail(
        id=session.id,
        owner=session.subject,
        createdAt=to_datetime(session.created_at),
        expiresAt=to_datetime(session.expires_at),
        endsAt=None if session.ends_at is None else to_datetime(session.ends_at),
        context=session.data,
        cookies={} if cookie is None else {cookie: session.id},
        headers={} if header is None else {header: session.id},
    )


def state_body(vendor: str, held: Inventory) -> VendorState:
    return VendorState(
        vendor=vendor,
        users=[user_view(user, held.locked.get(user.id)) for user in held.users],
        sessions=[
            StateSession(id=s.id, owner=s.subject, expiresAt=to_datetime(s.expires_at))
            for s in held.sessions
        ],
        tokens=[
            StateToken(id=t.id, kind=t.kind, owner=t.owner, expiresAt=to_datetime(t.expires_at))
            for t in held.tokens
        ],
    )
