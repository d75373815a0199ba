"""A Sessim fixture: one section per vendor, each handed to that vendor's loader."""

from __future__ import annotations

from pathlib import Path

import yaml
from pydantic import BaseModel

from ..core.kit.errors import InvalidInput
from ..core.kit.runtime import FixtureLoader
from ..core.web.bodies import parse
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
        sections(document)
    except (OSError, yaml.YAMLError) as error:
        raise ValueError(f"cannot read the fixture {path}: {error}") from error
    except InvalidInput as error:
        raise ValueError(f"the fixture {path} is invalid: {error.detail}") from error
    return document


async def load(runtime: Served, document: object) -> dict[str, dict[str, int]]:
    """Validate the whole document first, so a bad section loads nothing; then load each."""
    valid = sections(document)
    loaded = {name: await _loader(runtime, name)(runtime, body) for name, body in valid.items()}
    await runtime.store.bump_generation()  # every worker drops what it cached from the seed
    return loaded


def sections(document: object) -> dict[str, dict]:
    """A fixture's sections, each checked against its vendor's fixture schema (the admin spec's
    Fixture, assembled from them); InvalidInput names the first field at fault."""
    if not isinstance(document, dict):
        raise InvalidInput("body: a fixture is an object with a section per vendor")
    models = {name: api.fixture for name, api in VENDORS.items() if api.fixture is not None}
    unknown = [name for name in document if name not in models]
    if unknown:
        raise InvalidInput(f"{unknown[0]}: no such vendor; choose from {', '.join(models)}")
    return {name: _section(name, models[name], section) for name, section in document.items()}


def _section(name: str, model: type[BaseModel], section: object) -> dict:
    try:
        return parse(model, section).model_dump(mode="json", exclude_none=True)
    except InvalidInput as error:
        where, _, what = error.detail.partition(": ")
        raise InvalidInput(
            f"{name}: {what}" if where == "body" else f"{name}.{error.detail}"
        ) from error


def _loader(runtime: Served, vendor: str) -> FixtureLoader:
    loader = runtime.apis[vendor].loader
    assert loader is not None, f"{vendor} has a fixture section but no loader"
    return loader
