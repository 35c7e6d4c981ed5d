"""``sendwatch serve`` and ``sendwatch publish``: thin click commands over sendwatch.publish."""

from __future__ import annotations

import os
import shlex
import subprocess
import sys

import click

from sendwatch.publish import (
    DEFAULT_DB,
    PUBLISH_HOSTS,
    datasette_args,
    publish_args,
    serve_command_line,
)


def _check(fn, *args, **kwargs) -> list[str]:
    try:
        return fn(*args, **kwargs)
    except ValueError as exc:
        raise click.UsageError(str(exc)) from exc


@click.command("serve")
@click.option(
    "--db",
    "db_path",
    type=click.Path(dir_okay=False),
    default=lambda: os.environ.get("SENDWATCH_DB", str(DEFAULT_DB)),
    show_default=str(DEFAULT_DB),
    help="The sendwatch database (the file must be called sendwatch.db).",
)
@click.option("--port", type=int, default=8001, show_default=True, help="Port to listen on.")
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Interface to listen on; 0.0.0.0 exposes it to the network.",
)
@click.option(
    "--immutable",
    is_flag=True,
    help="Serve the file as immutable (faster counts; do not crawl into it meanwhile).",
)
@click.option("--dry-run", is_flag=True, help="Print the datasette command instead of running it.")
def serve_command(db_path: str, port: int, host: str, immutable: bool, dry_run: bool) -> None:
    """Browse and search the database locally with Datasette.

    Loads metadata.yml (descriptions, canned queries, feeds, dashboard), the SQL functions in
    plugins/, and read-only settings (SQL time limit 3 s, 1,000 rows per page).
    The database is at http://HOST:PORT/sendwatch.

    Example:

        sendwatch serve --db data/sendwatch.db --port 8001
    """
    cmd = _check(serve_command_line, db_path, host=host, port=port, immutable=immutable)
    if dry_run:
        click.echo(shlex.join(cmd))
        return
    click.echo(f"Serving {db_path} at http://{host}:{port}/sendwatch (Ctrl-C to stop)", err=True)
    try:
        sys.exit(subprocess.call(cmd))
    except KeyboardInterrupt:
        sys.exit(130)


@click.command("publish")
@click.argument("host", type=click.Choice(PUBLISH_HOSTS))
@click.option(
    "--db",
    "db_path",
    type=click.Path(dir_okay=False),
    default=lambda: os.environ.get("SENDWATCH_DB", str(DEFAULT_DB)),
    show_default=str(DEFAULT_DB),
    help="The sendwatch database (the file must be called sendwatch.db).",
)
@click.option("--service", help="Cloud Run service name (cloudrun only), e.g. sendwatch.")
@click.option("--name", help="Application name (heroku app or Cloud Run image name).")
@click.option("--extra", multiple=True, help="Extra argument passed to `datasette publish HOST` (repeatable).")
@click.option("--dry-run", is_flag=True, help="Print the datasette command instead of running it.")
def publish_command(
    host: str,
    db_path: str,
    service: str | None,
    name: str | None,
    extra: tuple[str, ...],
    dry_run: bool,
) -> None:
    """Publish the database to a hosting service with `datasette publish`.

    HOST is cloudrun (Google Cloud Run: needs the gcloud CLI, logged in, with a project set)
    or heroku (needs the heroku CLI, logged in). The published instance gets metadata.yml,
    the plugins/ directory, the Datasette plugins sendwatch uses (atom, vega, dashboards,
    search-all, block-robots) and the same read-only settings as `sendwatch serve`.
    Nothing is uploaded with --dry-run.

    Example:

        sendwatch publish cloudrun --db data/sendwatch.db --service sendwatch --dry-run
    """
    args = _check(publish_args, db_path, host, service=service, name=name, extra=list(extra))
    cmd = [sys.executable, "-m", "datasette", *args]
    if dry_run:
        click.echo(shlex.join(cmd))
        return
    sys.exit(subprocess.call(cmd))


__all__ = ["datasette_args", "publish_command", "serve_command"]
