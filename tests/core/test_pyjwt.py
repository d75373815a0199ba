"""The faster base64url segment check refuses what PyJWT's own refuses, and nothing more."""

import pytest
from sessim.core.kit.pyjwt import pyjwt

jwt = pyjwt()
TOKEN = jwt.encode({"sub": "dana"}, "a-secret-of-thirty-two-bytes-long!", algorithm="HS256")


def test_a_genuine_token_decodes() -> None:
    claims = jwt.decode(TOKEN, "a-secret-of-thirty-two-bytes-long!", algorithms=["HS256"])
    assert claims == {"sub": "dana"}


@pytest.mark.parametrize(
    ("token", "segment"),
    [
        ("!!!!" + TOKEN[4:], "header"),  # junk outside the alphabet (GHSA-hxm8-2xgr-2p9m)
        (TOKEN.replace(".", ".a+b/", 1), "payload"),  # standard base64, not base64url
        (TOKEN.split(".")[0] + "===." + TOKEN.split(".", 1)[1], "header"),  # three pads
    ],
)
def test_a_segment_outside_base64url_is_refused(token: str, segment: str) -> None:
    with pytest.raises(jwt.DecodeError, match=f"Invalid {segment} padding"):
        jwt.get_unverified_header(token) if segment == "header" else jwt.decode(
            token, options={"verify_signature": False}
        )
