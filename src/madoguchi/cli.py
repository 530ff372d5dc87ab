"""The `madoguchi` command.

`assess` must answer in well under a second on a laptop, so this module imports only the
engine; Django is loaded only by the server commands.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import sys
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rich.console import Console

EXIT_OK = 0
EXIT_INTERNAL = 1
EXIT_INVALID = 2
#: Like any Unix tool whose reader went away (SIGPIPE): 128 + 13.
EXIT_BROKEN_PIPE = 141


class UsageError(Exception):
    """Bad input from the command line or a file: exit 2 with this message."""


def _read(path: str) -> bytes:
    """The file's bytes, reading no more than a site file may hold (see engine.limits)."""
    from madoguchi.engine.limits import MAX_FILE_BYTES

    try:
        if path == "-":
            raw = sys.stdin.buffer.read(MAX_FILE_BYTES + 1)
        else:
            with Path(path).open("rb") as stream:
                raw = stream.read(MAX_FILE_BYTES + 1)
    except FileNotFoundError:
        raise UsageError(f"{path}: no such file") from None
    except OSError as exc:
        raise UsageError(f"{path}: cannot read ({exc.strerror})") from None
    if len(raw) > MAX_FILE_BYTES:
        raise UsageError(
            f"{path}: the file is larger than {MAX_FILE_BYTES:,} bytes, the most a site file "
            "may hold"
        )
    return raw


def _parse_now(value: str | None) -> dt.datetime | None:
    if value is None:
        return None
    try:
        return dt.datetime.fromisoformat(value)
    except ValueError:
        raise UsageError(f"--now: {value!r} is not an ISO 8601 time") from None


def _console(stream: IO[str] | None = None) -> Console:
    from rich.console import Console

    console = Console(file=stream, highlight=False, markup=False, soft_wrap=True)
    if not console.is_terminal:
        # In a pipe or a file nothing is cut to fit a screen: a phone number or a web address
        # must reach `grep` or a spreadsheet whole.
        console.width = 10_000
    console.on_broken_pipe = _reader_gone  # type: ignore[method-assign]
    return console


def _reader_gone() -> None:
    """Rich's own answer to a closed pipe is exit status 1, which reads as our failure; `main`
    answers it as Unix tools do."""
    raise BrokenPipeError


