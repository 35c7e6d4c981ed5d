"""Serve and publish the sendwatch database with Datasette: one place builds the arguments.

``datasette_args()`` is used by ``sendwatch serve``, the tests' server fixture and the demo;
``publish_args()`` by ``sendwatch publish``; ``datasette_instance()`` by the benchmark and tests
that use Datasette's in-process client. All three load the same metadata.yml, plugins/ and settings.
"""

from __future__ import annotations

import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
METADATA = ROOT / "metadata.yml"
PLUGINS_DIR = ROOT / "plugins"
DATABASE_NAME = "sendwatch"  # the name in URLs: /sendwatch/...; the file must be sendwatch.db
DEFAULT_DB = Path("data") / "sendwatch.db"

# Read-only and bounded: a public instance must not be slowed down by one expensive query.
SETTINGS: dict[str, str] = {
    "sql_time_limit_ms": "3000",
    "max_returned_rows": "1000",
    "facet_time_limit_ms": "300",
    # Suggesting facets costs a query per column on every table page: too slow at 200k pages.
    "suggest_facets": "off",
    "default_page_size": "50",
    "allow_download": "on",  # journalists can take the whole database away
    "default_cache_ttl": "300",
    "truncate_cells_html": "400",
}

# Packages a published instance needs (the plugins dir travels with --plugins-dir).
PUBLISH_INSTALL: tuple[str, ...] = (
    "datasette-atom==0.9",
    "datasette-vega==0.6.2",
    "datasette-dashboards==0.8.0",
    "datasette-search-all==1.1.4",
    "datasette-block-robots==1.1.1",
)
PUBLISH_HOSTS = ("cloudrun", "heroku")


def check_db_path(db_path: str | Path) -> Path:
    """Return the path if it names an existing sendwatch.db; raise ValueError saying what to do."""
    path = Path(db_path)
    if path.stem != DATABASE_NAME:
        raise ValueError(
            f"{path}: the database file must be called {DATABASE_NAME}.db so that its URLs are "
            f"/{DATABASE_NAME}/... and metadata.yml applies; rename or symlink it."
        )
    if not path.exists():
        raise ValueError(f"{path}: no such database; build it first (e.g. `make demo`).")
    return path


def _settings_args(settings: dict[str, str] | None) -> list[str]:
    merged = {**SETTINGS, **(settings or {})}
    args: list[str] = []
    for key, value in merged.items():
        args += ["--setting", key, str(value)]
    return args


def datasette_args(
    db_path: str | Path,
    *,
    host: str = "127.0.0.1",
    port: int = 8001,
    metadata: str | Path = METADATA,
    plugins_dir: str | Path = PLUGINS_DIR,
    settings: dict[str, str] | None = None,
    immutable: bool = False,
    extra: list[str] | tuple[str, ...] = (),
) -> list[str]:
    """Arguments for ``datasette serve`` (without the leading ``datasette serve``).

    Use as ``[sys.executable, "-m", "datasette", "serve", *datasette_args(db)]``.
    ``immutable`` serves the file with ``-i`` (faster counts; the file must not change).
    """
    path = check_db_path(db_path)
    args = ["-i", str(path)] if immutable else [str(path)]
    args += ["--metadata", str(metadata), "--plugins-dir", str(plugins_dir)]
    args += _settings_args(settings)
    args += ["--host", host, "--port", str(port)]
    return args + list(extra)


def serve_command_line(db_path: str | Path, **kwargs) -> list[str]:
    """The full command that runs Datasette for ``db_path`` with this Python."""
    return [sys.executable, "-m", "datasette", "serve", *datasette_args(db_path, **kwargs)]


def publish_args(
    db_path: str | Path,
    host: str = "cloudrun",
    *,
    service: str | None = None,
    name: str | None = None,
    metadata: str | Path = METADATA,
    plugins_dir: str | Path = PLUGINS_DIR,
    settings: dict[str, str] | None = None,
    install: tuple[str, ...] | list[str] = PUBLISH_INSTALL,
    extra: list[str] | tuple[str, ...] = (),
) -> list[str]:
    """Arguments for ``datasette publish`` (without the leading ``datasette``).

    ``host`` is cloudrun (needs gcloud, logged in) or heroku (needs the heroku CLI).
    Settings travel as ``--extra-options``; the database is served immutable (Datasette's default
    for published files).
    """
    if host not in PUBLISH_HOSTS:
        raise ValueError(f"unknown host {host!r}: choose one of {', '.join(PUBLISH_HOSTS)}")
    path = check_db_path(db_path)
    args = ["publish", host, str(path), "--metadata", str(metadata)]
    args += ["--plugins-dir", str(plugins_dir)]
    for package in install:
        args += ["--install", package]
    args += ["--extra-options", " ".join(_settings_args(settings))]
    if host == "cloudrun" and service:
        args += ["--service", service]
    if name:
        args += ["--name", name]
    return args + list(extra)


def load_metadata(path: str | Path = METADATA) -> dict:
    with open(path, encoding="utf-8") as fp:
        return yaml.safe_load(fp)


def datasette_instance(db_path: str | Path, *, settings: dict[str, str] | None = None):
    """A ``datasette.app.Datasette`` configured exactly as ``sendwatch serve`` configures it."""
    from datasette.app import Datasette

    path = check_db_path(db_path)
    merged = {**SETTINGS, **(settings or {})}
    typed: dict = {}
    for key, value in merged.items():
        if value in ("on", "off"):
            typed[key] = value == "on"
        else:
            typed[key] = int(value) if value.isdigit() else value
    return Datasette(
        [str(path)],
        metadata=load_metadata(),
        plugins_dir=str(PLUGINS_DIR),
        settings=typed,
    )
