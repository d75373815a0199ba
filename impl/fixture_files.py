"""A fixture file, read and checked before anything is loaded: the one wording of what is
wrong with it, whether `sessim serve --seed`, `sessim seed` or the object of
sessim.running() met it. Light, for the admin commands: PyYAML here, and pydantic with the
generated models only when a file is checked."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

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
    from pydantic import ValidationError

    from .generated.admin import Fixture as FixtureModel

    try:
        FixtureModel.model_validate(document)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"])  # never empty: it is a mapping
        raise ValueError(f"the fixture {fixture} is invalid: {where}: {first['msg']}") from None


def _reason(error: Exception) -> str:
    """Why a file could not be read, in one line: YAML's problem and where it is."""
    if isinstance(error, yaml.MarkedYAMLError) and error.problem_mark is not None:
        mark = error.problem_mark
        return f"{error.problem} (line {mark.line + 1}, column {mark.column + 1})"
    return " ".join(str(error).split())
