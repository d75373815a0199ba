"""Parsed specs kept in the user's cache (core/web/spec_cache.py): the same document as the
YAML gives, a fresh copy each load, a changed spec never answered from a stale file, and a
torn, foreign or unwritable cache parsed as before."""

from __future__ import annotations

import marshal
import os
from pathlib import Path

import pytest
import yaml
from connexion import json_schema
from sessim.app import load_spec
from sessim.core.web import spec_cache
from sessim.core.web.api import Api, spec_resource
from sessim.registry import ADMIN, VENDORS

from tests.conftest import make_settings

SPEC = (
    b"openapi: 3.0.3\npaths:\n  /a:\n    get:\n      responses:\n        200: {description: ok}\n"
)


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv(spec_cache.CACHE_ENV, str(tmp_path))
    return tmp_path / "specs"


def kept_files(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.marshal"))


@pytest.mark.registry
@pytest.mark.parametrize("api", [ADMIN, *VENDORS.values()], ids=lambda api: api.name)
def test_every_spec_loads_from_the_cache_as_its_yaml_reads(folder: Path, api: Api) -> None:
    text = spec_resource(api.resources, api.spec).read_bytes()
    first = spec_cache.parsed(text)
    assert len(kept_files(folder)) == 1
    again = spec_cache.parsed(text)
    assert isinstance(first, bytes) and again == first
    assert marshal.loads(again) == yaml.load(text, Loader=yaml.CSafeLoader)


def test_a_load_is_a_copy_of_its_own(folder: Path) -> None:
    kept = spec_cache.parsed(SPEC)
    assert isinstance(kept, bytes)
    changed = marshal.loads(kept)
    changed["paths"]["/a"]["get"]["responses"][200]["description"] = "changed"
    assert marshal.loads(spec_cache.parsed(SPEC))["paths"]["/a"]["get"]["responses"] == {
        200: {"description": "ok"}  # YAML's integer key kept, as yaml reads it
    }


def test_a_changed_spec_is_parsed_anew(folder: Path) -> None:
    spec_cache.parsed(SPEC)
    changed = SPEC.replace(b"ok", b"fine")
    assert marshal.loads(spec_cache.parsed(changed))["paths"]["/a"]["get"]["responses"] == {
        200: {"description": "fine"}
    }
    assert len(kept_files(folder)) == 2


@pytest.mark.parametrize("content", [b"", b"\xfb\x00\x01", marshal.dumps(["not", "a", "dict"])])
def test_a_torn_or_foreign_file_is_parsed_again_and_replaced(folder: Path, content: bytes) -> None:
    spec_cache.parsed(SPEC)
    (kept,) = kept_files(folder)
    kept.write_bytes(content)
    parsed = spec_cache.parsed(SPEC)
    assert isinstance(parsed, bytes)
    assert marshal.loads(parsed)["openapi"] == "3.0.3"
    assert kept.read_bytes() == parsed


def test_an_unwritable_cache_parses_every_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("a file where the folder would be")
    monkeypatch.setenv(spec_cache.CACHE_ENV, str(blocked))
    parsed = spec_cache.parsed(SPEC)
    assert isinstance(parsed, bytes) and marshal.loads(parsed)["openapi"] == "3.0.3"
    assert blocked.read_text() == "a file where the folder would be"
    assert list(tmp_path.iterdir()) == [blocked]


def test_an_empty_setting_keeps_no_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(spec_cache.CACHE_ENV, "")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert spec_cache.cache_folder() is None
    parsed = spec_cache.parsed(SPEC)
    assert isinstance(parsed, bytes) and marshal.loads(parsed)["openapi"] == "3.0.3"
    assert list(tmp_path.iterdir()) == []


def test_the_default_folder_is_the_users_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(spec_cache.CACHE_ENV, raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", "/somewhere")
    assert spec_cache.cache_folder() == Path("/somewhere/sessim/specs")


def test_a_document_marshal_cannot_hold_is_parsed_every_time(folder: Path) -> None:
    dated = b"openapi: 3.0.3\ninfo: {x-released: 2026-12-07}\n"
    parsed = spec_cache.parsed(dated)
    assert isinstance(parsed, dict)
    assert str(parsed["info"]["x-released"]) == "2026-12-07"
    assert kept_files(folder) == []


@pytest.mark.registry
def test_connexions_resolution_of_every_mounted_spec_is_kept_as_it_resolves(
    folder: Path,
) -> None:
    settings = make_settings()
    mounted = [load_spec(api, settings) for api in [ADMIN, *VENDORS.values()]]
    parsed_files = len(kept_files(folder))  # the YAML's, unless parsed before in this process
    calls: list[dict] = []

    def counted(spec: dict, store: object = None, base_uri: str = "") -> dict:
        calls.append(spec)
        return json_schema.resolve_refs(spec, store, base_uri)

    resolve = spec_cache.kept_resolutions(counted)
    for spec in mounted:
        expected = json_schema.resolve_refs(spec)
        first = resolve(spec)
        assert first == expected
        again = resolve(spec)
        assert again == expected and again is not first
        again["paths"].clear()  # the answer is the caller's own
        assert resolve(spec) == expected
    assert len(kept_files(folder)) == parsed_files + len(mounted)
    assert calls == mounted  # each resolved once, then read from its file


def test_a_changed_spec_is_resolved_anew(folder: Path) -> None:
    resolve = spec_cache.kept_resolutions(json_schema.resolve_refs)
    spec = {
        "components": {"schemas": {"A": {"type": "string"}}},
        "x": {"$ref": "#/components/schemas/A"},
    }
    assert resolve(spec)["x"] == {"type": "string"}
    spec["components"]["schemas"]["A"] = {"type": "integer"}
    assert resolve(spec)["x"] == {"type": "integer"}
    assert len(kept_files(folder)) == 2


def test_a_spec_referring_to_another_document_is_resolved_every_time(
    folder: Path, tmp_path: Path
) -> None:
    other = tmp_path / "other.json"
    other.write_text('{"A": {"type": "string"}}')
    resolve = spec_cache.kept_resolutions(json_schema.resolve_refs)
    spec = {"x": {"$ref": "other.json#/A"}}
    assert resolve(spec, base_uri=f"{tmp_path}/")["x"] == {"type": "string"}
    other.write_text('{"A": {"type": "integer"}}')
    assert resolve(spec, base_uri=f"{tmp_path}/")["x"] == {"type": "integer"}
    assert kept_files(folder) == []


def test_the_oldest_files_go_past_the_limit(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(spec_cache, "KEPT_FILES", 3)
    texts = [SPEC + f"# {n}\n".encode() for n in range(5)]
    for n, text in enumerate(texts):
        for age, kept in enumerate(kept_files(folder)):  # older than the next write
            os.utime(kept, (n * 10 + age, n * 10 + age))
        spec_cache.parsed(text)
    assert len(kept_files(folder)) == 3
    newest = spec_cache.parsed(texts[-1])
    assert len(kept_files(folder)) == 3 and isinstance(newest, bytes)  # read, not written
