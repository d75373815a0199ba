"""A Sessim fixture: one section per vendor, each handed to that vendor's loader."""

from __future__ import annotations

from pathlib import Path

from ..core.bodies import parse
from ..core.runtime import Runtime
from ..generated.admin import Fixture

# The demo fixture shipped in the package (`sessim serve --demo`, `make run`).
DEMO = Path(__file__).resolve().parent.parent / "fixtures" / "demo.yaml"


async def load(runtime: Runtime, document: object) -> dict[str, dict[str, int]]:
    """Validate the whole document first, so a bad section loads nothing; then load each."""
    fixture = parse(Fixture, document)
    sections = fixture.model_dump(mode="json", exclude_none=True)
    loaded = {name: await runtime.loaders[name](runtime, body) for name, body in sections.items()}
    await runtime.store.bump_generation()  # every worker drops what it cached from the seed
    return loaded
