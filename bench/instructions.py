"""Instructions a round of the team server's mixed load costs, counted by valgrind.

    MADOGUCHI_DATA_DIR=/tmp/b5 .venv/bin/python bench/instructions.py [--rounds 20]
    PYTHONPATH=/tmp/before/src … bench/instructions.py     # another checkout's code, same data
    … bench/instructions.py --first-looks --rounds 40       # case pages seen for the first time

A round is what one simulated user of `bench/load.py` asks for in turn: the dashboard with
the two panels it loads after it, a case page with its panel, and a search (a common word).
Each request goes through Django's WSGI handler in this process (the production middleware,
sessions and database; no HTTP server), as `bench-0`.

Why instructions: on this shared host the time of the same work wanders by 2× within an
hour (the reference loop of bench/reference.py took 10.2 to 22 ms on one day), which hides a
change of 5–10 % in pages a second, while valgrind's count of the instructions run is the
same from run to run whatever else the machine does. The process runs twice under
`valgrind --tool=callgrind` (Debian's `valgrind` package): once with no round, once with
`--rounds`, after a run without valgrind that fills the caches shared between processes (a
team server's stored sites in Redis), so both find them alike; the difference, divided by
the rounds, is the instructions of one round, start-up and warm-up left out. Fewer
instructions is less work, not a time: the load test says what it gives in pages a second.
Each counted run takes about 2 minutes (the start-up, 50× slower under valgrind, is most of
it).

`--first-looks`: a round is instead one case page of a case picked at random among
`bench-0`'s (the same ones run to run), as the first look at its site in this worker: the
worker's own records are forgotten before each page, so the page takes the site's record
the task queue keeps (cases.stored_records) or reads the site's rows where none is kept.
Run it on SQLite: a team server's Redis would hand it the records of the uncounted run.
"""

from __future__ import annotations

import argparse
import io
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PANEL = re.compile(r'data-panel="([^"]+)"')
COLLECTED = re.compile(r"Collected : (\d+)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--first-looks", action="store_true", help="case pages of new sites")
    parser.add_argument("--drive", type=int, help=argparse.SUPPRESS)  # the counted process
    args = parser.parse_args()
    if args.drive is not None:
        drive(args.drive, first_looks=args.first_looks)
        return
    if shutil.which("valgrind") is None:
        sys.exit("valgrind not found: apt-get install valgrind")
    # A first run, not counted, leaves what the server caches across processes (a team
    # server's stored sites in Redis) as every counted run then finds it.
    mode = ["--first-looks"] if args.first_looks else []
    subprocess.run([sys.executable, __file__, "--drive", "0", *mode], check=True)
    none, some = counted(0, mode), counted(args.rounds, mode)
    per_round = (some - none) / args.rounds
    print(f"{none:,} instructions to start and warm up; {some:,} with {args.rounds} rounds")
    what = (
        "a case page, its site's first look"
        if args.first_looks
        else "6 requests: dashboard + 2 panels, case page + panel, search"
    )
    print(f"one round ({what}): {per_round / 1e6:,.1f} M instructions")


def counted(rounds: int, mode: list[str]) -> int:
    """Instructions of this script driving `rounds` rounds, under callgrind."""
    env = {**os.environ, "PYTHONHASHSEED": "0"}  # the same dict orders run to run
    with tempfile.TemporaryDirectory() as tmp:
        command = [
            "valgrind",
            "--tool=callgrind",
            f"--callgrind-out-file={tmp}/callgrind.out",
            sys.executable,
            __file__,
            "--drive",
            str(rounds),
            *mode,
        ]
        run = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    found = COLLECTED.search(run.stderr)
    if run.returncode or not found:
        sys.exit(f"the run under valgrind failed (exit {run.returncode}):\n{run.stderr[-2000:]}")
    return int(found.group(1))


def drive(rounds: int, *, first_looks: bool = False) -> None:
    """Warm every request up, then run `rounds` rounds."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "madoguchi.server.settings")
    os.environ.setdefault("MADOGUCHI_ALLOWED_HOSTS", "127.0.0.1")
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core.handlers.wsgi import WSGIHandler
    from django.test import Client

    from madoguchi.cases import assessment
    from madoguchi.cases.models import Case

    user = get_user_model().objects.get(username="bench-0")
    client = Client()
    client.force_login(user)  # only to make the session: the rounds go through WSGIHandler
    cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
    case = Case.objects.filter(organization__slug="bench-0").order_by("-created", "-id")[0]
    app = WSGIHandler()

    def get(path: str) -> str:
        route, _, query = path.partition("?")
        environ = {
            "REQUEST_METHOD": "GET",
            "PATH_INFO": route,
            "QUERY_STRING": query,
            "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "8000",
            "HTTP_HOST": "127.0.0.1:8000",
            "HTTP_COOKIE": cookie,
            "SERVER_PROTOCOL": "HTTP/1.1",
            "REMOTE_ADDR": "127.0.0.1",
            "SCRIPT_NAME": "",
            "wsgi.input": io.BytesIO(b""),
            "wsgi.url_scheme": "http",
            "wsgi.errors": sys.stderr,
        }
        status: list[str] = []
        body = b"".join(app(environ, lambda line, headers, *_: status.append(line)))
        if not status or not status[0].startswith("200"):
            sys.exit(f"{path}: {status}")
        return body.decode()

    def one_round() -> None:
        for page in ("/cases/", f"/cases/{case.pk}/", "/cases/all/?q=%E4%B8%8D%E9%80%9A"):
            for panel in PANEL.findall(get(page)):
                get(panel.replace("&amp;", "&"))

    if first_looks:
        mine = list(
            Case.objects.filter(organization__slug="bench-0")
            .order_by("pk")
            .values_list("pk", flat=True)[:5000]
        )
        pick = random.Random(7)
        warm, counted_pages = ([pick.choice(mine) for _ in range(n)] for n in (20, rounds))
        for pk in [*warm, *counted_pages]:
            assessment._STORED.clear()  # a worker that has not seen the site yet
            get(f"/cases/{pk}/")
        return
    for _ in range(5):
        one_round()
    for _ in range(rounds):
        one_round()


if __name__ == "__main__":
    main()
