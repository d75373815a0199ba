"""A Sessim fixture: one section per vendor, each handed to that vendor's loader."""

from __future__ import annotations

from generated.admin import Fixture
from impl.core.bodies import parse
from impl.core.runtime import Runtime


async def load(runtime: Runtime, document: object) -> dict[str, dict[str, int]]:
    """Validate the whole document first, so a bad section loads nothing; then load each."""
    fixture = parse(Fixture, document)
    sections = fixture.model_dump(mode="json", exclude_none=True)
    return {name: await runtime.loaders[name](runtime, body) for name, body in sections.items()}
