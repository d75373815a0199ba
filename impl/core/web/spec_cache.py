"""Spec files parsed once per spec text, not once per process: YAML is the slowest step of a
start-up (about a seventh of a second for the five specs, libyaml parsing and PyYAML's
Python building the objects), and a parsed spec kept in marshal's format loads in a
hundredth of that.

A parsed spec is kept in the user's cache folder ($SESSIM_CACHE_DIR, else
$XDG_CACHE_HOME/sessim, else ~/.cache/sessim; SESSIM_CACHE_DIR set empty keeps none), in a
file named by the SHA-256 of the spec's bytes and of what reads them (this module's format,
PyYAML's and Python's versions): a changed spec is a new file, never a stale one. A file
that cannot be read or written, or a spec that marshal cannot hold (a YAML date), is parsed
as before; files are written whole (a temporary file renamed), so processes starting side
by side never read half of one. Like Python's own __pycache__, the folder is trusted as
the user's: marshal builds data (dicts, lists, strings, numbers), never runs code.
"""

from __future__ import annotations

import contextlib
import hashlib
import marshal
import os
import sys
import tempfile
from pathlib import Path

import yaml

CACHE_ENV = "SESSIM_CACHE_DIR"
# Bumped when what a file holds changes.
FORMAT = b"sessim-spec-1"


def parsed(text: bytes) -> bytes | dict:
    """The YAML document `text`, parsed, in marshal's format (each marshal.loads of it is a
    fresh copy); from the cache when it holds it, else parsed and kept there. A document
    that marshal cannot hold comes back as itself."""
    folder = cache_folder()
    path = folder / f"{_key(text)}.marshal" if folder else None
    kept = _read(path) if path else None
    if kept is not None:
        return kept
    document = yaml.load(text, Loader=yaml.CSafeLoader)
    try:
        dumped = marshal.dumps(document)
    except ValueError:  # a type marshal cannot hold (a YAML date): parsed every time
        return document
    if path is not None:
        _write(path, dumped)
    return dumped


def cache_folder() -> Path | None:
    chosen = os.environ.get(CACHE_ENV)
    if chosen is not None:
        return Path(chosen) / "specs" if chosen else None
    try:
        base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    except RuntimeError:  # no home to find
        return None
    return Path(base) / "sessim" / "specs"


def _key(text: bytes) -> str:
    digest = hashlib.sha256(FORMAT)
    for part in (yaml.__version__, sys.version, str(marshal.version)):
        digest.update(part.encode() + b"\0")
    digest.update(text)
    return digest.hexdigest()


def _read(path: Path) -> bytes | None:
    try:
        kept = path.read_bytes()
        if isinstance(marshal.loads(kept), dict):  # whole and a document: a torn file fails
            return kept
    except (OSError, EOFError, ValueError, TypeError):
        pass
    return None


def _write(path: Path, dumped: bytes) -> None:
    """Written whole or not at all; an unwritable cache is parsed again next time."""
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
