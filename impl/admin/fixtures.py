"""A Sessim fixture: one section per vendor, each handed to that vendor's loader."""

from __future__ import annotations

from importlib import resources

from .. import fixture_files
from ..core.kit.runtime import FixtureLoader
from ..core.web.bodies import parse
from ..generated.admin import Fixture
from ..server import Served

# The demo fixture shipped in the package (`sessim serve --demo`, `make run`).
DEMO = resources.files("sessim") / "fixtures" / "demo.yaml"


def read(path: str) -> Fixture:
    """A fixture file (YAML or JSON) as the model load takes, checked before the server
    starts; ValueError says in one line why not (sessim.fixture_files words it)."""
    return parse(Fixture, fixture_files.read(path))


async def load(runtime: Served, fixture: Fixture) -> dict[str, dict[str, int]]:
    """The whole document was validated as it was parsed, so a bad section loads nothing."""
    sections = fixture.model_dump(mode="json", exclude_none=True)
    loaded = {name: await _loader(runtime, name)(runtime, body) for name, body in sections.items()}
    await runtime.store.bump_generation()  # every worker drops what it cached from the seed
    return loaded


def _loader(runtime: Served, vendor: str) -> FixtureLoader:
    loader = runtime.apis[vendor].loader
    assert loader is not None, f"{vendor} has a fixture section but no loader"
    return loader
