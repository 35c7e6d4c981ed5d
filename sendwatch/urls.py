"""ModernGov URLs: canonical forms, ids read from any of their spellings."""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

# Cookieless ASP.NET session segments: /(X(1)S(fkn0jfigeevz5oferbjpjk55))/
_SESSION = re.compile(r"/\((?:[A-Z]\([^)]*\))+\)(?=/)")
_PAGE = re.compile(r"/[^/]*\.(?:aspx|asmx|ashx)$", re.IGNORECASE)

# Parameter spellings seen on real sites, mapped to one name.
_PARAM_ALIASES = {
    "mid": "MId",
    "meetingid": "MId",
    "cid": "CId",
    "committeeid": "CId",
    "id": "ID",
    "oid": "OID",
    "rpid": "RPID",
    "ot": "OT",
    "t": "T",
    "year": "Year",
    "aiid": "AIId",
}
_DROP = {"ver", "evt", "zts", "lll", "bm"}


def strip_session(url: str) -> str:
    return _SESSION.sub("", url)


def params(url: str) -> dict[str, str]:
    """Query parameters under one spelling each (MId, CId, ID, OID, RPID...)."""
    out = {}
    for k, v in parse_qsl(urlsplit(url).query, keep_blank_values=True):
        out[_PARAM_ALIASES.get(k.lower(), k)] = v
    return out


def canonical(url: str) -> str:
    """Session segments removed, host lower-cased, spaces encoded, noise parameters dropped."""
    url = strip_session(url.strip())
    parts = urlsplit(url)
    query = [
        (_PARAM_ALIASES.get(k.lower(), k), v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if k.lower() not in _DROP
    ]
    path = quote(parts.path, safe="/%:@!$&'()*+,;=-._~")
    netloc = parts.netloc.lower()
    return urlunsplit((parts.scheme.lower(), netloc, path, urlencode(query), ""))


def moderngov_base(url: str) -> str:
    """The install base (the directory holding mgWebService.asmx) for any page URL."""
    url = strip_session(url)
    parts = urlsplit(url)
    path = _PAGE.sub("", parts.path).rstrip("/")
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), path, "", ""))


def meeting_url(base: str, cid: str | None, mid: str) -> str:
    q = {"CId": cid, "MId": mid} if cid else {"MId": mid}
    return f"{base}/ieListDocuments.aspx?{urlencode(q)}"


def attachment_id(url: str) -> str | None:
    """The attachment id in mgConvert2PDF.aspx?ID=N (no T=) or documents/sN/... links."""
    p = params(url)
    path = urlsplit(url).path
    if re.search(r"mgConvert2PDF\.aspx$", path, re.I) and "ID" in p and "T" not in p:
        return p["ID"]
    m = re.search(r"/documents/s(\d+)/", path, re.I)
    return m.group(1) if m else None


def pack_key(url: str) -> tuple[str, str] | None:
    """(meeting id, type) for meeting-level packs: mgConvert2PDF.aspx?ID=M&T=10, documents/gM/...?T=n."""
    p = params(url)
    path = urlsplit(url).path
    if re.search(r"mgConvert2PDF\.aspx$", path, re.I) and "ID" in p and "T" in p:
        return p["ID"], p["T"]
    m = re.search(r"/documents/[gb](\d+)/", path, re.I)
    if m:
        return m.group(1), p.get("T", "")
    if re.search(r"mgChooseDocPack\.aspx$", path, re.I) and "ID" in p:
        return p["ID"], "pack"
    return None
