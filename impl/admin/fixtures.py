"""A Sessim fixture: one section per vendor, each handed to that vendor's loader."""

from __future__ import annotations

from pathlib import Path

import yaml

from ..core.kit.errors import InvalidInput
from ..core.kit.runtime import FixtureLoader
from ..core.web.bodies import parse
from ..generated.admin import Fixture
from ..registry import VENDORS
from ..server import Served
from ..settings import Settings


def demo() -> dict[str, object]:
    """The demo fixture (`sessim serve --demo`, `make run`): each vendor's declared section."""
    return {
        name: yaml.safe_load(api.demo.read_text())
        for name, api in VENDORS.items()
        if api.demo is not None
    }


def seed_of(settings: Settings) -> object | None:
    """The fixture these settings seed: --seed's file, else the demo one with --demo."""
    if settings.seed:
        return read(settings.seed)
    return demo() if settings.demo else None


def read(path: str) -> object:
    """A fixture file (YAML or JSON), checked before the server starts; ValueError says why not."""
    try:
        document = yaml.safe_load(Path(path).read_text())
        parse(Fixture, document)
    except (OSError, yaml.YAMLError) as error:
        raise ValueError(f"cannot read the fixture {path}: {error}") from error
    except InvalidInput as error:
        raise ValueError(f"the fixture {path} is invalid: {error.detail}") from error
    return document


async def load(runtime: Served, document: object) -> dict[str, dict[str, int]]:
    """Validate the whole document first, so a bad section loads nothing; then load each."""
    fixture = parse(Fixture, document)
    sections = fixture.model_dump(mode="json", exclude_none=True)
    loaded = {name: await _loader(runtime, name)(runtime, body) for name, body in sections.items()}
    await runtime.store.bump_generation()  # every worker drops what it cached from the seed
    return loaded


def _loader(runtime: Served, vendor: str) -> FixtureLoader:
    loader = runtime.apis[vendor].loader
    assert loader is not None, f"{vendor} has a fixture section but no loader"
    return loader
