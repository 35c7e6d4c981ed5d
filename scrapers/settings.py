"""Scrapy settings for sendwatch: polite by default.

Per-deployment values come from the sendwatch CLI (or `scrapy crawl ... -s NAME=value`).
"""

from sendwatch.constants import USER_AGENT

BOT_NAME = "sendwatch"
SPIDER_MODULES = ["scrapers.spiders"]
NEWSPIDER_MODULE = "scrapers.spiders"

USER_AGENT = USER_AGENT
ROBOTSTXT_OBEY = True

# Politeness: one council site is one host; at most two requests to it at once, spaced out,
# slowing further when the site slows (AutoThrottle).
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 2
DOWNLOAD_DELAY = 1.0
DOWNLOAD_DELAY_JITTER = 0.5
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0

# Self-hosted ModernGov installs can take a minute to answer.
DOWNLOAD_TIMEOUT = 60
RETRY_ENABLED = True
RETRY_TIMES = 2
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]
DOWNLOAD_MAXSIZE = 100 * 1024 * 1024
DOWNLOAD_WARNSIZE = 30 * 1024 * 1024
REDIRECT_MAX_TIMES = 5

TELNETCONSOLE_ENABLED = False
LOG_LEVEL = "INFO"
COOKIES_ENABLED = True

ITEM_PIPELINES = {"scrapers.pipelines.SQLitePipeline": 300}

# Where the crawl writes (overridden by `sendwatch crawl --db/--files`).
SENDWATCH_DB = "data/sendwatch.db"
SENDWATCH_FILES = "data/files"
SENDWATCH_RUN_ID = None

# Incremental nightly runs: upcoming meetings and those of the last SENDWATCH_HOT_DAYS days are read
# every run; older meetings already read whole are read again after SENDWATCH_REVISIT_DAYS (0 = every run).
SENDWATCH_HOT_DAYS = 42
SENDWATCH_REVISIT_DAYS = 7

# Fault guards (scrapers/middlewares.py): off-host/login/looping redirects, error pages served as
# documents, mis-declared encodings and unreadable download failures become clear crawl_errors rows.
# The guard at 650 (between the download and RedirectMiddleware, 600) sees raw 3xx answers first;
# the failure reasons at 540 (below RetryMiddleware, 550) apply once retries are used up.
DOWNLOADER_MIDDLEWARES = {
    "scrapers.middlewares.FaultGuardMiddleware": 650,
    "scrapers.middlewares.FailureReasonMiddleware": 540,
}
SPIDER_MIDDLEWARES = {"scrapers.middlewares.FaultNotesMiddleware": 60}
