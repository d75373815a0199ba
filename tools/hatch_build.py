"""The editable install (`pip install -e .`, what `make` runs) of the one package `sessim`.

The wheel maps impl/ to sessim/, openapi/ to sessim/openapi/ and generated/ to
sessim/generated/ (pyproject.toml). hatchling's own editable install cannot rename a folder
(impl/ to sessim/), so for editable builds this hook installs, instead of any copy, a small
import finder that serves those three packages from the clone in place: edits and `make
generate` show at once, and `sessim.generated.okta` and `importlib.resources.files
("sessim.openapi")` resolve as they do in the wheel.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

# The installed finder module; a .pth file beside it imports it at every start-up.
FINDER = '''\
"""Sessim installed editable from {root}: impl/ is the package sessim; generated/ and
openapi/, beside it in the clone, are sessim.generated and sessim.openapi (the wheel's
layout). Written by hatch_build.py."""

import sys
from importlib.machinery import PathFinder
from importlib.util import spec_from_file_location

ROOT = {root!r}
PACKAGE = ROOT + "/impl"


class SessimFinder:
    @staticmethod
    def find_spec(fullname, path=None, target=None):
        if fullname == "sessim":
            init = PACKAGE + "/__init__.py"
            return spec_from_file_location(fullname, init, submodule_search_locations=[PACKAGE])
        if fullname in ("sessim.generated", "sessim.openapi"):
            return PathFinder.find_spec(fullname, [ROOT])  # the folder of that name
        return None


if SessimFinder not in sys.meta_path:
    sys.meta_path.append(SessimFinder)
'''
# Named as setuptools names its editable finders: pytest then leaves it alone when it looks
# for modules to rewrite in the distribution of a plugin (pytest11), as sessim is.
MODULE = "__editable___sessim_finder"


class EditableFinderHook(BuildHookInterface):
    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        if version != "editable":
            return
        self.work = Path(tempfile.mkdtemp(prefix="sessim-editable-"))
        finder, pth = self.work / f"{MODULE}.py", self.work / f"{MODULE}.pth"
        finder.write_text(FINDER.format(root=str(Path(self.root).resolve())))
        pth.write_text(f"import {MODULE}\n")
        # In place of the wheel's force-include: nothing of the clone is copied.
        build_data["force_include_editable"] = {str(finder): finder.name, str(pth): pth.name}

    def finalize(self, version: str, build_data: dict[str, Any], artifact_path: str) -> None:
        if version == "editable":
            shutil.rmtree(self.work)
