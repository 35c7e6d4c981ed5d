"""The sendwatch command line: crawl, extract, serve, demo, councils."""

from __future__ import annotations

import os
import sys
from datetime import date
from pathlib import Path

import click

from sendwatch.registry import load_registry, validate_registry

DEFAULT_DATA = Path(os.environ.get("SENDWATCH_DATA", "data"))


def _db_option(f):
    return click.option(
        "--db",
        "db_path",
        type=click.Path(path_type=Path),
        default=lambda: os.environ.get("SENDWATCH_DB", str(DEFAULT_DATA / "sendwatch.db")),
        show_default="data/sendwatch.db",
        help="SQLite database to write.",
    )(f)


@click.group()
@click.version_option()
def main():
    """sendwatch: find SEND funding papers on council committee sites, record what is withheld,
    extract the figures and publish them.

    Example: sendwatch crawl --council barnsley && sendwatch serve
    """


@main.command()
@click.option("--council", "councils", multiple=True, help="Registry slug; repeat for more councils.")
@click.option("--all", "all_councils", is_flag=True, help="Every ModernGov council in the registry.")
@click.option("--base-url", help="Any ModernGov site (the folder holding mgWebService.asmx).")
@click.option("--council-name", help="Name for a --base-url or --url site that is not in the registry.")
@click.option("--url", help="One meeting's ieListDocuments.aspx page: crawl just that meeting.")
@click.option("--since", help="First meeting date, YYYY-MM-DD (default 12 months ago; --all: rolling window).")
@click.option("--until", help="Last meeting date, YYYY-MM-DD (default 2 months ahead).")
@click.option("--weeks-back", default=6, show_default=True, help="--all: rolling window start, weeks ago.")
@click.option("--weeks-ahead", default=8, show_default=True, help="--all: rolling window end, weeks ahead.")
@click.option(
    "--backfill",
    is_flag=True,
    help="Crawl --since..--until in date chunks; chunks already done are skipped (resumable).",
)
@click.option("--chunk-days", default=365, show_default=True, help="--backfill chunk length in days.")
@_db_option
@click.option(
    "--files",
    "files_dir",
    type=click.Path(path_type=Path),
    default=None,
    help="Folder for downloaded documents (default: files/ beside the database).",
)
@click.option(
    "--registry",
    type=click.Path(exists=True, dir_okay=False),
    default=None,
    help="A councils.csv to use instead of the embedded registry.",
)
@click.option("--delay", type=float, default=None, help="Seconds between requests to one host (default 1).")
@click.option("--timeout", type=float, default=None, help="Seconds before a request times out (default 60).")
@click.option("--retries", type=int, default=None, help="Retries of a failed request (default 2).")
@click.option(
    "--revisit-days",
    type=float,
    default=None,
    help="Re-read meetings older than 8 weeks only if last read this many days ago (default 7; 0 = always).",
)
@click.option("--parallel", default=8, show_default=True, help="Councils crawled at once (each its own host).")
@click.option("--log-level", default="WARNING", show_default=True)
@click.option(
    "--progress/--no-progress",
    default=True,
    show_default=True,
    help="Per-council progress on stderr (a live line on a terminal, plain lines otherwise).",
)
def crawl(
    councils,
    all_councils,
    base_url,
    council_name,
    url,
    since,
    until,
    weeks_back,
    weeks_ahead,
    backfill,
    chunk_days,
    db_path,
    files_dir,
    registry,
    delay,
    timeout,
    retries,
    revisit_days,
    parallel,
    log_level,
    progress,
):
    """Crawl council committee sites into the database.

    Exit status is 0 when every council crawled cleanly, 1 when any had errors or failed.

    Example: sendwatch crawl --council barnsley --council leeds --since 2025-01-01
    """
    from sendwatch.crawling import CrawlTarget, completed_chunks, date_chunks, rolling_window, run_crawl

    targets = []
    if url:
        targets.append(CrawlTarget(council=councils[0] if councils else None, url=url, council_name=council_name))
    elif base_url:
        if not (council_name or councils):
            raise click.UsageError("--base-url needs --council-name (or --council SLUG)")
        targets.append(
            CrawlTarget(council=councils[0] if councils else None, base_url=base_url, council_name=council_name)
        )
    elif all_councils:
        reg = load_registry(registry)
        targets = [CrawlTarget(council=c.slug) for c in reg.values() if c.platform == "moderngov" and c.base_url]
        skipped = [c.slug for c in reg.values() if c.platform != "moderngov"]
        click.echo(
            f"{len(targets)} ModernGov councils; {len(skipped)} on other platforms not crawled "
            f"(no spider yet): {', '.join(skipped[:8])}{' ...' if len(skipped) > 8 else ''}",
            err=True,
        )
        if not since and not backfill:
            since, until = rolling_window(weeks_back, weeks_ahead)
    else:
        if not councils:
            raise click.UsageError(
                "say which councils: --council SLUG (see `sendwatch councils`), --all, --base-url or --url"
            )
        targets = [CrawlTarget(council=c) for c in councils]
    if backfill:
        if not since:
            raise click.UsageError("--backfill needs --since (and optionally --until)")
        until = until or date.today().isoformat()
        chunked = []
        for t in targets:
            done = completed_chunks(db_path, t.council) if t.council else set()
            for a, b in date_chunks(since, until, chunk_days):
                if (a, b) in done:
                    click.echo(f"{t.council}: {a}..{b} already crawled, skipped", err=True)
                    continue
                chunked.append(CrawlTarget(t.council, t.base_url, t.council_name, t.url, a, b))
        targets = chunked
        if not targets:
            click.echo("backfill: every chunk already crawled")
            sys.exit(0)
    files_dir = files_dir or db_path.parent / "files"
    db_path.parent.mkdir(parents=True, exist_ok=True)
    extra = {"RETRY_TIMES": retries} if retries is not None else {}
    if revisit_days is not None:
        extra["SENDWATCH_REVISIT_DAYS"] = revisit_days
    rows = run_crawl(
        targets,
        db=db_path,
        files=files_dir,
        since=since,
        until=until,
        registry=registry,
        delay=delay,
        timeout=timeout,
        log_level=log_level,
        parallel=parallel,
        settings_extra=extra,
        progress=progress,
    )
    failed = False
    click.echo(f"{'council':24} {'status':8} {'meetings':>8} {'items':>6} {'docs':>5} {'withheld':>8} {'errors':>6}")
    for r in rows:
        failed = failed or r.get("status") != "ok"
        click.echo(
            f"{r['council']:24} {r.get('status') or '?':8} {r.get('meetings') or 0:>8} {r.get('items') or 0:>6} "
            f"{r.get('documents') or 0:>5} {r.get('withheld') or 0:>8} {r.get('errors') or 0:>6}"
            + (f"  {r['message']}" if r.get("message") else "")
            + (f"  moved to {r['new_hosts']}" if r.get("new_hosts") else "")
        )
    click.echo(f"database: {db_path}")
    sys.exit(1 if failed or not rows else 0)


@main.command()
@_db_option
@click.option(
    "--quiet-days",
    default=120,
    show_default=True,
    help="Flag a council whose newest meeting was first seen longer ago than this.",
)
def health(db_path, quiet_days):
    """Councils whose last crawl failed, that have gone quiet, or whose site moved host.

    Exit status 1 when any council needs attention.

    Example: sendwatch health --db data/sendwatch.db
    """
    from sendwatch.health import health_rows

    rows = health_rows(db_path, quiet_days=quiet_days)
    click.echo(f"{'council':36} {'last crawl':26} {'status':11} {'errors':>6}  problem")
    for r in rows:
        click.echo(
            f"{r['council']:36} {r['last_crawl'] or '':26} {r['status'] or '':11} {r['errors'] or 0:>6}  {r['problem']}"
        )
    sys.exit(1 if any(r["problem"] != "ok" for r in rows) else 0)


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


def _register_commands():
    from sendwatch.cli_extract import extract_command
    from sendwatch.cli_publish import publish_command, serve_command

    main.add_command(extract_command, "extract")
    main.add_command(serve_command, "serve")
    main.add_command(publish_command, "publish")


_register_commands()

if __name__ == "__main__":
    main()
