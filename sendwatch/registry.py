"""The council registry: which council, which platform, which committee site."""

from __future__ import annotations

import csv
import os
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from urllib.parse import urlsplit

from sendwatch.constants import PLATFORMS

REGISTRY_COLUMNS = [
    "slug",
    "name",
    "gss_code",
    "dfe_la_code",
    "education_authority",
    "platform",
    "base_url",
    "source",
]


@dataclass(frozen=True)
class Council:
    slug: str
    name: str
    platform: str
    base_url: str
    gss_code: str = ""
    dfe_la_code: str = ""
    education_authority: bool = False
    source: str = ""

    @property
    def hosts(self) -> list[str]:
        host = urlsplit(self.base_url).hostname
        return [host.lower()] if host else []

    def as_row(self) -> dict:
        return {
            "slug": self.slug,
            "name": self.name,
            "gss_code": self.gss_code,
            "dfe_la_code": self.dfe_la_code,
            "education_authority": int(self.education_authority),
            "platform": self.platform,
            "base_url": self.base_url,
            "source": self.source,
        }


def default_registry_path() -> Path:
    env = os.environ.get("SENDWATCH_REGISTRY")
    if env:
        return Path(env)
    return Path(str(resources.files("sendwatch") / "councils.csv"))


def load_registry(path: str | Path | None = None) -> dict[str, Council]:
    """Read councils.csv (the embedded one unless a path or SENDWATCH_REGISTRY says otherwise)."""
    path = Path(path) if path else default_registry_path()
    councils: dict[str, Council] = {}
    with open(path, newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            councils[row["slug"]] = Council(
                slug=row["slug"],
                name=row["name"],
                platform=row["platform"],
                base_url=(row.get("base_url") or "").rstrip("/"),
                gss_code=row.get("gss_code") or "",
                dfe_la_code=row.get("dfe_la_code") or "",
                education_authority=(row.get("education_authority") or "").lower() == "yes",
                source=row.get("source") or "",
            )
    return councils


def validate_registry(councils: dict[str, Council]) -> list[str]:
    """Problems with the registry, one message per problem (empty when it is sound)."""
    problems = []
    for slug, c in councils.items():
        if not re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", slug):
            problems.append(f"{slug}: slug is not lowercase-hyphenated")
        if c.platform not in PLATFORMS:
            problems.append(f"{slug}: unknown platform {c.platform!r}")
        if c.base_url:
            parts = urlsplit(c.base_url)
            if parts.scheme not in ("http", "https") or not parts.hostname or parts.query:
                problems.append(f"{slug}: malformed base_url {c.base_url!r}")
        elif c.platform in ("moderngov", "cmis"):
            problems.append(f"{slug}: platform {c.platform} but no base_url")
    return problems


def slugify(name: str) -> str:
    s = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    for suffix in ("-county-borough-council", "-borough-council", "-city-council", "-county-council", "-council"):
        if s.endswith(suffix) and len(s) > len(suffix):
            return s[: -len(suffix)]
    return s


def council_for_url(url: str, councils: dict[str, Council], name: str | None = None) -> Council:
    """The registry council whose site holds this URL, or an ad-hoc ModernGov council for it."""
    from sendwatch.urls import moderngov_base

    base = moderngov_base(url)
    host = (urlsplit(base).hostname or "").lower()
    matches = [
        c
        for c in councils.values()
        if c.base_url and urlsplit(c.base_url).hostname and urlsplit(c.base_url).hostname.lower() == host
    ]
    # Shared sites (adur/worthing) and sub-path installs: prefer the longest base that prefixes the URL.
    matches = [c for c in matches if base.lower().startswith(c.base_url.lower())] or matches
    if matches and not name:
        return max(matches, key=lambda c: len(c.base_url))
    label = name or host
    slug = slugify(name) if name else re.sub(r"[^a-z0-9]+", "-", host).strip("-")
    return Council(slug=slug, name=label, platform="moderngov", base_url=base)
