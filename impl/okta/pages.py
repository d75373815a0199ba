"""The HTML pages Okta's authorize and logout answer a browser with: its error page (400,
no redirect), the response modes that are pages (form_post, okta_post_message), and the
sign-in page Sessim stands in for Okta's hosted Sign-In Widget with.

Every value is escaped for where it goes: HTML text and attributes by html.escape, the data
a script posts as JSON with `<`, `>` and `&` as \\u escapes (a `</script>` in a state value
stays text)."""

from __future__ import annotations

import html
import json
from collections.abc import Mapping

from starlette.responses import HTMLResponse

# Okta's pages are not to be cached or framed by others (inferred: as any sign-in page).
NO_CACHE = {"Cache-Control": "no-cache, no-store", "Pragma": "no-cache", "Expires": "0"}
_SCRIPT_ESCAPES = str.maketrans({"<": "\\u003c", ">": "\\u003e", "&": "\\u0026"})


def _page(title: str, body: str, status: int = 200) -> HTMLResponse:
    document = (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        f"<title>{html.escape(title)}</title></head><body>{body}</body></html>"
    )
    return HTMLResponse(document, status, headers=NO_CACHE)


def error_page(code: str, description: str) -> HTMLResponse:
    """Okta's end-user error page, as users have quoted it: "400 Bad Request", "Your request
    resulted in an error.", then Identity Provider, Error Code and Description."""
    return _page(
        "400 Bad Request",
        "<h1>400</h1><h2>Bad Request</h2><p>Your request resulted in an error.</p>"
        "<dl><dt>Identity Provider:</dt><dd>Unknown</dd>"
        f'<dt>Error Code:</dt><dd id="error-code">{html.escape(code)}</dd>'
        f'<dt>Description:</dt><dd id="error-description">{html.escape(description)}</dd></dl>',
        400,
    )


def form_post(redirect_uri: str, parameters: Mapping[str, str]) -> HTMLResponse:
    """OAuth 2.0 Form Post Response Mode: a form of the parameters that posts itself to the
    redirect URI when the page loads."""
    fields = "".join(
        f'<input type="hidden" name="{html.escape(name)}" value="{html.escape(value)}">'
        for name, value in parameters.items()
    )
    return _page(
        "Submit This Form",
        f'<form method="post" action="{html.escape(redirect_uri)}">{fields}'
        '<noscript><button type="submit">Continue</button></noscript></form>'
        "<script>document.forms[0].submit();</script>",
    )


def post_message(target_origin: str, parameters: Mapping[str, str]) -> HTMLResponse:
    """Okta's `okta_post_message` mode: a page that posts the parameters to the window that
    opened it (a popup) or holds it (okta-auth-js's hidden iframe), for the redirect URI's
    origin alone; okta-auth-js takes the message when its origin is the issuer's."""
    data = json.dumps(dict(parameters)).translate(_SCRIPT_ESCAPES)
    origin = json.dumps(target_origin).translate(_SCRIPT_ESCAPES)
    return _page(
        "Okta",
        "<script>(function () {"
        f"var data = {data};"
        f"(window.opener || window.parent).postMessage(data, {origin});"
        "})();</script>",
    )


def sign_in_page(authn_url: str, continue_url: str) -> HTMLResponse:
    """Sessim's sign-in page, in place of Okta's hosted Sign-In Widget: a form whose script
    posts the credentials to the org's authn API (as the Classic widget does) and, with the
    sessionToken it gets, comes back to the same authorize request (`sessionToken` added),
    which opens the session; a refusal is shown on the page."""
    config = json.dumps({"authn": authn_url, "next": continue_url}).translate(_SCRIPT_ESCAPES)
    return _page(
        "Sign In",
        "<main><h1>Sign In</h1>"
        '<form id="okta-sign-in" method="post">'
        '<label>Username <input id="okta-signin-username" name="username" '
        'autocomplete="username" required></label>'
        '<label>Password <input id="okta-signin-password" name="password" type="password" '
        'autocomplete="current-password" required></label>'
        '<button id="okta-signin-submit" type="submit">Sign In</button>'
        '<p id="okta-signin-error" role="alert"></p></form></main>'
        "<script>(function () {"
        f"var config = {config};"
        "var form = document.getElementById('okta-sign-in');"
        "var error = document.getElementById('okta-signin-error');"
        "form.addEventListener('submit', function (event) {"
        "event.preventDefault(); error.textContent = '';"
        "fetch(config.authn, {method: 'POST', credentials: 'same-origin',"
        "headers: {'Content-Type': 'application/json', 'Accept': 'application/json'},"
        "body: JSON.stringify({username: form.username.value, password: form.password.value})})"
        ".then(function (response) { return response.json(); })"
        ".then(function (body) {"
        "if (body.status === 'SUCCESS') {"
        "var next = new URL(config.next);"
        "next.searchParams.set('sessionToken', body.sessionToken);"
        "window.location.replace(next.toString());"
        "} else { error.textContent = body.errorSummary || 'Unable to sign in'; }"
        "}).catch(function () { error.textContent = 'Unable to sign in'; });"
        "});"
        "})();</script>",
    )
