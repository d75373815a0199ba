"""The bare limit for getSession: a minimal Starlette app doing the work Sessim's does.

It checks `Authorization: SSWS <token>` against the token's SHA-256 digest, reads the
session row (JSON text, with an expiry) from a SQLite file in WAL mode, and answers Okta's
Session body with 200, or Okta's error body with 401 or 404. No spec, no validation, no
rate limits, no middleware: what is left is uvicorn, Starlette routing and one SQLite read.

    python bench/bare.py seed DB COUNT   # write COUNT sessions, print their ids
    python bench/bare.py serve DB PORT   # serve them, with uvicorn run as `sessim serve` runs it
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import sqlite3
import sys
import time
from datetime import UTC, datetime

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

API_TOKEN = "00sessim-demo-api-token"
ORG_ID = "00o5essimDem0rg0d7xq"
USER_ID = "00u5essimDana00d7x1q"
SCHEMA = "CREATE TABLE IF NOT EXISTS sessions (id TEXT PRIMARY KEY, value TEXT, expires_at REAL)"
ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"


def connect(path: str) -> sqlite3.Connection:
    """Opened as Sessim's SQLite store opens its file."""
    db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    db.execute("PRAGMA journal_mode = WAL")
    db.execute("PRAGMA synchronous = NORMAL")
    db.execute(SCHEMA)
    return db


def session_id() -> str:
    return "102" + "".join(secrets.choice(ALPHABET) for _ in range(22))


def new_session(now: float) -> dict:
    """A row shaped as Sessim stores a session: Session fields plus Okta's data."""
    data = {"login": "dana.demo@sessim.dev", "name": "Dana Demo", "alias": session_id()}
    return {
        "id": session_id(),
        "subject": USER_ID,
        "created_at": now,
        "expires_at": now + 7200,
        "ends_at": None,
        "data": {**data, "password_verified_at": now},
    }


def seed(path: str, count: int) -> list[str]:
    now = time.time()
    rows = [new_session(now) for _ in range(count)]
    with connect(path) as db:
        db.executemany(
            "INSERT INTO sessions (id, value, expires_at) VALUES (?, ?, ?)",
            [(row["id"], json.dumps(row), row["expires_at"]) for row in rows],
        )
    return [row["id"] for row in rows]


def timestamp(epoch: float) -> str:
    return datetime.fromtimestamp(int(epoch), UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def link(href: str, allow: list[str], name: str | None = None) -> dict:
    return {"href": href, "name": name, "hints": {"allow": allow}}


def session_body(org: str, row: dict) -> dict:
    """Okta's Session, keys in Okta's order, as Sessim answers getSession."""
    sessions = f"{org}/api/v1/sessions/{row['data']['alias']}"
    return {
        "id": row["id"],
        "userId": row["subject"],
        "login": row["data"]["login"],
        "createdAt": timestamp(row["created_at"]),
        "expiresAt": timestamp(row["expires_at"]),
        "status": "ACTIVE",
        "lastPasswordVerification": timestamp(row["data"]["password_verified_at"]),
        "lastFactorVerification": None,
        "amr": ["pwd"],
        "idp": {"id": ORG_ID, "type": "OKTA"},
        "mfaActive": False,
        "_links": {
            "self": link(sessions, ["GET", "DELETE"]),
            "refresh": link(f"{sessions}/lifecycle/refresh", ["POST"]),
            "user": link(f"{org}/api/v1/users/{row['subject']}", ["GET"], row["data"]["name"]),
        },
    }


def error(status: int, code: str, summary: str) -> JSONResponse:
    body = {
        "errorCode": code,
        "errorSummary": summary,
        "errorLink": code,
        "errorId": "oae" + secrets.token_urlsafe(16),
        "errorCauses": [],
    }
    return JSONResponse(body, status)


def app_for(path: str) -> Starlette:
    db = connect(path)
    digest = hashlib.sha256(API_TOKEN.encode()).digest()

    async def get_session(request: Request) -> JSONResponse:
        token = request.headers.get("authorization", "").removeprefix("SSWS").strip()
        if not hmac.compare_digest(hashlib.sha256(token.encode()).digest(), digest):
            return error(401, "E0000011", "Invalid token provided")
        sid = request.path_params["sessionId"]
        row = db.execute(
            "SELECT value FROM sessions WHERE id = ? AND expires_at > ?", (sid, time.time())
        ).fetchone()
        if row is None:
            return error(404, "E0000007", f"Not found: Resource not found: {sid} (AppSession)")
        org = f"{request.url.scheme}://{request.url.netloc}/okta"
        return JSONResponse(session_body(org, json.loads(row[0])))

    return Starlette(routes=[Route("/okta/api/v1/sessions/{sessionId}", get_session)])


def main(argv: list[str]) -> None:
    command, path, number = argv
    if command == "seed":
        print("\n".join(seed(path, int(number))))
        return
    # The same call as `sessim serve` makes (impl/cli.py): uvicorn's defaults otherwise.
    app, port = app_for(path), int(number)
    uvicorn.run(
        app, host="127.0.0.1", port=port, log_level="info", access_log=False, date_header=False
    )


if __name__ == "__main__":
    main(sys.argv[1:])
