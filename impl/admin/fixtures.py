"""A Sessim fixture: one section per vendor, each checked against its vendor's fixture
schema (sessim.fixture_files) and handed to that vendor's loader."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import yaml

from .. import fixture_files
from ..core.kit.runtime import FixtureLoader
from ..registry import VENDORS
from ..server import Served
from ..settings import Settings


def demo() -> dict[str, object]:
    """The demo fixture (`sessim serve --demo`, `make run`): each vendor's declared section."""
    return {
        name: yaml.load(api.demo.read_text(), Loader=yaml.CSafeLoader)
        for name, api in VENDORS.items()
        if api.demo is not None
    }


def seed_of(settings: Settings) -> Mapping[str, Any] | None:
    """The fixture these settings seed: --seed's file, else the demo one with --demo; checked
    before the server starts, ValueError saying in one line what is wrong with the file."""
    if settings.seed:
        return fixture_files.read(settings.seed)
    return demo() if settings.demo else None


async def load(runtime: Served, document: object) -> dict[str, dict[str, int]]:
    """Validate the whole document first, so a bad section loads nothing; then load each."""
    valid = fixture_files.sections(document)
    loaded = {name: await _loader(runtime, name)(runtime, body) for name, body in valid.items()}
    await runtime.store.bump_generation()  # every worker drops what it cached from the seed
    return loaded


def _loader(runtime: Served, vendor: str) -> FixtureLoader:
    loader = runtime.apis[vendor].loader
    assert loader is not None, f"{vendor} has a fixture section but no loader"
    return loader