def cmd_assess(args: argparse.Namespace) -> int:
    from madoguchi.engine.assess import assess
    from madoguchi.engine.catalog import Catalog, load_catalog, load_light_catalog
    from madoguchi.engine.sitefile import SiteFileError, parse_site, read_site_light

    now = _parse_now(args.now)
    raw = _read(args.file)
    # The light path reads a valid file without pydantic (most of a run's time was importing
    # it and building the models); anything it cannot vouch for goes through pydantic, which
    # gives the same records or names the problems.
    light = load_light_catalog()
    loaded = read_site_light(raw, light) if light is not None else None
    catalog: Catalog
    if loaded is not None and light is not None:
        catalog = light.catalog
    else:
        catalog = load_catalog()
        try:
            loaded = parse_site(raw, catalog)
        except SiteFileError as exc:
            for problem in exc.problems:
                print(f"{args.file}: {problem}", file=sys.stderr)
            return EXIT_INVALID
    warnings = [str(w) for w in loaded.warnings]
    for warning in warnings:
        print(f"{args.file}: warning: {warning}", file=sys.stderr)
    result = assess(loaded.site, now=now, lang=args.lang, catalog=catalog, warnings=warnings)
    if args.json:
        json.dump(result.to_dict(), sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        from madoguchi.engine.render import print_assessment

        print_assessment(_console(), result)
    return EXIT_OK


def cmd_catalog(args: argparse.Namespace) -> int:
    from madoguchi.engine import load_catalog

    if args.unverified:
        return _unverified(args)
    if args.stale:
        return _stale(args)
    parties, options = load_catalog().search(args.query or "")
    if args.json:
        data = {
            "parties": [p.model_dump(mode="json") for p in parties],
            "options": [o.model_dump(mode="json") for o in options],
        }
        json.dump(data, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
        return EXIT_OK
    if not parties and not options:
        print(f"nothing in the catalog matches {args.query!r}", file=sys.stderr)
        return EXIT_OK
    from madoguchi.engine.render import print_catalog

    print_catalog(_console(), args.lang, parties, options)
    return EXIT_OK


def _stale(args: argparse.Namespace) -> int:
    """`catalog --stale`: the facts whose `checked` date is more than a year old."""
    import datetime as dt

    from msgspec.structs import asdict

    from madoguchi.engine import load_catalog
    from madoguchi.engine.catalog import stale_facts
    from madoguchi.engine.timezone import TOKYO

    facts = stale_facts(load_catalog(), dt.datetime.now(TOKYO).date(), args.lang)
    if args.json:
        data = [asdict(f) | {"checked": f.checked.isoformat()} for f in facts]
        json.dump(data, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
        return EXIT_OK
    from madoguchi.engine.render import print_facts

    print_facts(_console(), args.lang, facts)
    return EXIT_OK


def _unverified(args: argparse.Namespace) -> int:
    """`catalog --unverified`: the facts that say 要確認, each with its source and date."""
    from msgspec.structs import asdict

    from madoguchi.engine import load_catalog
    from madoguchi.engine.catalog import normalize, unverified_facts

    needle = normalize(args.query or "")
    facts = [
        f
        for f in unverified_facts(load_catalog(), args.lang)
        if not needle or any(needle in normalize(t) for t in (f.key, f.name, f.name_en, f.detail))
    ]
    if args.json:
        data = [asdict(f) | {"checked": f.checked.isoformat()} for f in facts]
        json.dump(data, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
        return EXIT_OK
    from madoguchi.engine.render import print_facts

    print_facts(_console(), args.lang, facts)
    return EXIT_OK


def cmd_manage(args: argparse.Namespace) -> int:
    """Django's management commands (migrate, runserver, sync_catalog, load_demo, …)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "madoguchi.server.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["madoguchi manage", *args.args])
    return EXIT_OK


def cmd_serve(args: argparse.Namespace) -> int:
    """Production: migrate, sync the catalog, then replace this process with gunicorn.

    Bind, workers and threads come from the options or MADOGUCHI_BIND, MADOGUCHI_WORKERS and
    MADOGUCHI_THREADS; anything after `--` goes to gunicorn as it is (GUNICORN_CMD_ARGS too).

    By default one worker per CPU and one more, each serving one request at a time
    (gunicorn's sync workers), behind the proxy that buffers slow clients. Why: a page is
    CPU work under one interpreter lock per process, so threads only took turns, and a
    kept-alive connection stayed with the worker that accepted it, however busy; with each
    request taken from the one queue by whichever worker is free, the load test served
    ~25 % more pages and its slowest 1 % took 2 × the median instead of 3–7 × (issue 26,
    bench/README.md). MADOGUCHI_WORKERS is the knob for a database on another host, where
    a worker waits longer on each query.
    """
    if args.workers is None:
        args.workers = _env_int("MADOGUCHI_WORKERS", (os.cpu_count() or 1) + 1)
    if args.threads is None:
        args.threads = _env_int("MADOGUCHI_THREADS", 1)
    if args.workers < 1 or args.threads < 1:
        raise UsageError("--workers and --threads must be at least 1")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "madoguchi.server.settings")
    if not args.no_migrate:
        from django.core.management import execute_from_command_line

        execute_from_command_line(["madoguchi manage", "migrate", "--verbosity", "0"])
        execute_from_command_line(["madoguchi manage", "sync_catalog"])
    extra = [a for a in args.gunicorn_args if a != "--"]
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "madoguchi.server.wsgi:application",
        "--bind",
        args.bind,
        "--workers",
        str(args.workers),
        "--threads",
        str(args.threads),
        "--access-logfile",
        "-",
        "--logger-class",  # calendar and intake tokens left out of the access log
        "madoguchi.server.logs.RedactingGunicornLogger",
        "--no-control-socket",  # one per user by default: a second server would take it over
        "--config",  # hooks: a worker made ready before its first request (why: there)
        "python:madoguchi.server.gunicorn",
        *extra,
    ]
    sys.stdout.flush()
    sys.stderr.flush()
    os.execv(sys.executable, command)
    return EXIT_INTERNAL  # not reached


def _env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "")
    if not value:
        return default
    if not value.isdigit() or int(value) < 1:
        raise UsageError(f"{name}: {value!r} is not a whole number of at least 1")
    return int(value)


class _HelpFormatter(argparse.HelpFormatter):
    """argparse's formatter, given the terminal's width. argparse builds one for every
    `add_argument`, and one without a width imports shutil (and with it bz2 and lzma) to ask
    for it: 3 ms of every `madoguchi assess`, which never prints help. The width is found as
    shutil finds it: $COLUMNS, else the terminal's, else 80."""

    def __init__(self, prog: str, indent_increment: int = 2, max_help_position: int = 24) -> None:
        super().__init__(prog, indent_increment, max_help_position, width=_terminal_width() - 2)


class _Parser(argparse.ArgumentParser):
    """A parser, and each of its subcommands' (argparse makes them of the parent's class),
    with `_HelpFormatter`."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", _HelpFormatter)
        super().__init__(*args, **kwargs)


def _terminal_width() -> int:
    with contextlib.suppress(KeyError, ValueError):
        return int(os.environ["COLUMNS"])
    with contextlib.suppress(AttributeError, ValueError, OSError):
        return os.get_terminal_size(sys.__stdout__.fileno()).columns  # type: ignore[union-attr]
    return 80


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="madoguchi", description="Who to call when the fiber line, ひかり電話 or FAX dies."
    )
    # `prog` given: argparse would otherwise build a help formatter to work it out.
    sub = parser.add_subparsers(dest="command", required=True, prog="madoguchi")

    assess = sub.add_parser("assess", help="assess a site file: who to call, why, what is wrong")
    assess.add_argument("file", help="site file (YAML), or - for standard input")
    assess.add_argument(
        "--now", help="evaluate at this ISO 8601 time (default: the file's now:, else the clock)"
    )
    assess.add_argument(
        "--json", action="store_true", help="print the assessment as one JSON object"
    )
    assess.add_argument(
        "--lang", choices=("ja", "en"), default="ja", help="language of the sentences"
    )
    assess.set_defaults(handler=cmd_assess)

    catalog = sub.add_parser(
        "catalog", help="list or search the shipped parties, desks and options"
    )
    catalog.add_argument("query", nargs="?", help="text to look for in slugs, names and numbers")
    catalog.add_argument("--json", action="store_true", help="print the entries as JSON")
    catalog.add_argument("--lang", choices=("ja", "en"), default="ja")
    catalog.add_argument(
        "--unverified",
        action="store_true",
        help="list every fact no official page confirms, with its source (query filters them)",
    )
    catalog.add_argument(
        "--stale",
        action="store_true",
        help="list every fact whose source was last checked more than a year ago",
    )
    catalog.set_defaults(handler=cmd_catalog)

    serve = sub.add_parser(
        "serve",
        help="production: migrate, sync the catalog and serve with gunicorn (behind a proxy)",
    )
    serve.add_argument(
        "--bind",
        default=os.environ.get("MADOGUCHI_BIND", "127.0.0.1:8000"),
        help="address:port to listen on (default: MADOGUCHI_BIND or 127.0.0.1:8000)",
    )
    serve.add_argument(
        "--workers",
        type=int,
        default=None,
        help="worker processes (default: MADOGUCHI_WORKERS or 1 per CPU + 1)",
    )
    serve.add_argument(
        "--threads",
        type=int,
        default=None,
        help="threads per worker (default: MADOGUCHI_THREADS or 1: one request at a time)",
    )
    serve.add_argument(
        "--no-migrate", action="store_true", help="start without migrating or syncing the catalog"
    )
    serve.add_argument("gunicorn_args", nargs=argparse.REMAINDER, help="-- then gunicorn options")
    serve.set_defaults(handler=cmd_serve)

    manage = sub.add_parser("manage", help="the server's Django commands, e.g. manage migrate")
    manage.add_argument("args", nargs=argparse.REMAINDER)
    manage.set_defaults(handler=cmd_manage)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.handler(args))
    except UsageError as exc:
        print(f"madoguchi: {exc}", file=sys.stderr)
        return EXIT_INVALID
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader stopped early (`madoguchi catalog | head`): not an error. Point stdout at
        # nothing so that Python's flush at exit does not raise it again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_BROKEN_PIPE
    except Exception as exc:  # the last line of defence: no traceback for a user
        if os.environ.get("MADOGUCHI_DEBUG"):
            raise
        print(
            f"madoguchi: internal error ({type(exc).__name__}: {exc}); "
            "run again with MADOGUCHI_DEBUG=1 for details and please report it",
            file=sys.stderr,
        )
        return EXIT_INTERNAL


if __name__ == "__main__":
    sys.exit(main())
