"""The deploy/ files: systemd units, cron line, GitHub Actions workflow, and the commands they run."""

from __future__ import annotations

import configparser
import functools
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"
SERVICE = DEPLOY / "sendwatch-nightly.service"
TIMER = DEPLOY / "sendwatch-nightly.timer"
CRONTAB = DEPLOY / "crontab.txt"
WORKFLOW = DEPLOY / "github-actions-nightly.yml"
README = DEPLOY / "README.md"

# `sendwatch SUBCOMMAND ...` where sendwatch is run (at the start of a command, or as a path such as
# .venv/bin/sendwatch), up to the end of that shell command
INVOCATION = re.compile(r"(?:^[ \t]*|[/;&|(][ \t]*)sendwatch[ \t]+([a-z][a-z-]*)([^;&|)'\n]*)", re.MULTILINE)


def unit(path: Path) -> configparser.ConfigParser:
    """A systemd unit as INI: repeated keys allowed, case kept, no % interpolation."""
    parser = configparser.ConfigParser(
        strict=False,
        interpolation=None,
        delimiters=("=",),
        comment_prefixes=("#", ";"),
        empty_lines_in_values=False,
    )
    parser.optionxform = str
    parser.read_string(path.read_text(encoding="utf-8"))
    return parser


def cron_lines() -> list[str]:
    lines = [ln.strip() for ln in CRONTAB.read_text(encoding="utf-8").splitlines()]
    return [ln for ln in lines if ln and not ln.startswith("#") and not re.match(r"^[A-Z_]+=", ln)]


def workflow() -> dict:
    return yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))


def workflow_triggers(wf: dict) -> dict:
    # YAML 1.1 reads the key `on` as True.
    triggers = wf.get("on", wf.get(True))
    assert isinstance(triggers, dict), f"workflow triggers: {triggers!r}"
    return triggers


def commands() -> dict[str, str]:
    """Shell text from each deploy file that runs sendwatch: {where: text}."""
    out = {}
    svc = unit(SERVICE)
    out[SERVICE.name] = "\n".join(svc["Service"].get("ExecStart", "").splitlines())
    out[CRONTAB.name] = "\n".join(cron_lines())
    for job_name, job in workflow()["jobs"].items():
        for i, step in enumerate(job["steps"]):
            if "run" in step:
                out[f"{WORKFLOW.name} {job_name} step {i + 1}"] = step["run"]
    blocks = re.findall(r"```(?:sh|bash|shell)?\n(.*?)```", README.read_text(encoding="utf-8"), re.DOTALL)
    out[README.name] = "\n".join(blocks)
    return out


