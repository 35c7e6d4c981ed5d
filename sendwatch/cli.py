"""The sendwatch command line: crawl, extract, serve, demo, councils."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from sendwatch.registry import load_registry, validate_registry

DEFAULT_DATA = Path(os.environ.get("SENDWATCH_DATA", "data"))


def _db_option(f):
    return click.option("--db", "db_path", type=click.Path(path_type=Path),
                        default=lambda: os.environ.get("SENDWATCH_DB", str(DEFAULT_DATA / "sendwatch.db")),
                        show_default="data/sendwatch.db", help="SQLite database to write.")(f)


@click.group()
@click.version_option()
def main():
    """sendwatch: find SEND funding papers on council committee sites, record what is withheld,
    extract the figures and publish them.

    Example: sendwatch crawl --council barnsley && sendwatch serve
    """


@main.command()
@click.option("--council", "councils", multiple=True, help="Registry slug; repeat for more councils.")
@click.option("--base-url", help="Any ModernGov site (the folder holding mgWebService.asmx).")
@click.option("--council-name", help="Name for a --base-url or --url site that is not in the registry.")
@click.option("--url", help="One meeting's ieListDocuments.aspx page: crawl just that meeting.")
@click.option("--since", help="First meeting date, YYYY-MM-DD (default 12 months ago).")
@click.option("--until", help="Last meeting date, YYYY-MM-DD (default 2 months ahead).")
@_db_option
@click.option("--files", "files_dir", type=click.Path(path_type=Path), default=None,
              help="Folder for downloaded documents (default: files/ beside the database).")
@click.option("--registry", type=click.Path(exists=True, dir_okay=False), default=None,
              help="A councils.csv to use instead of the embedded registry.")
@click.option("--delay", type=float, default=None, help="Seconds between requests to one host (default 1).")
@click.option("--timeout", type=float, default=None, help="Seconds before a request times out (default 60).")
@click.option("--log-level", default="WARNING", show_default=True)
def crawl(councils, base_url, council_name, url, since, until, db_path, files_dir, registry, delay, timeout,
          log_level):
    """Crawl council committee sites into the database.

    Example: sendwatch crawl --council barnsley --council leeds --since 2025-01-01
    """
    from sendwatch.crawling import CrawlTarget, run_crawl

    targets = []
    if url:
        targets.append(CrawlTarget(council=councils[0] if councils else None, url=url, council_name=council_name))
    elif base_url:
        if not (council_name or councils):
            raise click.UsageError("--base-url needs --council-name (or --council SLUG)")
        targets.append(CrawlTarget(council=councils[0] if councils else None, base_url=base_url,
                                   council_name=council_name))
    else:
        if not councils:
            raise click.UsageError("say which councils: --council SLUG (see `sendwatch councils`), --base-url or --url")
        targets = [CrawlTarget(council=c) for c in councils]
    files_dir = files_dir or db_path.parent / "files"
    db_path.parent.mkdir(parents=True, exist_ok=True)
    rows = run_crawl(targets, db=db_path, files=files_dir, since=since, until=until, registry=registry,
                     delay=delay, timeout=timeout, log_level=log_level)
    failed = False
    click.echo(f"{'council':24} {'status':8} {'meetings':>8} {'items':>6} {'docs':>5} {'withheld':>8} {'errors':>6}")
    for r in rows:
        failed = failed or r.get("status") != "ok"
        click.echo(f"{r['council']:24} {r.get('status') or '?':8} {r.get('meetings') or 0:>8} {r.get('items') or 0:>6} "
                   f"{r.get('documents') or 0:>5} {r.get('withheld') or 0:>8} {r.get('errors') or 0:>6}"
                   + (f"  {r['message']}" if r.get("message") else ""))
    click.echo(f"database: {db_path}")
    sys.exit(1 if failed or not rows else 0)


@main.command()
@click.option("--platform", type=click.Choice(["moderngov", "cmis", "other", "unknown"]), default=None)
@click.option("--education/--all", "education_only", default=False, help="Only education authorities.")
@click.option("--registry", type=click.Path(exists=True, dir_okay=False), default=None)
@click.option("--check", is_flag=True, help="Validate the registry and exit non-zero on problems.")
def councils(platform, education_only, registry, check):
    """List the council registry (slug, platform, base URL).

    Example: sendwatch councils --platform cmis
    """
    reg = load_registry(registry)
    if check:
        problems = validate_registry(reg)
        for p in problems:
            click.echo(p, err=True)
        click.echo(f"{len(reg)} councils, {len(problems)} problems")
        sys.exit(1 if problems else 0)
    for c in reg.values():
        if platform and c.platform != platform:
            continue
        if education_only and not c.education_authority:
            continue
        click.echo(f"{c.slug:32} {c.platform:10} {c.base_url}")


@main.command()
@click.option("--port", default=8001, show_default=True, help="Datasette port.")
@click.option("--replica-port", default=8765, show_default=True)
@click.option("--data", "data_dir", type=click.Path(path_type=Path), default=Path("data/demo"), show_default=True)
@click.option("--no-serve", is_flag=True, help="Build the demo database and stop.")
def demo(port, replica_port, data_dir, no_serve):
    """Start the offline replica, crawl it twice, extract, and serve Datasette.

    Example: sendwatch demo --port 8001
    """
    from sendwatch.demo import build_demo

    db_path = build_demo(data_dir, replica_port=replica_port, echo=click.echo)
    if no_serve:
        return
    import subprocess

    from sendwatch.publish import serve_command_line

    click.echo(f"sendwatch demo: http://127.0.0.1:{port}/   (Ctrl-C to stop)")
    subprocess.run(serve_command_line(db_path, port=port))


def _register_optional():
    try:
        from sendwatch.cli_extract import extract_command

        main.add_command(extract_command, "extract")
    except ImportError:
        pass
    try:
        from sendwatch.cli_publish import publish_command, serve_command

        main.add_command(serve_command, "serve")
        main.add_command(publish_command, "publish")
    except ImportError:
        pass


_register_optional()

if __name__ == "__main__":
    main()
