"""A fault-injection replica for tests: the offline council sites, misbehaving on request.

Serves on 127.0.0.1 only. Faults are rules: a target (path with query, or a path prefix ending
in `*`) and a kind. Rules can be switched on and off while the server runs, so one server (one
base URL, as stored in the database) serves a healthy crawl and then a faulty one.

    replica = FaultyReplica(); replica.start()
    replica.add_fault("http_status", "/northby/mgWebService.asmx/GetMeeting?lMeetingId=1106", status=503,
                      retry_after="120")
    ... crawl ...
    replica.clear_faults()

Kinds (params in brackets):
- http_status      status [status=500, retry_after=None, body]
- slow             answer normally after a pause [seconds]
- trickle          answer normally, the body a few bytes at a time [seconds total]
- hang             accept the request and say nothing [seconds, then close]
- reset            close the connection with a TCP RST before answering (SO_LINGER 0)
- truncate         Content-Length larger than the body sent, then close [fraction sent=0.5]
- error_page       ModernGov's "Error" page with status 200
- login            302 to login.aspx?ReturnUrl=..., which answers a login form (200)
- redirect_loop    302 A -> B -> A -> ...
- offhost          302 to the same path on another host name [host="localhost"] (the same machine;
                   the server itself listens on 127.0.0.1 only, and records every Host header it sees)
- oversize         a huge declared Content-Length, body streamed until the client hangs up [declared]
- oversize_stream  no Content-Length, body streamed until the client hangs up [limit bytes]
- robots           robots.txt says Disallow: / (target "/robots.txt")
- bad_xml          the real answer cut in half (malformed XML) [mode="truncated"|"garbage"]
- wrong_encoding   the real answer re-encoded as windows-1252, still declared utf-8
Each rule may carry times=N: misbehave for the first N matching requests only.
"""

from __future__ import annotations

import socket
import struct
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, quote, urlsplit

from replica import render
from replica.server import _SESSION, Replica

KINDS = (
    "http_status",
    "slow",
    "trickle",
    "hang",
    "reset",
    "truncate",
    "error_page",
    "login",
    "redirect_loop",
    "offhost",
    "oversize",
    "oversize_stream",
    "robots",
    "bad_xml",
    "wrong_encoding",
)
LOOP_PARAM = "zLoop"

LOGIN_FORM = """<!DOCTYPE html><html><head><title>Login</title></head><body>
<form method="post" action="login.aspx"><h1>Sign in</h1>
<label>User name <input name="txtUserName"></label><label>Password <input name="txtPassword" type="password"></label>
<input type="submit" value="Login"></form></body></html>"""


@dataclass
class FaultRule:
    kind: str
    target: str
    params: dict = field(default_factory=dict)
    times: int | None = None
    hits: int = 0

    def matches(self, path_q: str) -> bool:
        if self.target.endswith("*"):
            return path_q.startswith(self.target[:-1])
        want, got = urlsplit(self.target), urlsplit(path_q)
        if want.path.lower() != got.path.lower():
            return False
        have = {k.lower(): v for k, v in parse_qsl(got.query)}
        return all(have.get(k.lower()) == v for k, v in parse_qsl(want.query))


