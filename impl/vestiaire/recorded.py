"""What Sessim knows of Vestiaire's recorded traffic (`sessim replay`): its errors' titles
and details, and the `vestiaire` fixture section a recording needs: the users whose log-ins
(POST /sessions) succeeded, with the email and password they sent and the userId answered."""

from __future__ import annotations

from collections.abc import Sequence

from ..core.web.recorded import Recorded, RecordedCall, at, json_body, succeeded


def infer_seed(calls: Sequence[RecordedCall]) -> dict:
    users: dict[str, dict] = {}  # by email in lower case
    for call in calls:
        request = json_body(call.request)
        if not succeeded(call, "POST", "/sessions") or not isinstance(request, dict):
            continue
        email, password = request.get("email"), request.get("password")
        if isinstance(email, str) and isinstance(password, str) and email and password:
            user_id = at(json_body(call.response), ("data", "userId"))
            known = {"id": user_id} if isinstance(user_id, str) and user_id else {}
            users[email.lower()] = {"email": email, "password": password, **known}
    return {"users": list(users.values())} if users else {}


RECORDED = Recorded(
    summaries=(("errors", "*", "title"), ("errors", "*", "detail")),
    seed=infer_seed,
    # apiv2.vestiairecollective.com (reference optimizely_vestiaire.md V1, V2).
    hosts=("*.vestiairecollective.com",),
)
