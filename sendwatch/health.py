"""Crawl health: councils that failed, went quiet, or moved host. Shared by the CLI and metadata.yml."""

from __future__ import annotations

from pathlib import Path

from db.schema import open_db

HEALTH_SQL = """
with latest as (
  select council, max(started) as started from crawl_runs group by council
),
last as (
  select r.council, r.started as last_started, r.status as last_status, r.errors as last_errors,
         r.new_hosts, r.meetings as last_meetings
  from crawl_runs r join latest l on l.council = r.council and l.started = r.started
),
newest as (
  select council, max(first_seen) as newest_meeting_seen, count(*) as meetings from meetings group by council
)
select last.council, last.last_started, last.last_status, last.last_errors, last.new_hosts,
       newest.newest_meeting_seen, coalesce(newest.meetings, 0) as meetings_stored,
       case
         when last.last_status = 'failed' then 'last crawl failed'
         when last.last_status in ('running', 'interrupted') then 'last crawl did not finish'
         when last.new_hosts is not null then 'site redirected to another host: ' || last.new_hosts
         when coalesce(newest.meetings, 0) = 0 then 'no meetings found'
         when julianday(last.last_started) - julianday(newest.newest_meeting_seen) > :quiet_days
           then 'no new meetings for '
             || cast(julianday(last.last_started) - julianday(newest.newest_meeting_seen) as int) || ' days'
         when last.last_status = 'errors' then 'last crawl had errors'
         else null
       end as problem
from last left join newest on newest.council = last.council
order by problem is null, last.council
"""


def health_rows(db_path: str | Path, *, quiet_days: int = 120) -> list[dict]:
    db = open_db(db_path)
    return [dict(r) for r in db.query(HEALTH_SQL, {"quiet_days": quiet_days})]