@functools.cache
def cli_help(*args: str) -> str:
    proc = subprocess.run(
        [sys.executable, "-m", "sendwatch.cli", *args, "--help"],
        check=False,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def subcommands() -> set[str]:
    text = cli_help()
    section = text.split("Commands:", 1)[1]
    return set(re.findall(r"^\s{2}([a-z][a-z-]*)\s", section, re.MULTILINE))


# ---------------------------------------------------------------- systemd


def test_service_is_a_oneshot_unit_as_an_unprivileged_user():
    svc = unit(SERVICE)
    assert svc["Unit"].get("Description")
    s = svc["Service"]
    assert s.get("Type") == "oneshot"
    assert s.get("User") and s.get("User") != "root"
    assert s.get("WorkingDirectory", "").startswith("/")
    exec_start = s.get("ExecStart", "")
    assert exec_start.split()[0].startswith("/"), "ExecStart needs an absolute program path"
    assert "flock" in exec_start, "two runs must never overlap"
    assert re.search(r"sendwatch crawl --all\b", exec_start)
    assert "sendwatch extract" in exec_start
    assert exec_start.index("crawl --all") < exec_start.index("extract")
    assert int(s.get("Nice", "0")) > 0
    assert s.get("IOSchedulingClass") in ("best-effort", "idle", "2", "3")
    assert "[Install]" not in SERVICE.read_text(), "the timer, not the service, is enabled"


def test_service_shell_variables_are_escaped_for_systemd():
    # systemd expands $NAME in ExecStart itself: the shell's $? and $crawl must be written $$.
    exec_start = unit(SERVICE)["Service"]["ExecStart"]
    assert not re.search(r"(?<!\$)\$(?!\$)[?A-Za-z_]", exec_start), exec_start
    assert "%" not in exec_start.replace("%%", ""), "systemd specifiers (%) in ExecStart"


def test_timer_starts_the_service_nightly():
    tmr = unit(TIMER)
    assert tmr["Unit"].get("Description")
    t = tmr["Timer"]
    assert t.get("OnCalendar")
    assert t.get("Unit", SERVICE.name) == SERVICE.name
    assert t.get("Persistent") in ("true", "yes")
    assert tmr["Install"].get("WantedBy") == "timers.target"


# ---------------------------------------------------------------- cron


def test_cron_line_uses_flock_and_runs_crawl_then_extract():
    lines = cron_lines()
    assert len(lines) == 1, lines
    fields = lines[0].split(None, 5)
    assert len(fields) == 6 and all(re.fullmatch(r"[\d*/,-]+", f) for f in fields[:5]), fields
    command = fields[5]
    assert re.search(r"\bflock\s+(-n|--nonblock)\b", command)
    assert "sendwatch crawl --all" in command and "sendwatch extract" in command
    assert "%" not in command, "cron turns % into a newline"
    assert "nice" in command


# ---------------------------------------------------------------- GitHub Actions


def test_workflow_is_yaml_with_a_nightly_schedule():
    wf = workflow()
    triggers = workflow_triggers(wf)
    crons = [s["cron"] for s in triggers["schedule"]]
    assert crons and all(len(c.split()) == 5 for c in crons)
    runs = "\n".join(commands()[k] for k in commands() if k.startswith(WORKFLOW.name))
    assert "pip install -e ." in runs
    for step in ("sendwatch crawl --all", "sendwatch extract", "sendwatch publish"):
        assert step in runs, step
    uses = [s.get("uses", "") for job in wf["jobs"].values() for s in job["steps"]]
    assert any(u.startswith("actions/upload-artifact@") for u in uses)
    assert any(u.startswith("actions/cache") for u in uses) or "gh release download" in runs


def test_workflow_keeps_secrets_in_secrets():
    text = WORKFLOW.read_text(encoding="utf-8")
    assert "${{ secrets." in text
    for m in re.finditer(r"(?i)(api_key|credentials_json|password|token)\s*:\s*(\S+)", text):
        value = m.group(2)
        assert value.startswith("${{"), f"{m.group(0)}: use ${{{{ secrets.NAME }}}}"


# ---------------------------------------------------------------- the commands exist


def test_crawl_and_extract_exist():
    assert {"crawl", "extract"} <= subcommands()


def test_every_sendwatch_command_and_option_used_in_deploy_exists():
    known = subcommands()
    used = []
    for where, text in commands().items():
        for sub, rest in INVOCATION.findall(text):
            used.append((where, sub, rest))
    assert any(sub == "crawl" for _, sub, _ in used)
    for where, sub, rest in used:
        assert sub in known, f"{where}: `sendwatch {sub}` is not a sendwatch command ({sorted(known)})"
        options = set(re.findall(r"(?<![\w-])(--[a-z][a-z-]*)", rest))
        if not options:
            continue
        help_text = cli_help(sub)
        for opt in options:
            assert re.search(rf"(?<![\w-]){re.escape(opt)}(?![\w-])", help_text), (
                f"{where}: `sendwatch {sub} {opt}` is not an option of sendwatch {sub}"
            )


@pytest.mark.parametrize("path", [SERVICE, TIMER, CRONTAB, WORKFLOW, README])
def test_deploy_file_exists(path):
    assert path.exists() and path.read_text(encoding="utf-8").strip()
