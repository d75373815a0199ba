"""PyJWT, with its check of a token's base64url segments done at C speed.

PyJWT 2.15 checks that every segment holds only base64url characters with a Python
generator over each byte (GHSA-hxm8-2xgr-2p9m), and loads a token twice per verification
(header, then claims): about 1,400 generator steps, a third of the CPU of an Optimizely
bearer check. bytes.translate(None, alphabet) leaves exactly the bytes outside the alphabet,
so the same tokens are refused with the same error. The rest of the method is PyJWT's own,
unchanged, so that it could be offered upstream as a one-line change. Imported lazily like
jwt itself (keys.py says why).
"""

from __future__ import annotations

import binascii
import functools
from types import ModuleType


@functools.cache
def pyjwt() -> ModuleType:
    """The jwt module, its segment check replaced (once)."""
    import jwt
    from jwt import api_jws
    from jwt.exceptions import DecodeError
    from jwt.utils import base64url_decode, base64url_encode

    alphabet = api_jws._BASE64URL_ALPHABET

    def decode_segment(segment: bytes, name: str) -> bytes:
        padding = 0
        stripped = segment
        while stripped.endswith(b"="):
            stripped = stripped[:-1]
            padding += 1
            if padding > 2:
                raise DecodeError(f"Invalid {name} padding")
        if padding and len(segment) % 4 != 0:
            raise DecodeError(f"Invalid {name} padding")
        if len(stripped) % 4 == 1 or stripped.translate(None, alphabet):
            raise DecodeError(f"Invalid {name} padding")
        try:
            decoded = base64url_decode(stripped)
        except (TypeError, binascii.Error) as err:
            raise DecodeError(f"Invalid {name} padding") from err
        if base64url_encode(decoded) != stripped:
            raise DecodeError(f"Invalid {name} padding")
        return decoded

    api_jws.PyJWS._decode_base64url_segment = staticmethod(decode_segment)  # type: ignore[method-assign]
    return jwt
