"""The `madoguchi` command: JSON on stdout only, exit 2 with clear lines for bad input."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from madoguchi.cli import main
from madoguchi.engine.limits import MAX_FILE_BYTES
from tests.engine.factories import dump, fiber_site
from tests.hostile import many_contracts, nested, run_bounded

SHARED = Path(os.environ.get("MADOGUCHI_SHARED", Path(__file__).resolve().parents[2] / "shared"))
SPEC_EXAMPLES = SHARED / "spec" / "examples"
REPO_EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


@pytest.fixture
def site_file(tmp_path: Path) -> Path:
    path = tmp_path / "site.yaml"
    path.write_text(dump(fiber_site(symptoms=["internet-down"])), encoding="utf-8")
    return path


def test_assess_json_prints_one_object(site_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["assess", str(site_file), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert {
        "site",
        "now",
        "region",
        "routes",
        "first_call",
        "hypotheses",
        "findings",
        "deadlines",
        "escalation",
    } <= set(out)


def test_now_option_wins_over_the_file(site_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    main(["assess", str(site_file), "--json", "--now", "2026-05-05T12:00:00+09:00"])
    assert json.loads(capsys.readouterr().out)["now"] == "2026-05-05T12:00:00+09:00"


def test_human_output_starts_with_the_desk_to_call(
    site_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["assess", str(site_file)]) == 0
    out = capsys.readouterr().out
    assert out.index("まず電話するところ") < out.index("考えられる原因") < out.index("指摘事項")
    assert "ドコモ光" in out


def test_english_human_output(site_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    main(["assess", str(site_file), "--lang", "en"])
    assert "Call first" in capsys.readouterr().out


def test_invalid_file_exits_2_naming_the_field(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(
        "site: {name: x}\n"
        "contracts:\n  - {ref: a, service: isp, party: so-net, start: 2026-02-30}\n"
    )
    assert main(["assess", str(path), "--json"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "contracts[0].start: '2026-02-30' is not a valid date" in captured.err


def test_missing_file_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["assess", "/nonexistent/site.yaml"]) == 2
    assert "no such file" in capsys.readouterr().err


def test_bad_now_exits_2(site_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["assess", str(site_file), "--now", "yesterday"]) == 2
    assert "--now" in capsys.readouterr().err


def test_catalog_search_lists_matches(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["catalog", "ドコモ", "--json"]) == 0
    slugs = [p["slug"] for p in json.loads(capsys.readouterr().out)["parties"]]
    assert "docomo-hikari" in slugs


def test_catalog_marks_unverified_entries(capsys: pytest.CaptureFixture[str]) -> None:
    main(["catalog", "nuro"])
    assert "要確認" in capsys.readouterr().out


def test_catalog_unverified_lists_each_fact_with_its_source(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["catalog", "--unverified", "--json"]) == 0
    facts = {f["key"]: f for f in json.loads(capsys.readouterr().out)}
    assert "desk:so-net/so-net-support" in facts
    assert facts["desk:so-net/so-net-support"]["source"].startswith("https://")
    assert "desk:ntt-west/ntt-west-hikari-fault" not in facts  # official: verified
    assert all(not f["verified"] and f["checked"] for f in facts.values())


def test_catalog_unverified_in_a_terminal_says_how_many(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["catalog", "--unverified", "ntt"]) == 0
    out = capsys.readouterr().out
    assert "要確認の項目" in out
    assert "0120-553-104" in out


def test_console_script_runs_without_a_traceback(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("site: [\n", encoding="utf-8")
    run = subprocess.run(
        [sys.executable, "-m", "madoguchi.cli", "assess", str(bad), "--json"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 2
    assert "Traceback" not in run.stderr
    assert run.stdout == ""


def _expected_exit(path: Path) -> int:
    expected = path.with_name(path.name.replace(".yaml", ".expected.json"))
    return json.loads(expected.read_text()).get("exit_code", 0) if expected.exists() else 0


@pytest.mark.parametrize("path", sorted(REPO_EXAMPLES.glob("*.yaml")), ids=lambda p: p.name)
def test_every_demo_site_file_gives_its_expected_exit_code(
    path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["assess", str(path), "--json"]) == _expected_exit(path)


@pytest.mark.skipif(
    not SPEC_EXAMPLES.exists(), reason="shared spec not checked out beside the repo"
)
def test_public_examples_match_their_expected_answers() -> None:
    checker = SPEC_EXAMPLES.parents[1] / "tools" / "check-assess"
    run = subprocess.run(
        [
            sys.executable,
            str(checker),
            "--cmd",
            f"{sys.executable} -m madoguchi.cli assess",
            str(SPEC_EXAMPLES),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, run.stdout


@pytest.mark.parametrize("levels", [30_000, 50_000])
def test_deep_nesting_exits_2_without_a_crash(tmp_path: Path, levels: int) -> None:
    path = tmp_path / "deep.yaml"
    path.write_text(nested(levels), encoding="utf-8")
    run = run_bounded(["-m", "madoguchi.cli", "assess", str(path)], timeout=20)
    assert run.returncode == 2  # a segfault was -11
    assert run.stderr == f"{path}: line 3, column 26: nested more than 20 levels deep\n"


def test_oversize_file_exits_2_reading_no_more_than_the_limit(tmp_path: Path) -> None:
    path = tmp_path / "big.yaml"
    with path.open("wb") as stream:
        stream.truncate(50 * MAX_FILE_BYTES)  # sparse: 50 MB that costs no disk
    run = run_bounded(["-m", "madoguchi.cli", "assess", str(path)], timeout=20)
    assert run.returncode == 2
    assert run.stderr == (
        f"madoguchi: {path}: the file is larger than 1,000,000 bytes, "
        "the most a site file may hold\n"
    )


def test_too_many_records_exit_2_with_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "many.yaml"
    path.write_text(many_contracts(501), encoding="utf-8")
    assert main(["assess", str(path)]) == 2
    assert capsys.readouterr().err == (
        f"{path}: contracts: 501 entries; at most 500 are accepted\n"
    )


def test_standard_input_is_bounded_too(tmp_path: Path) -> None:
    run = subprocess.run(
        [sys.executable, "-m", "madoguchi.cli", "assess", "-"],
        input=b"#" * (MAX_FILE_BYTES + 10),
        capture_output=True,
        timeout=20,
        check=False,
    )
    assert run.returncode == 2
    assert b"larger than 1,000,000 bytes" in run.stderr


def test_a_reader_that_stops_early_is_not_an_error() -> None:
    child = subprocess.Popen(
        [sys.executable, "-m", "madoguchi.cli", "catalog"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert child.stdout is not None
    assert child.stderr is not None
    child.stdout.close()  # `| head` that has read enough
    errors = child.stderr.read().decode()
    assert child.wait(timeout=60) == 141
    assert errors == ""


def test_piped_catalog_keeps_numbers_and_addresses_whole(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["catalog", "--unverified"]) == 0
    out = capsys.readouterr().out
    assert "https://kakuyasu-sumahogakuen.com/hikari-net/docomo-hikari/9571.html" in out
    assert "…" not in out