class FaultyReplica(Replica):
    """The replica plus switchable faults. Listens on 127.0.0.1 only."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.rules: list[FaultRule] = []
        self.host_headers: dict[str, int] = {}
        self.requests: list[str] = []

    # ------------------------------------------------------------ rules
    def add_fault(self, kind: str, target: str, times: int | None = None, **params) -> FaultRule:
        if kind not in KINDS:
            raise ValueError(f"unknown fault kind {kind!r}")
        rule = FaultRule(kind, target, params, times)
        with self._lock:
            self.rules.append(rule)
        return rule

    def clear_faults(self) -> None:
        with self._lock:
            self.rules = []

    def reset_log(self) -> None:
        with self._lock:
            self.host_headers, self.requests = {}, []

    def _rule_for(self, path_q: str) -> FaultRule | None:
        with self._lock:
            for rule in self.rules:
                if rule.matches(path_q) and (rule.times is None or rule.hits < rule.times):
                    rule.hits += 1
                    return rule
        return None

    # ------------------------------------------------------------ routing additions
    def handle(self, raw_path: str):
        path_q = _SESSION.sub("", raw_path)
        path = urlsplit(path_q).path
        if path.lower().endswith("/login.aspx"):
            return 200, "text/html; charset=utf-8", LOGIN_FORM.encode(), {}
        if LOOP_PARAM.lower() in path_q.lower():
            path_q = _drop_loop(path_q)
        return super().handle(path_q)

    # ------------------------------------------------------------ serving
    def serve(self, port: int = 0, host: str = "127.0.0.1") -> ThreadingHTTPServer:
        if host != "127.0.0.1":
            raise ValueError("the fault replica listens on 127.0.0.1 only")
        replica = self

        class Handler(BaseHTTPRequestHandler):
            server_version = "Microsoft-IIS/10.0"
            sys_version = ""

            def do_GET(self):
                with replica._lock:
                    h = self.headers.get("Host", "")
                    replica.host_headers[h] = replica.host_headers.get(h, 0) + 1
                    replica.requests.append(self.path)
                path_q = _SESSION.sub("", self.path)
                rule = replica._rule_for(path_q)
                if rule is None:
                    return self._answer(*self._normal(self.path))
                try:
                    self._fault(rule, path_q)
                except (BrokenPipeError, ConnectionResetError, OSError):
                    pass

            # -------------------------------------------------- helpers
            def _normal(self, path):
                try:
                    return replica.handle(path)
                except Exception as exc:  # noqa: BLE001 - the replica must not die on a request
                    return 500, "text/plain", f"replica error: {exc}".encode(), {}

            def _head(self, status, ctype, length, headers=()):
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                if length is not None:
                    self.send_header("Content-Length", str(length))
                for k, v in dict(headers).items():
                    self.send_header(k, v)
                self.end_headers()

            def _answer(self, status, ctype, body, headers):
                self._head(status, ctype, len(body), headers)
                try:
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def _redirect(self, location):
                self._answer(
                    302,
                    "text/html; charset=utf-8",
                    f'<html><body>Object moved to <a href="{location}">here</a>.</body></html>'.encode(),
                    {"Location": location},
                )

            def _rst(self):
                self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                self.close_connection = True
                self.connection.close()

            def _stream_zeros(self, limit):
                chunk, sent = b"\0" * 65536, 0
                while sent < limit:
                    self.wfile.write(chunk)
                    sent += len(chunk)

            def _fault(self, rule: FaultRule, path_q: str):
                p, kind = rule.params, rule.kind
                if kind == "http_status":
                    headers = {"Retry-After": str(p["retry_after"])} if p.get("retry_after") is not None else {}
                    body = p.get("body", b"<h1>Server Error in '/' Application.</h1>")
                    return self._answer(p.get("status", 500), "text/html", body, headers)
                if kind == "slow":
                    time.sleep(p.get("seconds", 10))
                    return self._answer(*self._normal(self.path))
                if kind == "trickle":
                    status, ctype, body, headers = self._normal(self.path)
                    self._head(status, ctype, len(body), headers)
                    pieces = max(1, min(len(body), 50))
                    step = -(-len(body) // pieces)
                    for i in range(0, len(body), step):
                        self.wfile.write(body[i : i + step])
                        self.wfile.flush()
                        time.sleep(p.get("seconds", 10) / pieces)
                    return None
                if kind == "hang":
                    time.sleep(p.get("seconds", 10))
                    return self._rst()
                if kind == "reset":
                    return self._rst()
                if kind == "truncate":
                    status, ctype, body, headers = self._normal(self.path)
                    self._head(status, ctype, len(body), headers)
                    self.wfile.write(body[: int(len(body) * p.get("fraction", 0.5))])
                    self.wfile.flush()
                    self.close_connection = True
                    return None
                if kind == "error_page":
                    return self._answer(200, "text/html; charset=utf-8", render.error_page().encode(), {})
                if kind == "login":
                    slug = urlsplit(path_q).path.strip("/").split("/")[0]
                    return self._redirect(f"/{slug}/login.aspx?ReturnUrl={quote(self.path, safe='')}")
                if kind == "redirect_loop":
                    return self._redirect(
                        _drop_loop(path_q)
                        if LOOP_PARAM.lower() in path_q.lower()
                        else path_q + ("&" if "?" in path_q else "?") + f"{LOOP_PARAM}=1"
                    )
                if kind == "offhost":
                    port = self.server.server_address[1]
                    return self._redirect(f"http://{p.get('host', 'localhost')}:{p.get('port', port)}{self.path}")
                if kind == "oversize":
                    self._head(200, "application/pdf", p.get("declared", 10 * 1024**3))
                    return self._stream_zeros(p.get("limit", 1024**3))
                if kind == "oversize_stream":
                    self.protocol_version = "HTTP/1.0"
                    self._head(200, "application/pdf", None)
                    self.close_connection = True
                    return self._stream_zeros(p.get("limit", 1024**3))
                if kind == "robots":
                    return self._answer(200, "text/plain", b"User-agent: *\nDisallow: /\n", {})
                if kind == "bad_xml":
                    status, ctype, body, headers = self._normal(self.path)
                    if p.get("mode", "truncated") == "garbage":
                        body = (
                            b'<?xml version="1.0" encoding="utf-8"?>\n<meeting><meetingid>1</meetingid>'
                            b"<agendaitems><agendaitem><agendaitemid>&nbsp;<<</agendaitem></meeting>"
                        )
                    else:
                        body = body[: len(body) // 2]
                    return self._answer(status, ctype, body, headers)
                if kind == "wrong_encoding":
                    status, ctype, body, headers = self._normal(self.path)
                    body = body.decode("utf-8").encode("windows-1252", "xmlcharrefreplace")
                    return self._answer(status, ctype, body, headers)
                raise ValueError(kind)

            def log_message(self, fmt, *args):
                pass

        class Server(ThreadingHTTPServer):
            def handle_error(self, request, client_address):
                pass

        server = Server((host, port), Handler)
        server.daemon_threads = True
        self.base_url = f"http://{host}:{server.server_address[1]}"
        return server

    @property
    def port(self) -> int:
        return self.server.server_address[1]

    def foreign_hosts(self) -> dict[str, int]:
        """Host headers seen that are not this server's own (127.0.0.1:PORT)."""
        own = f"127.0.0.1:{self.port}"
        return {h: n for h, n in self.host_headers.items() if h != own}


def _drop_loop(path_q: str) -> str:
    parts = urlsplit(path_q)
    query = "&".join(
        f"{k}={quote(v, safe='')}"
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if k.lower() != LOOP_PARAM.lower()
    )
    return parts.path + (f"?{query}" if query else "")
