"""The CLI's admin commands (`sessim reset|seed|clock|journal|faults`) against a running
Sessim: `--url` (default SESSIM_URL, else http://127.0.0.1:8080), `--admin-token` (default
SESSIM_ADMIN_TOKEN). Each is one AdminClient call (the HTTP lives there), then a short
print. A failure is one line on stderr: exit 1 when the server is not there or refuses,
2 when the input is wrong."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

from .admin_client import AdminClient, AdminError, ClockTime, Record

LOCAL = "http://127.0.0.1:8080"
COMMANDS = ("reset", "seed", "clock", "journal", "faults")
FILTERS = ("vendor", "operation_id", "status", "method", "since")


def parser() -> argparse.ArgumentParser:
    """The admin commands alone: what `sessim <command>` parses, the server not loaded."""
    top = argparse.ArgumentParser(prog="sessim")
    add_commands(top.add_subparsers(dest="command", required=True, help="the admin command"))
    return top


def server_options() -> argparse.ArgumentParser:
    """--url and --admin-token, the parent of every command that talks to a running Sessim
    (on every leaf, suppressed when absent, so that none overwrites another's)."""
    server = argparse.ArgumentParser(add_help=False)
    server.add_argument(
        "--url",
        default=argparse.SUPPRESS,
        help=f"the Sessim to talk to (default: SESSIM_URL, else {LOCAL})",
    )
    server.add_argument(
        "--admin-token",
        metavar="TOKEN",
        default=argparse.SUPPRESS,
        help="the token the server was started with (default: SESSIM_ADMIN_TOKEN). An option "
        "is seen by other users of this machine in the process list; the variable is not",
    )
    return server


def add_commands(commands: argparse._SubParsersAction) -> None:
    """The admin commands, beside `serve`, on the CLI's subcommand list."""
    server = server_options()
    as_json = argparse.ArgumentParser(add_help=False)
    as_json.add_argument("--json", action="store_true", help="print the admin API's JSON")

    reset = commands.add_parser(
        "reset", parents=[server], help="wipe all state of a running Sessim"
    )
    reset.set_defaults(run=lambda admin, _args: admin.reset())

    seed = commands.add_parser(
        "seed",
        parents=[server],
        help="load a fixture (YAML or JSON) into a running Sessim",
        description="Load a fixture file into a running Sessim; it is checked first, as "
        "`sessim serve --seed` checks it.",
    )
    seed.add_argument("file", help="the fixture file")
    seed.set_defaults(run=_seed)

    clock = commands.add_parser(
        "clock",
        parents=[server],
        help="show, advance or set the emulated clock",
        description="Without a subcommand: show the emulated clock.",
    )
    clock.set_defaults(run=lambda admin, _args: _print_clock(admin.clock.get()))
    moves = clock.add_subparsers(
        dest="move", metavar="{advance,set}", help="how to move it (none: show it)"
    )
    advance = moves.add_parser("advance", parents=[server], help="move time forward")
    advance.add_argument("duration", help="seconds, or 90s, 15m, 2h, 1d, 1h30m")
    advance.set_defaults(run=lambda admin, args: _print_clock(admin.clock.advance(args.duration)))
    set_clock = moves.add_parser(
        "set", parents=[server], help="jump to an instant, freeze, unfreeze"
    )
    set_clock.add_argument("instant", nargs="?", help="RFC 3339, e.g. 2026-03-01T10:00:00Z")
    frozen = set_clock.add_mutually_exclusive_group()
    frozen.add_argument(
        "--frozen",
        dest="frozen",
        action="store_true",
        default=None,
        help="stop the clock (at the instant, when one is given)",
    )
    frozen.add_argument("--running", dest="frozen", action="store_false", help="unfreeze")
    set_clock.set_defaults(run=_set_clock)

    journal = commands.add_parser(
        "journal",
        parents=[server, as_json],
        help="list, count or clear the request journal",
        description="The requests Sessim answered, newest first.",
    )
    journal.add_argument(
        "action",
        nargs="?",
        choices=("list", "count", "clear"),
        default="list",
        help="list the entries that match (the default), count them, or clear the journal",
    )
    journal.add_argument("--vendor", help="admin, okta, sfcc, ...")
    journal.add_argument("--operation", dest="operation_id", help="an operationId")
    journal.add_argument("--status", type=int, help="an HTTP status")
    journal.add_argument("--method", help="an HTTP method")
    journal.add_argument("--since", help="an emulated instant (RFC 3339)")
    journal.add_argument(
        "--limit", type=int, help="at most this many (default: 50 listed, all with --har)"
    )
    journal.add_argument(
        "--har",
        metavar="FILE",
        help="write the entries that match as HAR 1.2 into FILE (- for stdout), oldest first",
    )
    journal.set_defaults(run=_journal)

    faults = commands.add_parser("faults", help="add, list, remove or clear fault rules")
    rules = faults.add_subparsers(dest="rules", required=True, help="what to do with the rules")
    add = rules.add_parser(
        "add",
        parents=[server, as_json],
        help="add a rule",
        description="status 429: answer 429 in the vendor's format; delay 2s (--max 5s: a "
        "random delay up to 5s); drop: close the connection.",
    )
    add.add_argument(
        "action",
        choices=("status", "delay", "drop"),
        help="answer an error status, wait before answering, or close the connection",
    )
    add.add_argument("value", nargs="?", help="the status (status), the duration (delay)")
    add.add_argument("--max", dest="delay_max", help="the longest random delay (delay)")
    add.add_argument("--vendor", help="only the calls to this vendor's API: okta, sfcc, ...")
    add.add_argument("--operation", dest="operation_id", help="an operationId")
    add.add_argument("--path", help="a glob over the request path: /okta/api/v1/sessions/*")
    add.add_argument("--method", help="only the calls of this HTTP method")
    add.add_argument("--times", type=int, help="for the next N matching calls (default: all)")
    add.add_argument("--probability", type=float, help="0 to 1 (default 1)")
    add.set_defaults(run=_add_fault)
    listing = rules.add_parser("list", parents=[server, as_json], help="list the rules")
    listing.set_defaults(run=lambda admin, args: _print_rules(admin.faults.list(), args.json))
    remove = rules.add_parser("remove", parents=[server], help="remove one rule")
    remove.add_argument("rule_id", help="the rule's id, as `sessim faults list` shows it")
    remove.set_defaults(run=lambda admin, args: admin.faults.remove(args.rule_id))
    clear = rules.add_parser("clear", parents=[server], help="remove every rule")
    clear.set_defaults(run=lambda admin, _args: admin.faults.clear())


def admin_url(args: argparse.Namespace) -> str:
    """The Sessim the command talks to: --url, else SESSIM_URL, else the local one."""
    return getattr(args, "url", None) or os.environ.get("SESSIM_URL") or LOCAL


def admin_token(args: argparse.Namespace) -> str | None:
    """The admin token: --admin-token, else SESSIM_ADMIN_TOKEN, else none."""
    return getattr(args, "admin_token", None) or os.environ.get("SESSIM_ADMIN_TOKEN") or None


def run(args: argparse.Namespace) -> None:
    """Run the admin command args name; its failure ends the process with one line."""
    admin = AdminClient(admin_url(args), admin_token(args))
    command: Callable[[AdminClient, argparse.Namespace], object] = args.run
    try:
        command(admin, args)
    except AdminError as error:
        sys.exit(f"sessim {args.command}: {error}")
    except ValueError as error:
        print(f"sessim {args.command}: {error}", file=sys.stderr)
        sys.exit(2)
    except BrokenPipeError:
        # The reader left (`sessim journal | head`): stop quietly, with nothing left to flush.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(1)
    finally:
        admin.close()


def _seed(admin: AdminClient, args: argparse.Namespace) -> None:
    for vendor, counts in admin.seed(args.file).items():
        print(f"{vendor}: " + ", ".join(f"{count} {kind}" for kind, count in counts.items()))


def _set_clock(admin: AdminClient, args: argparse.Namespace) -> None:
    if args.instant is None and args.frozen is None:
        raise ValueError("give an instant, --frozen or --running")
    if args.instant is not None:
        _instant(args.instant)  # a typo is the user's to fix, said before any call
    _print_clock(admin.clock.set(args.instant, args.frozen))


def _print_clock(clock: ClockTime) -> None:
    print(f"{_utc(clock.now)} ({'frozen' if clock.frozen else 'running'})")


def _journal(admin: AdminClient, args: argparse.Namespace) -> None:
    filters = {name: getattr(args, name) for name in FILTERS}
    if filters["since"] is not None:
        _instant(filters["since"])
    if args.har is not None and args.action != "list":
        raise ValueError(f"--har writes the entries listed, not with {args.action!r}")
    limit = args.limit if args.limit is not None or args.har is not None else 50
    if args.action == "clear":
        admin.journal.clear()
    elif args.action == "count":
        print(admin.journal.count(**filters))
    elif args.har is not None:
        _write(args.har, json.dumps(admin.journal.har(**filters, limit=limit), indent=2))
    elif args.json:
        print(json.dumps(admin.journal.list(**filters, limit=limit), indent=2))
    else:
        for entry in admin.journal.list(**filters, limit=limit):
            print(_entry_line(entry))


def _write(path: str, text: str) -> None:
    """Text into the file at `path`, or on stdout for `-`."""
    if path == "-":
        print(text)
        return
    try:
        Path(path).write_text(text + "\n", encoding="utf-8")
    except OSError as error:
        raise ValueError(f"cannot write {path}: {error.strerror or error}") from None


def _add_fault(admin: AdminClient, args: argparse.Namespace) -> None:
    options = {
        name: getattr(args, name)
        for name in ("vendor", "operation_id", "path", "method", "times", "probability")
    }
    if args.action == "status":
        if args.value is None or not args.value.isdigit():
            raise ValueError(f"a status rule needs a status: `status 429`, not {args.value!r}")
        rule = admin.faults.add("status", status=int(args.value), **options)
    elif args.action == "delay":
        if args.value is None:
            raise ValueError("a delay rule needs a duration: `delay 2s`")
        rule = admin.faults.add("delay", delay=args.value, delay_max=args.delay_max, **options)
    else:
        if args.value is not None:
            raise ValueError(f"a drop rule takes no value (got {args.value!r})")
        rule = admin.faults.add("drop", **options)
    _print_rules([rule], args.json)


def _print_rules(rules: list[Record], as_json: bool) -> None:
    if as_json:
        print(json.dumps(rules, indent=2))
        return
    for rule in rules:
        print(_rule_line(rule))


def _entry_line(entry: Mapping[str, Any]) -> str:
    """at, status, method and path, the operation that answered, its error code; then the
    operations a request that matched none almost matched, and why not."""
    query = f"?{entry['query']}" if entry.get("query") else ""
    operation = f"{entry.get('vendor') or '-'} {entry.get('operationId') or '-'}"
    line = f"{entry['at']}  {entry['status']}  {entry['method']} {entry['path']}{query}"
    line += f"  {operation}  {entry.get('latencyMs', 0):.1f} ms"
    if entry.get("errorCode"):
        line += f"  {entry['errorCode']}"
    for miss in entry.get("nearMisses") or []:
        line += (
            f"\n    near miss: {miss['vendor']} {miss['operationId']} "
            f"({miss['method']} {miss['path']}): {miss['reason']}"
        )
    return line


def _rule_line(rule: Mapping[str, Any]) -> str:
    """The rule's id, what it does, what it matches and how often it still will."""
    action = rule["action"]
    if action == "status":
        action += f" {rule['status']}"
    elif action == "delay":
        action += f" {rule['delayMs']} ms"
        if rule.get("delayMaxMs") is not None:
            action += f" to {rule['delayMaxMs']} ms"
    matched_on = {
        "vendor": "vendor",
        "operation": "operationId",
        "path": "path",
        "method": "method",
    }
    matches = [f"{name}={rule[key]}" for name, key in matched_on.items() if rule.get(key)]
    left = "until removed" if rule.get("remaining") is None else f"{rule['remaining']} left"
    chance = f", p={rule['probability']}" if rule.get("probability", 1) != 1 else ""
    where = " ".join(matches) or "every call"
    return f"{rule['id']}  {action}  {where}  ({left}{chance}, matched {rule.get('matched', 0)})"


def _instant(text: str) -> datetime:
    try:
        instant = datetime.fromisoformat(text)
    except ValueError:
        instant = None
    if instant is None or instant.tzinfo is None:
        raise ValueError(f"{text!r} is not an instant: write RFC 3339, e.g. 2026-03-01T10:00:00Z")
    return instant


def _utc(instant: datetime) -> str:
    return instant.isoformat().replace("+00:00", "Z")
