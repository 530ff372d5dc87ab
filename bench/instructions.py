"""Instructions a round of the team server's mixed load costs, counted by valgrind.

    MADOGUCHI_DATA_DIR=/tmp/b5 .venv/bin/python bench/instructions.py [--rounds 20]
    PYTHONPATH=/tmp/before/src … bench/instructions.py     # another checkout's code, same data

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
"""

from __future__ import annotations

import argparse
import io
import os
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
    parser.add_argument("--drive", type=int, help=argparse.SUPPRESS)  # the counted process
    args = parser.parse_args()
    if args.drive is not None:
        drive(args.drive)
        return
    if shutil.which("valgrind") is None:
        sys.exit("valgrind not found: apt-get install valgrind")
    # A first run, not counted, leaves what the server caches across processes (a team
    # server's stored sites in Redis) as every counted run then finds it.
    subprocess.run([sys.executable, __file__, "--drive", "0"], check=True)
    none, some = counted(0), counted(args.rounds)
    per_round = (some - none) / args.rounds
    print(f"{none:,} instructions to start and warm up; {some:,} with {args.rounds} rounds")
    print(
        f"one round (6 requests: dashboard + 2 panels, case page + panel, search): "
        f"{per_round / 1e6:,.1f} M instructions"
    )


def counted(rounds: int) -> int:
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
        ]
        run = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    found = COLLECTED.search(run.stderr)
    if run.returncode or not found:
        sys.exit(f"the run under valgrind failed (exit {run.returncode}):\n{run.stderr[-2000:]}")
    return int(found.group(1))


def drive(rounds: int) -> None:
    """Warm every request up, then run `rounds` rounds."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "madoguchi.server.settings")
    os.environ.setdefault("MADOGUCHI_ALLOWED_HOSTS", "127.0.0.1")
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core.handlers.wsgi import WSGIHandler
    from django.test import Client

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

    for _ in range(5):
        one_round()
    for _ in range(rounds):
        one_round()


if __name__ == "__main__":
    main()
