"""A small HTTP server for the offline replica of council ModernGov sites (127.0.0.1 only).

    python -m replica.server --port 8765 --registry-out data/replica-councils.csv

Each council lives under /<slug>/ as a sub-path install. Faults for tests are switched on by name.
"""

from __future__ import annotations

import argparse
import csv
import functools
import hashlib
import re
import threading
import time
from datetime import UTC, date, datetime
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlsplit

from replica import render
from replica.content import Meeting, Site, build_sites

FAULTS = ("broken_page", "http_500", "slow")
_GENERATE = threading.RLock()
_SESSION = re.compile(r"/\((?:[A-Z]\([^)]*\))+\)(?=/)")


class Replica:
    def __init__(
        self, anchor: date | None = None, faults: set[str] | None = None, slow_seconds: float = 10, edition: int = 1
    ):
        self.anchor = anchor or date.today()
        self.edition = edition
        self.sites = build_sites(self.anchor, edition)
        self.faults = set(faults or ())
        self.slow_seconds = slow_seconds
        self.hits: dict[str, int] = {}
        self._lock = threading.Lock()
        self._request = threading.local()  # the headers of the request being answered, per thread

    # ------------------------------------------------------------ lookup
    def meeting(self, site: Site, mid: int) -> tuple[Meeting, str] | None:
        for c in site.committees:
            for m in c.meetings:
                if m.mid == mid:
                    return m, c.title
        return None

    def doc(self, site: Site, att: int):
        for c in site.committees:
            for m in c.meetings:
                for it in m.items:
                    for d in it.docs:
                        if d.att == att:
                            return d, it, m, c.title
        return None

    def set_edition(self, edition: int) -> None:
        """Move the live replica on to another edition (the same sites, changed: see content.EDITION_2)."""
        self.edition = edition
        self.sites = build_sites(self.anchor, edition)

    # fault targets: fixed, named things in northby
    def fault_targets(self) -> dict[str, str]:
        n = self.sites["northby"]
        scrutiny, planning, forum = n.committees[2], n.committees[3], n.committees[0]
        first_doc = next(it for it in forum.meetings[0].items if it.docs).docs[0]
        return {
            "broken_page": f"/northby/ieListDocuments.aspx?CId={scrutiny.cid}&MId={scrutiny.meetings[0].mid}",
            "http_500": f"/northby/mgWebService.asmx/GetMeeting?lMeetingId={planning.meetings[0].mid}",
            "slow": f"/northby/mgConvert2PDF.aspx?ID={first_doc.att}",
        }

    # ------------------------------------------------------------ documents
    def doc_bytes(self, slug: str, att: int) -> tuple[bytes, str]:
        d = self.doc(self.sites[slug], att)[0]
        with _GENERATE:  # reportlab and pdfium are not thread-safe; the server answers in threads
            return self._doc_bytes(slug, att, d.revision)

    @functools.cache  # noqa: B019 - one replica per process, cached for its life
    def _doc_bytes(self, slug: str, att: int, revision: int) -> tuple[bytes, str]:
        from replica import documents as D

        site = self.sites[slug]
        d, it, m, ctitle = self.doc(site, att)
        seed = d.att + 7919 * (revision - 1)
        day = m.day(self.anchor)
        if d.fmt == "docx":
            return D.report_docx(title=d.title, council=site.name, topic=d.topic, seed=seed), (
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
            )
        if d.fmt == "scanned":
            return D.scanned_pdf(title=d.title, seed=seed), "application/pdf"
        if d.title.startswith("Appendix"):
            return D.appendix_pdf(title=d.title, council=site.name, topic=d.topic, seed=seed), "application/pdf"
        para = d.exempt_paragraph
        if para and site.welsh:
            para += 11
        return D.report_pdf(
            title=d.title,
            council=site.name,
            committee=ctitle,
            meeting_date=day,
            topic=d.topic,
            seed=seed,
            exempt_paragraph=para,
            welsh=site.welsh,
        ), "application/pdf"

    def pack_bytes(self, slug: str, mid: int, t: int) -> bytes:
        m, _ = self.meeting(self.sites[slug], mid)
        signature = repr(
            [
                (
                    it.aid,
                    it.title,
                    it.minutes,
                    bool(it.expect),
                    [(d.att, d.revision, d.restricted, bool(d.reasons)) for d in it.docs],
                )
                for it in m.items
            ]
        )
        with _GENERATE:
            return self._pack_bytes(slug, mid, t, signature)

    @functools.cache  # noqa: B019 - one replica per process, cached for its life
    def _pack_bytes(self, slug: str, mid: int, t: int, signature: str) -> bytes:
        from replica import documents as D

        site = self.sites[slug]
        m, ctitle = self.meeting(site, mid)
        day = m.day(self.anchor)
        items = [{"number": it.number, "title": it.title, "minutes": self._minutes(it)} for it in m.items]
        if t == 0:
            return D.agenda_frontsheet_pdf(council=site.name, committee=ctitle, meeting_date=day, items=items)
        if t == 1:
            return D.minutes_pdf(council=site.name, committee=ctitle, meeting_date=day, items=items, seed=mid)
        reports = [
            self.doc_bytes(slug, d.att)[0]
            for it in m.items
            for d in it.docs
            if not d.restricted and not d.reasons and d.fmt == "pdf"
        ]
        return D.reports_pack_pdf(council=site.name, committee=ctitle, meeting_date=day, items=items, reports=reports)

    @staticmethod
    def _minutes(it) -> str:
        if it.minutes:
            return it.minutes
        if it.expect:
            return f"The Committee considered the exempt report. [See Exempt Minute E-{it.aid % 100}-25]"
        return f"RESOLVED – That the report on {it.title} be noted."

    # ------------------------------------------------------------ routing
    def handle(self, raw_path: str) -> tuple[int, str, bytes, dict]:
        path_q = _SESSION.sub("", raw_path)
        with self._lock:
            self.hits[path_q] = self.hits.get(path_q, 0) + 1
        for fault, target in self.fault_targets().items():
            if fault in self.faults and path_q.startswith(target):
                if fault == "broken_page":
                    return 200, "text/html; charset=utf-8", render.error_page().encode(), {}
                if fault == "http_500":
                    return 500, "text/html", b"<h1>Server Error in '/' Application.</h1>", {}
                if fault == "slow":
                    time.sleep(self.slow_seconds)
        parts = urlsplit(path_q)
        q = {k.lower(): v for k, v in parse_qsl(parts.query)}
        segs = [unquote(s) for s in parts.path.split("/") if s]
        if segs == ["robots.txt"]:
            return 200, "text/plain", b"User-agent: *\nAllow: /\n", {}
        if not segs or segs[0] not in self.sites:
            return 404, "text/html", b"<h1>Not found</h1>", {}
        site, rest = self.sites[segs[0]], segs[1:]
        base = f"/{site.slug}"
        page = "/".join(rest)
        html = "text/html; charset=utf-8"
        xml = "text/xml; charset=utf-8"
        if page.startswith("mgWebService.asmx"):
            if not site.web_service:
                return 404, html, b"<h1>The resource cannot be found.</h1>", {}
            op = page.split("/")[-1]
            if op == "GetCommittees":
                return 200, xml, render.committees_xml(site).encode(), {}
            if op == "GetMeetings":
                since = _dmy(q.get("sfromdate"))
                until = _dmy(q.get("stodate"))
                return (
                    200,
                    xml,
                    render.meetings_xml(site, int(q["lcommitteeid"]), self.anchor, since, until).encode(),
                    {},
                )
            if op == "GetMeeting":
                found = self.meeting(site, int(q.get("lmeetingid", 0)))
                if not found:
                    return 500, html, b"<h1>Server Error</h1>", {}
                m, ctitle = found
                return 200, xml, render.meeting_xml(self.base_url + base, site, m, ctitle, self.anchor).encode(), {}
            return 500, html, b"Web Service method name is not valid.", {}
        if page == "mgListCommittees.aspx":
            return 200, html, render.committees_html(site).encode(), {}
        if page in ("ieListMeetings.aspx", "mgCommitteeDetails.aspx"):
            cid = int(q.get("cid") or q.get("committeeid") or q.get("id") or 0)
            if not any(c.cid == cid for c in site.committees):
                return 404, html, b"<h1>Not found</h1>", {}
            return 200, html, render.meetings_html(site, cid, self.anchor).encode(), {}
        if page == "ieListDocuments.aspx":
            found = self.meeting(site, int(q.get("mid") or q.get("meetingid") or 0))
            if not found:
                return 404, html, b"<h1>Not found</h1>", {}
            m, ctitle = found
            return 200, html, render.agenda_html(site, m, ctitle, self.anchor, self._size_of(site)).encode(), {}
        if page == "mgReasonsRestricted.aspx":
            return self._reasons(site, q)
        if page.lower() == "mgconvert2pdf.aspx":
            ident = int(q.get("id", 0))
            if "t" in q:
                if not self.meeting(site, ident):
                    return 404, html, b"<h1>Not found</h1>", {}
                return 200, "application/pdf", self.pack_bytes(site.slug, ident, int(q["t"])), {}
            return self._doc(site, ident)
        m = re.match(r"documents/s(\d+)/", page)
        if m:
            return self._doc(site, int(m.group(1)))
        m = re.match(r"documents/g(\d+)/", page)
        if m and self.meeting(site, int(m.group(1))):
            return 200, "application/pdf", self.pack_bytes(site.slug, int(m.group(1)), int(q.get("t", 10))), {}
        return 404, html, b"<h1>Not found</h1>", {}

    def _size_of(self, site: Site):
        """Sizes shown on the agenda page, as ModernGov shows them: of the bytes it would serve."""

        def size_of(kind, ident):
            if kind == "pack":
                return len(self.pack_bytes(site.slug, ident[0], ident[1]))
            return len(self.doc_bytes(site.slug, ident)[0])

        return size_of

    def _doc(self, site: Site, att: int):
        found = self.doc(site, att)
        if not found or found[0].restricted or found[0].reasons:
            return 404, "text/html", b"<h1>Not found</h1>", {}
        body, ctype = self.doc_bytes(site.slug, att)
        if not site.static_docs:
            return 200, ctype, body, {}  # mgConvert2PDF.aspx gives no validators
        # Static documents/ files come from IIS, which sends validators and honours them.
        etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
        modified = format_datetime(
            datetime.combine(found[2].day(self.anchor), datetime.min.time(), tzinfo=UTC), usegmt=True
        )
        headers = {"ETag": etag, "Last-Modified": modified}
        asked = getattr(self._request, "headers", {}) or {}
        if asked.get("If-None-Match") == etag:
            return 304, ctype, b"", headers
        return 200, ctype, body, headers

    def _reasons(self, site: Site, q: dict):
        oid, rpid = int(q.get("oid", 0)), int(q.get("rpid", 0))
        for c in site.committees:
            for m in c.meetings:
                for it in m.items:
                    if it.aid != oid:
                        continue
                    if rpid == 0 and it.reasons:
                        return 200, "text/html; charset=utf-8", render.reasons_html(it.reasons, it.title).encode(), {}
                    for d in it.docs:
                        if d.att == rpid and d.reasons:
                            return 200, "text/html; charset=utf-8", render.reasons_html(d.reasons, d.title).encode(), {}
        return 404, "text/html", b"<h1>Not found</h1>", {}

    # ------------------------------------------------------------ registry
    def registry_rows(self) -> list[dict]:
        return [
            {
                "slug": s.slug,
                "name": s.name,
                "gss_code": s.gss_code,
                "dfe_la_code": s.dfe_la_code,
                "education_authority": "yes",
                "platform": "moderngov",
                "base_url": f"{self.base_url}/{s.slug}",
                "source": "sendwatch offline replica (fictional council)",
            }
            for s in self.sites.values()
            if s.in_registry
        ]

    def write_registry(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "w", newline="", encoding="utf-8") as f:
            w = csv.DictWriter(f, fieldnames=list(self.registry_rows()[0]))
            w.writeheader()
            w.writerows(self.registry_rows())

    # ------------------------------------------------------------ serving
    def serve(self, port: int = 0, host: str = "127.0.0.1") -> ThreadingHTTPServer:
        replica = self

        class Handler(BaseHTTPRequestHandler):
            server_version = "Microsoft-IIS/10.0"
            sys_version = ""

            def do_GET(self):
                replica._request.headers = dict(self.headers.items())
                try:
                    status, ctype, body, headers = replica.handle(self.path)
                except Exception as exc:  # the replica must not die on a request
                    status, ctype, body, headers = 500, "text/plain", f"replica error: {exc}".encode(), {}
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                for k, v in headers.items():
                    self.send_header(k, v)
                self.end_headers()
                try:
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def log_message(self, fmt, *args):
                pass

        class Server(ThreadingHTTPServer):
            def handle_error(self, request, client_address):
                pass  # a client that gave up (timeouts in tests) is not the replica's problem

        server = Server((host, port), Handler)
        server.daemon_threads = True
        self.base_url = f"http://{host}:{server.server_address[1]}"
        return server

    def start(self, port: int = 0) -> str:
        """Serve in a background thread; returns the base URL."""
        self.server = self.serve(port)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self.base_url

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def _dmy(text: str | None) -> date | None:
    if not text:
        return None
    try:
        return datetime.strptime(text, "%d/%m/%Y").date()
    except ValueError:
        return None  # the real service ignores a range it cannot read


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description="Serve the sendwatch offline replica of council sites.")
    ap.add_argument("--port", type=int, default=8765)
    ap.add_argument("--anchor", help="YYYY-MM-DD the replica's 'today' (default: today)")
    ap.add_argument("--registry-out", type=Path, help="write a councils.csv pointing at this server")
    ap.add_argument("--fault", action="append", default=[], choices=FAULTS)
    args = ap.parse_args(argv)
    anchor = date.fromisoformat(args.anchor) if args.anchor else None
    replica = Replica(anchor, set(args.fault))
    server = replica.serve(args.port)
    if args.registry_out:
        replica.write_registry(args.registry_out)
    print(f"replica serving {', '.join(replica.sites)} at {replica.base_url}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
