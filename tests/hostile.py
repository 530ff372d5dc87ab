"""Hostile site files, written by the tests: each is small to write and costly to read naively."""

from __future__ import annotations

import resource
import subprocess
import sys
from pathlib import Path


def nested(levels: int) -> str:
    """`note:` holding `levels` lists inside one another: libyaml's composer recursion crashes
    the process at some ten thousand (a segfault, not an exception)."""
    return "site:\n  name: x\nnote: " + "[" * levels + "]" * levels + "\n"


def alias_bomb(levels: int = 9) -> str:
    """Each anchor names nine uses of the one before: 9**levels strings in a few hundred bytes,
    put where a string is expected so a naive error message quotes all of them."""
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, levels):
        lines.append(f"a{i}: &a{i} [" + ",".join([f"*a{i - 1}"] * 9) + "]")
    return "\n".join(lines) + f"\nsite:\n  name: x\n  prefecture: *a{levels - 1}\n"


def unknown_refs(contracts: int = 500, events: int = 2000, bills: int = 3000) -> str:
    """As many records as a site file may hold, every event and bill naming a ref that no
    contract has: each asks for a "did you mean" among all the refs (about 300 KB)."""
    return (
        "site:\n  name: x\ncontracts:\n"
        + "".join(f"- {{ref: c-{i}, service: access, party: so-net}}\n" for i in range(contracts))
        + "events:\n"
        + "".join(f"- {{date: 2026-01-01, kind: other, contract: e-{i}}}\n" for i in range(events))
        + "bills:\n"
        + "".join(
            f"- {{party: so-net, month: 2026-01, yen: 1, contract: b-{i}}}\n" for i in range(bills)
        )
    )


def many_contracts(count: int) -> str:
    return "site:\n  name: x\ncontracts:\n" + "".join(
        f"- {{ref: c{i}, service: access, party: so-net}}\n" for i in range(count)
    )


def _bounded() -> None:  # pragma: no cover - runs in the child
    limit = 2 * 1024**3
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def run_bounded(args: list[str], timeout: float = 20) -> subprocess.CompletedProcess[str]:
    """Run `python args…` in a child with 2 GB of memory and `timeout` seconds, so a crash or a
    blow-up fails the test instead of killing or stalling pytest."""
    return subprocess.run(
        [sys.executable, *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        preexec_fn=_bounded,
        check=False,
        cwd=Path(__file__).resolve().parents[1],
    )
