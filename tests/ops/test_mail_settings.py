"""Production mail: the SMTP server, its login and the sender come from the environment, and
`sendtestemail` (the check the README gives) goes through them. A small SMTP server in a
thread stands in for the real one and records what it was told."""

from __future__ import annotations

import base64
import socketserver
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.ops.test_deploy import _env, _manage


class _Recorder(socketserver.StreamRequestHandler):
    """Just enough SMTP (EHLO, AUTH PLAIN, MAIL, RCPT, DATA) to accept one message."""

    said: list[str]

    def _reply(self, line: str) -> None:
        self.wfile.write(line.encode() + b"\r\n")

    def handle(self) -> None:
        self._reply("220 test ESMTP")
        while line := self.rfile.readline():
            command = line.decode().rstrip("\r\n")
            self.server.said.append(command)  # type: ignore[attr-defined]
            verb = command.split(" ", 1)[0].upper()
            if verb == "EHLO":
                self._reply("250-test")
                self._reply("250 AUTH PLAIN")
            elif verb == "AUTH":
                self._reply("235 ok")
            elif verb == "DATA":
                self._reply("354 go on")
                while (body := self.rfile.readline()) not in (b".\r\n", b""):
                    self.server.said.append(body.decode(errors="replace"))  # type: ignore[attr-defined]
                self._reply("250 queued")
            elif verb == "QUIT":
                self._reply("221 bye")
                return
            else:
                self._reply("250 ok")


@pytest.fixture
def smtp() -> Iterator[Any]:
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _Recorder)
    server.said = []  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def test_sendtestemail_goes_through_the_configured_server(tmp_path: Path, smtp: Any) -> None:
    env = _env(
        tmp_path,
        MADOGUCHI_EMAIL_HOST="127.0.0.1",
        MADOGUCHI_EMAIL_PORT=str(smtp.server_address[1]),
        MADOGUCHI_EMAIL_USE_TLS="0",
        MADOGUCHI_EMAIL_USER="desk@example.jp",
        MADOGUCHI_EMAIL_PASSWORD="s3cret-pass",
        MADOGUCHI_EMAIL_FROM="madoguchi@example.jp",
    )
    done = _manage(env, "sendtestemail", "you@example.jp")
    assert done.returncode == 0, done.stderr
    said = "\n".join(smtp.said)
    assert "mail from:<madoguchi@example.jp>" in said.lower()
    assert "rcpt to:<you@example.jp>" in said.lower()
    login = base64.b64encode(b"\0desk@example.jp\0s3cret-pass").decode()
    assert login in said


def test_tls_and_ssl_together_are_a_configuration_error(tmp_path: Path) -> None:
    env = _env(
        tmp_path,
        MADOGUCHI_EMAIL_HOST="127.0.0.1",
        MADOGUCHI_EMAIL_USE_TLS="1",
        MADOGUCHI_EMAIL_USE_SSL="1",
    )
    done = _manage(env, "check")
    assert done.returncode != 0
    assert "MADOGUCHI_EMAIL_USE_TLS" in done.stderr
