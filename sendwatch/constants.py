"""The vocabulary every stage speaks: platforms, sources of withholding, document kinds, metrics."""

PLATFORMS = ("moderngov", "cmis", "other", "unknown")

# Where the fact of withholding was seen.
WITHHELD_WEB_SERVICE = "web_service"  # mgWebService.asmx isrestricted=True
WITHHELD_REASONS_PAGE = "reasons_page"  # mgReasonsRestricted.aspx
WITHHELD_AGENDA_TEXT = "agenda_text"  # title or description says exempt / Part 2 / confidential
WITHHELD_EXCLUSION = "exclusion_resolution"  # "exclusion of the press and public" naming items
WITHHELD_DOCUMENT = "document"  # a marker inside a published document
WITHHELD_SOURCES = (
    WITHHELD_REASONS_PAGE,
    WITHHELD_WEB_SERVICE,
    WITHHELD_EXCLUSION,
    WITHHELD_AGENDA_TEXT,
    WITHHELD_DOCUMENT,
)

JURISDICTION_ENGLAND = "England (Schedule 12A Part 1)"
JURISDICTION_WALES = "Wales (Schedule 12A Part 4)"

# Document kinds.
DOC_REPORT = "report"
DOC_AGENDA_FRONTSHEET = "agenda_frontsheet"
DOC_REPORTS_PACK = "reports_pack"
DOC_SUPPLEMENT = "supplement"
DOC_MINUTES = "minutes"
DOC_DECISIONS = "decisions"
DOC_OTHER = "other"

# How a meeting was read.
VIA_WEB_SERVICE = "web_service"
VIA_HTML = "html"

# Document extraction statuses (extract/).
EXTRACT_OK = "ok"
EXTRACT_NO_TEXT = "no_text"
EXTRACT_ENCRYPTED = "encrypted"
EXTRACT_CORRUPT = "corrupt"
EXTRACT_EMPTY = "empty"
EXTRACT_TOO_LARGE = "too_large"
EXTRACT_TIMEOUT = "timeout"
EXTRACT_UNSUPPORTED = "unsupported"
EXTRACT_MISSING = "missing_file"
EXTRACT_ERROR = "error"  # sendwatch failed on a readable file: a bug to fix, not a bad file

# Figure metrics (extract/figures.py).
METRIC_DSG_CUMULATIVE_DEFICIT = "dsg_cumulative_deficit"
METRIC_DSG_INYEAR_OVERSPEND = "dsg_in_year_overspend"
METRIC_HNB_ALLOCATION = "high_needs_block_allocation"
METRIC_SAFETY_VALVE_TOTAL = "safety_valve_total"
METRIC_SAFETY_VALVE_INSTALMENT = "safety_valve_instalment"
METRIC_DBV_GRANT = "dbv_grant"
METRIC_SCHOOLS_BLOCK_TRANSFER = "schools_block_transfer"
METRIC_EHCP_COUNT = "ehcp_count"
METRIC_EHC_ASSESSMENT_REQUESTS = "ehc_assessment_requests"
METRIC_EHCP_20_WEEK_TIMELINESS = "ehcp_20_week_timeliness"
METRIC_INDEPENDENT_PLACEMENTS = "independent_special_school_placements"
METRIC_INDEPENDENT_SPEND = "independent_special_school_spend"
METRICS = (
    METRIC_DSG_CUMULATIVE_DEFICIT,
    METRIC_DSG_INYEAR_OVERSPEND,
    METRIC_HNB_ALLOCATION,
    METRIC_SAFETY_VALVE_TOTAL,
    METRIC_SAFETY_VALVE_INSTALMENT,
    METRIC_DBV_GRANT,
    METRIC_SCHOOLS_BLOCK_TRANSFER,
    METRIC_EHCP_COUNT,
    METRIC_EHC_ASSESSMENT_REQUESTS,
    METRIC_EHCP_20_WEEK_TIMELINESS,
    METRIC_INDEPENDENT_PLACEMENTS,
    METRIC_INDEPENDENT_SPEND,
)
UNIT_GBP = "GBP"
UNIT_COUNT = "count"
UNIT_PERCENT = "percent"

USER_AGENT = (
    "sendwatch/0.1 (+https://github.com/sendwatch/sendwatch; transparency crawler for SEND committee papers; "
    "contact sendwatch@proton.me)"
)
