"""`sessim replay PATH... --url URL`: recordings of real vendor traffic replayed against a
running Sessim, with the report of what differs. Exit 0 when nothing differs, 1 when
something does, 2 when it could not run (a recording it cannot read, a host no vendor is
known at, a bad --seed file or option, no Sessim at --url): then one line on stderr.

Light to import (the CLI's admin commands import it to list it): the replay's modules,
which load every vendor, are imported when it runs."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from .. import admin_cli, fixture_files

if TYPE_CHECKING:
    from .replay import Compare, InferSeed, Replay

DIFFER, CANNOT_RUN = 1, 2


def add_command(commands: argparse._SubParsersAction) -> None:
    """`replay` on the CLI's subcommand list."""
    replay = commands.add_parser(
        "replay",
        parents=[admin_cli.server_options()],
        help="replay recordings of real vendor traffic against a running Sessim",
        description="Replay HAR 1.2 files and vcrpy cassettes of real vendor calls against a "
        "running Sessim (reset and seeded for them first) and report what Sessim answers "
        "differently. Exit 0: nothing differs; 1: something does; 2: it could not run.",
    )
    replay.add_argument("paths", nargs="+", type=Path, metavar="PATH", help="a recording")
    replay.add_argument(
        "--map",
        dest="maps",
        action="append",
        default=[],
        metavar="HOST=VENDOR",
        help="the calls to HOST are VENDOR's (a host no rule knows: a custom domain)",
    )
    replay.add_argument(
        "--skip-host",
        dest="skip",
        action="append",
        default=[],
        metavar="HOST",
        help="leave out the calls to HOST (a browser HAR's page, scripts and images)",
    )
    replay.add_argument(
        "--seed", metavar="FILE", help="a fixture loaded over the one inferred from the recording"
    )
    replay.add_argument(
        "--ignore",
        action="append",
        default=[],
        metavar="JSONPATH",
        help="leave this place of JSON bodies out of the comparison ($.a.b, $..id)",
    )
    replay.add_argument(
        "--ignore-header",
        action="append",
        default=[],
        metavar="NAME",
        help="leave this answer header out of the comparison",
    )
    replay.add_argument("--report", type=Path, metavar="FILE", help="write the report as JSON")
    replay.add_argument("--junit", type=Path, metavar="FILE", help="write it as JUnit XML")


def run(
    args: argparse.Namespace, compare: Compare | None = None, infer_seed: InferSeed | None = None
) -> int:
    """The replay the arguments ask for: its report printed (and written), and its status.
    `compare` and `infer_seed`: compare.py's and seeds.py's unless given."""
    from . import report
    from .load import load
    from .replay import ReplayError, replay
    from .vendors import UnknownHost

    try:
        how = _replay(args, compare, infer_seed)
        results = replay([one for path in args.paths for one in load(path)], how)
        sys.stdout.write(report.text(results))
        if args.report:
            report.write_json(results, args.report)
        if args.junit:
            report.write_junit(results, args.junit)
    except (ValueError, OSError, UnknownHost, ReplayError) as error:
        print(f"sessim replay: {error}", file=sys.stderr)
        return CANNOT_RUN
    return DIFFER if report.differing(results) else 0


def _replay(
    args: argparse.Namespace, compare: Compare | None, infer_seed: InferSeed | None
) -> Replay:
    """What the replay needs besides the recordings (ValueError: an option is wrong)."""
    from . import compare as comparison
    from . import seeds
    from .replay import Replay
    from .vendors import parse_map

    return Replay(
        admin_cli.admin_url(args),
        compare=compare or comparison.compare,
        infer_seed=infer_seed or seeds.infer_seed,
        rules=comparison.Rules(tuple(args.ignore), tuple(args.ignore_header)),
        maps=dict(map(parse_map, args.maps)),
        skip=frozenset(host.lower() for host in args.skip),
        seed=fixture_files.read(args.seed) if args.seed else {},
        admin_token=admin_cli.admin_token(args),
    )
