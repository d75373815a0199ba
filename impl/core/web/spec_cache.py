"""Spec files parsed, and connexion's resolution of their references, once per spec text
rather than once per process. Parsing the five specs' YAML was about a seventh of a second
of every start-up (libyaml parses, PyYAML's Python builds the objects), and connexion's
resolve_refs (a deep copy, then every $ref replaced) a twentieth; a document kept in
marshal's format loads in a hundredth of either.

Each is kept in the user's cache folder ($SESSIM_CACHE_DIR, else $XDG_CACHE_HOME/sessim,
else ~/.cache/sessim; SESSIM_CACHE_DIR set empty keeps none), in a file named by the
SHA-256 of its input (the spec's bytes; the mounted spec, as marshal's version 0 writes it,
which depends on its values alone) and of what reads it (this module's format, Python's
and PyYAML's versions, the source of connexion's resolver): a changed spec is a new file,
never a stale one, and the oldest files go past KEPT_FILES. A file that cannot be read or
written, or a document that marshal cannot hold (a YAML date), is made as before; files are
written whole (a temporary file renamed), so processes starting side by side never read
half of one. Like Python's own __pycache__, the folder is trusted as the user's: marshal
builds data (dicts, lists, strings, numbers), never runs code.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import marshal
import os
import re
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

CACHE_ENV = "SESSIM_CACHE_DIR"
# Bumped when what a file holds changes.
FORMAT = b"sessim-spec-2"
# Files kept at most (a spec edited a hundred times leaves no more).
KEPT_FILES = 64
Resolve = Callable[..., Any]
# A "$ref" key whose value does not start with "#", as marshal's version 0 writes them (each
# string: "u", its length in 4 bytes, its UTF-8).
OUTSIDE_REF = re.compile(rb"u\x04\x00\x00\x00\$refu.{4}(?!#)", re.DOTALL)


def parsed(text: bytes) -> bytes | dict:
    """The YAML document `text`, parsed, in marshal's format (each marshal.loads of it is a
    fresh copy); from the cache when it holds it, else parsed and kept there. A document
    that marshal cannot hold comes back as itself."""
    path = _path(b"yaml", yaml.__version__.encode(), text)
    kept = _read(path)
    if kept is not None:
        return kept[0]
    document = yaml.load(text, Loader=yaml.CSafeLoader)
    try:
        dumped = marshal.dumps(document)
    except ValueError:  # a type marshal cannot hold (a YAML date): parsed every time
        return document
    _write(path, dumped)
    return dumped


def kept_resolutions(resolve: Resolve) -> Resolve:
    """connexion's resolve_refs(spec, store=None, base_uri=""), its answers kept in the
    cache: connexion resolves each mounted spec once a process (the answer is its own,
    which connexion may change), and the answer is the same for the same spec. A spec
    that refers to another document (a $ref not starting with #) is resolved every time:
    that document may have changed."""

    @functools.wraps(resolve)
    def resolved(spec: Any, store: Any = None, base_uri: str = "") -> Any:
        try:
            given = marshal.dumps(spec, 0)  # by its values alone (no sharing, no interning)
        except ValueError:
            given = None
        if store or given is None or OUTSIDE_REF.search(given):
            return resolve(spec, store, base_uri)
        path = _path(b"resolved", _source(resolve) + base_uri.encode(), given)
        kept = _read(path)
        if kept is not None:
            return kept[1]
        document = resolve(spec, store, base_uri)
        with contextlib.suppress(ValueError):
            _write(path, marshal.dumps(document))  # its shared parts stay shared
        return document

    return resolved


def cache_folder() -> Path | None:
    chosen = os.environ.get(CACHE_ENV)
    if chosen is not None:
        return Path(chosen) / "specs" if chosen else None
    try:
        base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    except RuntimeError:  # no home to find
        return None
    return Path(base) / "sessim" / "specs"


def _path(kind: bytes, reader: bytes, given: bytes) -> Path | None:
    """The file for what `reader` (a version, a source) makes of `given`; None: no cache."""
    folder = cache_folder()
    if folder is None:
        return None
    digest = hashlib.sha256(FORMAT)
    for part in (kind, sys.version.encode(), str(marshal.version).encode(), reader):
        digest.update(hashlib.sha256(part).digest())
    digest.update(given)
    return folder / f"{digest.hexdigest()}.marshal"


@functools.cache
def _source(function: Resolve) -> bytes:
    """The source file of the module defining function (connexion's, for its version)."""
    module = sys.modules.get(function.__module__)
    try:
        return Path(getattr(module, "__file__", "") or "").read_bytes()
    except OSError:
        return function.__module__.encode()


def _read(path: Path | None) -> tuple[bytes, Any] | None:
    """The file's bytes and what they hold, when it is whole and holds a document."""
    if path is None:
        return None
    try:
        kept = path.read_bytes()
        document = marshal.loads(kept)  # a torn or foreign file fails here or below
    except (OSError, EOFError, ValueError, TypeError):
        return None
    return (kept, document) if isinstance(document, dict) else None


def _write(path: Path | None, dumped: bytes) -> None:
    """Written whole or not at all; an unwritable cache is made again next time."""
    if path is None:
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".")
    except OSError:
        return
    try:
        with open(handle, "wb") as file:
            file.write(dumped)
        os.replace(temporary, path)
    except OSError:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        return
    _prune(path.parent)


def _prune(folder: Path) -> None:
    """The oldest files past KEPT_FILES deleted (another process may race to it)."""
    with contextlib.suppress(OSError):
        files = sorted(folder.glob("*.marshal"), key=lambda file: file.stat().st_mtime)
        for old in files[:-KEPT_FILES]:
            old.unlink(missing_ok=True)
