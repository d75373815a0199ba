"""For the CLI run: `python -m tests.contract.optimizely_login FIXTURE BASE_URL basic|bearer`
prints the demo storefront client's Basic credentials, or signs the demo buyer in (token,
then POST /sessions) and prints the bearer."""

from __future__ import annotations

import base64
import sys
from pathlib import Path

import httpx
import yaml


def basic(section: dict) -> str:
    client = section["clients"][0]
    raw = f"{client['client_id']}:{client['client_secret']}".encode()
    return "Basic " + base64.b64encode(raw).decode()


def signed_in_bearer(section: dict, base_url: str) -> str:
    user = section["users"][0]
    form = {"grant_type": "password", "username": user["userName"], "password": user["password"]}
    token = httpx.post(
        f"{base_url}/optimizely/identity/connect/token",
        data=form,
        headers={"Authorization": basic(section)},
    )
    token.raise_for_status()
    bearer = f"Bearer {token.json()['access_token']}"
    body = {"userName": user["userName"], "password": user["password"]}
    httpx.post(
        f"{base_url}/optimizely/api/v1/sessions", json=body, headers={"Authorization": bearer}
    ).raise_for_status()
    return bearer


if __name__ == "__main__":
    fixture_path, base_url, kind = sys.argv[1:4]
    section = yaml.safe_load(Path(fixture_path).read_text())["optimizely"]
    print(basic(section) if kind == "basic" else signed_in_bearer(section, base_url))
