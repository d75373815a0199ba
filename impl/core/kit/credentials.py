"""Credentials a request carries in its Authorization header, read the same way by every
vendor that takes them (OCAPI's customer credentials, IdentityServer's client)."""

from __future__ import annotations

import base64
import binascii


def basic_credentials(header: str | None) -> tuple[str, str] | None:
    """(user, secret) of a `Basic` header; None when the header is not a Basic one. A Basic
    header that is not base64 of UTF-8 `user:secret` raises ValueError."""
    scheme, _, value = (header or "").partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        decoded = base64.b64decode(value.strip(), validate=True).decode()
    except (binascii.Error, UnicodeDecodeError):
        raise ValueError("malformed Basic credentials") from None
    user, colon, secret = decoded.partition(":")
    if not colon:
        raise ValueError("Basic credentials without a colon")
    return user, secret
