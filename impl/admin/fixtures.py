"""A Sessim fixture: one section per vendor, each handed to that vendor's loader."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import yaml

from ..core.bodies import parse
from ..core.errors import InvalidInput
from ..core.runtime import Runtime
from ..generated.admin import Fixture

# The demo fixture shipped in the package (`sessim serve --demo`, `make run`).
DEMO = resources.files("sessim") / "fixtures" / "demo.yaml"


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


async def load(runtime: Runtime, document: object) -> dict[str, dict[str, int]]:
    """Validate the whole document first, so a bad section loads nothing; then load each."""
    fixture = parse(Fixture, document)
    sections = fixture.model_dump(mode="json", exclude_none=True)
    loaded = {name: await runtime.loaders[name](runtime, body) for name, body in sections.items()}
    await runtime.store.bump_generation()  # every worker drops what it cached from the seed
    return loaded
