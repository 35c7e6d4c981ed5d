"""Fault guards: turn the ways a council site misbehaves into clear, recorded errors.

`FaultGuardMiddleware` (downloader middleware) sits between the download and Scrapy's redirect
handling, so it sees every raw answer:
- a redirect (3xx or an immediate meta refresh) to another host is not followed: the host is
  added to `spider.new_hosts` (the pipeline writes it to crawl_runs.new_hosts) and the request
  fails with OffHostRedirect, which the request's errback records in crawl_errors;
- a redirect to a login page (login.aspx, ReturnUrl=...) fails with LoginRedirect;
- a redirect back to a URL already visited in the same chain fails with RedirectLoop (otherwise
  Scrapy's duplicate filter drops the looping request silently and the page is simply missing);
- a document that comes back as ModernGov's "Error" page or a login form (status 200) fails with
  NotADocument instead of being stored as the document;
- a text answer declared UTF-8 that is not UTF-8 but is valid windows-1252 is transcoded, so it is
  read as the site wrote it (not with replacement characters), and the repair is noted;

`FailureReasonMiddleware` (downloader middleware, below RetryMiddleware): download failures whose
Scrapy message is empty or cryptic (size limit, data loss, reset) are re-raised, once the retries are
used up, with a reason a person can read.

`FaultNotesMiddleware` (spider middleware) turns the notes left on a response (the encoding repair)
into CrawlErrorItem rows next to what the callback yields.
"""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

from scrapy.exceptions import (
    DownloadCancelledError,
    DownloadFailedError,
    IgnoreRequest,
    ResponseDataLossError,
)
from scrapy.http import HtmlResponse, TextResponse

from scrapers.items import CrawlErrorItem
from sendwatch.urls import canonical

NOTES = "sendwatch_fault_notes"
_LOGIN = re.compile(r"/(?:login|logon|signin|sign-in|mglogin)[^/]*$", re.IGNORECASE)
_RETURN_URL = re.compile(r"(?:^|&)(?:ReturnUrl|returnurl|RedirectUrl)=", re.IGNORECASE)
_MG_ERROR = re.compile(rb'class="mgMainTitleTxt"[^>]*>\s*Error\s*<|Sorry, an error has occurred', re.IGNORECASE)
_PASSWORD = re.compile(rb'<input[^>]+type=["\']?password', re.IGNORECASE)
_META_REFRESH = re.compile(
    rb'<meta[^>]+http-equiv=["\']?refresh["\']?[^>]*content=["\']?\s*(\d+)\s*;\s*url=([^"\'>]+)', re.IGNORECASE
)
_CHARSET = re.compile(r"charset\s*=\s*[\"']?([\w-]+)", re.IGNORECASE)


class FaultError(IgnoreRequest):
    """A request given up on purpose; the message is the reason stored in crawl_errors."""


class OffHostRedirect(FaultError):
    pass


class LoginRedirect(FaultError):
    pass


class RedirectLoop(FaultError):
    pass


class NotADocument(FaultError):
    pass


class ResponseTooLarge(FaultError):
    pass


class ResponseTruncated(FaultError):
    pass


class ConnectionReset(FaultError):
    pass


