"""A fixture file, read and checked before anything is loaded: the one wording of what is
wrong with it, whether `sessim serve --seed`, `sessim seed` or the object of
sessim.running() met it. Light, for the admin commands: PyYAML here, and pydantic with the
generated models only when a file is checked."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

if TYPE_CHECKING:
    from pydantic import BaseModel

# A fixture: the document itself, or the path of its YAML or JSON file.
Fixture = Mapping[str, Any] | str | os.PathLike[str]


def read(fixture: Fixture) -> Mapping[str, Any]:
    """The fixture document; a path is read as YAML (which JSON is too) and checked against
    the fixture schema. ValueError says, in one line, what is wrong with the file."""
    if isinstance(fixture, Mapping):
        return fixture  # a document is the admin API's to judge
    try:
        document = yaml.safe_load(Path(fixture).read_text())
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        raise ValueError(f"cannot read the fixture {fixture}: {_reason(error)}") from error
    if not isinstance(document, Mapping):
        raise ValueError(f"the fixture {fixture} is not a mapping of vendor sections")
    _check(fixture, document)
    return document


def _check(fixture: Fixture, document: Mapping[str, Any]) -> None:
    from .core.kit.errors import InvalidInput

    try:
        sections(document)
    except InvalidInput as error:
        raise ValueError(f"the fixture {fixture} is invalid: {error.detail}") from None


def sections(document: object) -> dict[str, dict]:
    """A fixture's sections, each checked against its vendor's fixture schema (the admin
    spec's Fixture, assembled from them); InvalidInput names the first field at fault. The
    vendors are imported here, when a fixture is checked, not by the admin commands."""
    from .core.kit.errors import InvalidInput
    from .registry import VENDORS

    if not isinstance(document, Mapping):
        raise InvalidInput("body: a fixture is an object with a section per vendor")
    models = {name: api.fixture for name, api in VENDORS.items() if api.fixture is not None}
    unknown = [name for name in document if name not in models]
    if unknown:
        raise InvalidInput(f"{unknown[0]}: no such vendor; choose from {', '.join(models)}")
    return {name: _section(name, models[name], section) for name, section in document.items()}


def _section(name: str, model: type[BaseModel], section: object) -> dict:
    from .core.kit.errors import InvalidInput
    from .core.web.bodies import parse

    try:
        return parse(model, section).model_dump(mode="json", exclude_none=True)
    except InvalidInput as error:
        where, _, what = error.detail.partition(": ")
        raise InvalidInput(
            f"{name}: {what}" if where == "body" else f"{name}.{error.detail}"
        ) from error


def _reason(error: Exception) -> str:
    """Why a file could not be read, in one line: YAML's problem and where it is."""
    if isinstance(error, yaml.MarkedYAMLError) and error.problem_mark is not None:
        mark = error.problem_mark
        return f"{error.problem} (line {mark.line + 1}, column {mark.column + 1})"
    return " ".join(str(error).split())
