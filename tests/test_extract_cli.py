"""`sendwatch extract FILE... --json` and `sendwatch extract --db --files`."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from db.schema import open_db
from db.store import store_file
from sendwatch.cli_extract import extract_command
from tests.test_extract_database import REPORT

ROOT = Path(__file__).resolve().parents[1]


def test_json_one_object_per_file(tmp_path) -> None:
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(REPORT)
    html = tmp_path / "item.html"
    html.write_text("<p>The High Needs Block allocation for 2024-25 is £80.2m.</p>")
    bad = tmp_path / "chart.png"
    bad.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    proc = subprocess.run(
        [sys.executable, "-m", "sendwatch.cli_extract", str(pdf), str(html), str(bad), "--json"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    objs = [json.loads(line) for line in proc.stdout.splitlines()]
    assert [o["status"] for o in objs] == ["ok", "ok", "unsupported"]
    [page] = objs[0]["pages"]
    assert page["page"] == 2
    assert [f["value"] for f in page["figures"]] == [15_100_000]
    assert page["withheld"][0]["paragraphs"] == [3]
    assert objs[1]["pages"][0]["figures"][0]["metric"] == "high_needs_block_allocation"
    assert "span" not in page["figures"][0]


def test_database_mode(tmp_path) -> None:
    db_path, files = tmp_path / "s.db", tmp_path / "files"
    db = open_db(db_path)
    db["documents"].insert({"id": "x:d1", "council": "x", "sha256": store_file(files, REPORT)}, pk="id")
    result = CliRunner().invoke(extract_command, ["--db", str(db_path), "--files", str(files)])
    assert result.exit_code == 0, result.output
    assert "1 documents, 2 pages, 1 figures, 1 withheld markers" in result.output
    assert open_db(db_path)["figures"].count == 1


def test_help_ends_with_example() -> None:
    result = CliRunner().invoke(extract_command, ["--help"])
    assert "sendwatch extract report.pdf minutes.docx --json" in result.output