def _host(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()


class FaultGuardMiddleware:
    def __init__(self, crawler):
        self.crawler = crawler
        self.meta_refresh = crawler.settings.getbool("METAREFRESH_ENABLED", True)
        self.meta_refresh_max = crawler.settings.getint("METAREFRESH_MAXDELAY", 100)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    @property
    def spider(self):
        return self.crawler.spider

    def _allowed(self) -> set[str]:
        return {h.lower() for h in (getattr(self.spider, "allowed_domains", None) or [])}

    # ------------------------------------------------------------ responses
    def process_response(self, request, response):
        target = self._redirect_target(request, response)
        if target:
            self._check_redirect(request, target)
        if request.meta.get("stage") == "document" and response.status == 200:
            self._check_document(request, response)
        return self._check_encoding(request, response)

    def _redirect_target(self, request, response) -> str | None:
        if request.meta.get("dont_redirect"):
            return None
        if response.status in (301, 302, 303, 307, 308) and response.status not in request.meta.get(
            "handle_httpstatus_list", ()
        ):
            location = response.headers.get("Location")
            if location:
                return urljoin(request.url, location.decode("latin-1").strip())
        if self.meta_refresh and isinstance(response, HtmlResponse):
            m = _META_REFRESH.search(response.body[:8192])
            if m and int(m.group(1)) < self.meta_refresh_max:
                return urljoin(request.url, m.group(2).decode("latin-1").strip())
        return None

    def _check_redirect(self, request, target: str) -> None:
        host = _host(target)
        if host and host != _host(request.url) and host not in self._allowed():
            new_hosts = getattr(self.spider, "new_hosts", None)
            if new_hosts is None:
                new_hosts = set()
                self.spider.new_hosts = new_hosts
            new_hosts.add(urlsplit(target).netloc.lower())
            raise OffHostRedirect(
                f"redirected to another host ({urlsplit(target).netloc}): {target}; "
                f"not followed, recorded in crawl_runs.new_hosts"
            )
        parts = urlsplit(target)
        if _LOGIN.search(parts.path) or _RETURN_URL.search(parts.query):
            raise LoginRedirect(f"redirected to a login page: {target}")
        seen = [canonical(u) for u in request.meta.get("redirect_urls", [])] + [canonical(request.url)]
        if canonical(target) in seen:
            chain = " -> ".join(request.meta.get("redirect_urls", []) + [request.url, target])
            raise RedirectLoop(f"redirect loop: {chain}")

    def _check_document(self, request, response) -> None:
        ctype = response.headers.get("Content-Type", b"").decode("latin-1").lower()
        head = response.body[:65536]
        if "html" not in ctype and not head.lstrip()[:15].lower().startswith((b"<!doctype html", b"<html")):
            return
        if _MG_ERROR.search(head):
            raise NotADocument("the document URL answered ModernGov's error page (status 200), not a document")
        if _PASSWORD.search(head):
            raise NotADocument("the document URL answered a login form (status 200), not a document")

    def _check_encoding(self, request, response):
        if not isinstance(response, TextResponse):
            return response
        ctype = response.headers.get("Content-Type", b"").decode("latin-1")
        m = _CHARSET.search(ctype)
        declared = m.group(1).lower().replace("_", "-") if m else None
        if declared not in ("utf-8", "utf8"):
            return response
        try:
            response.body.decode("utf-8")
            return response
        except UnicodeDecodeError as exc:
            where = exc.start
        try:
            response.body.decode("windows-1252")
        except UnicodeDecodeError:
            request.meta.setdefault(NOTES, []).append(
                f"body declared UTF-8 is not valid UTF-8 (byte {where}); read with replacement characters"
            )
            return response
        request.meta.setdefault(NOTES, []).append(
            f"body declared UTF-8 is not valid UTF-8 (byte {where}); read as windows-1252"
        )
        # Transcode, so every reader (HTML, and the XML parser that decodes bytes itself) sees the text.
        return response.replace(body=response.body.decode("windows-1252").encode("utf-8"))


class FailureReasonMiddleware:
    """Download failures Scrapy describes with an empty or cryptic message get a readable reason.

    Placed below RetryMiddleware (550) so it sees a failure only once the retries are used up.
    """

    def __init__(self, crawler):
        self.maxsize = crawler.settings.getint("DOWNLOAD_MAXSIZE")

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_exception(self, request, exception):
        if isinstance(exception, DownloadCancelledError) and not str(exception):
            limit = request.meta.get("download_maxsize", self.maxsize)
            raise ResponseTooLarge(
                f"download stopped: the response grew past the size limit ({limit} bytes)"
            ) from exception
        if isinstance(exception, ResponseDataLossError):
            raise ResponseTruncated(
                "response truncated: the connection closed before the declared Content-Length arrived (data loss)"
            ) from exception
        if isinstance(exception, DownloadFailedError) and "ConnectionLost" in str(exception):
            raise ConnectionReset("connection reset/lost by the server before a complete response") from exception


class FaultNotesMiddleware:
    """Spider middleware: notes left on a response by FaultGuardMiddleware become crawl_errors rows."""

    @classmethod
    def from_crawler(cls, crawler):
        mw = cls()
        mw.crawler = crawler
        return mw

    def _notes(self, response):
        spider = self.crawler.spider
        council = getattr(getattr(spider, "council", None), "slug", None)
        for reason in response.meta.get(NOTES, []) if council else ():
            yield CrawlErrorItem(
                council,
                response.url,
                response.meta.get("stage") or "download",
                reason,
                response.status,
                response.meta.get("mid"),
            )

    def process_spider_output(self, response, result):
        yield from self._notes(response)
        yield from result

    async def process_spider_output_async(self, response, result):
        for note in self._notes(response):
            yield note
        async for r in result:
            yield r
