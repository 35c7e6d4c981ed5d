"""metadata.yml is the public catalogue: every column described, queries that compile, safe config."""

from __future__ import annotations

import re
import sqlite3

import pytest

from db.schema import TABLES, open_db
from plugins.sendwatch_sql import fts_query, money, paragraph_topic, register, schedule12a
from sendwatch.publish import DATABASE_NAME, load_metadata

META = load_metadata()
DB_META = META["databases"][DATABASE_NAME]
QUERIES = DB_META["queries"]
DASHBOARDS = META["plugins"]["datasette-dashboards"]
NAMED_PARAM = re.compile(r"(?<![:\w]):([a-zA-Z_]\w*)")


@pytest.fixture(scope="module")
def empty_db(tmp_path_factory):
    path = tmp_path_factory.mktemp("schema") / "sendwatch.db"
    open_db(path).close()
    conn = sqlite3.connect(path)
    register(conn)
    yield conn
    conn.close()


def test_catalogue_has_title_licence_and_sources():
    for key in ("title", "description_html", "license", "license_url", "source", "source_url"):
        assert META.get(key), key
    assert "sendwatch claims no copyright" in DB_META["description_html"]
    for table in TABLES:
        assert DB_META["tables"][table].get("description"), table
        assert DB_META["tables"][table].get("source"), table


@pytest.mark.parametrize("table", sorted(TABLES))
def test_every_column_is_described(table):
    described = DB_META["tables"][table].get("columns") or {}
    missing = [c for c in TABLES[table]["columns"] if not (described.get(c) or "").strip()]
    assert not missing, f"{table}: no description in metadata.yml for {missing}"
    stale = sorted(set(described) - set(TABLES[table]["columns"]))
    assert not stale, f"{table}: metadata.yml describes columns not in db/schema.py: {stale}"


@pytest.mark.parametrize("table", sorted(TABLES))
def test_facets_sorts_labels_and_search_name_real_columns(table, empty_db):
    spec = DB_META["tables"][table]
    columns = set(TABLES[table]["columns"])
    sortable = columns | {"rowid"}  # every sendwatch table is a rowid table
    for facet in spec.get("facets", []):
        name = facet if isinstance(facet, str) else next(iter(facet.values()))
        assert name in columns, f"{table}: facet on unknown column {name}"
    if "label_column" in spec:
        assert spec["label_column"] in columns, table
    for key in ("sort", "sort_desc"):
        if key in spec:
            assert spec[key] in sortable, f"{table}: {key} {spec[key]}"
            if "sortable_columns" in spec:
                assert spec[key] in spec["sortable_columns"], f"{table}: {key} not sortable"
    for col in spec.get("sortable_columns", []):
        assert col in sortable, f"{table}: sortable column {col}"
    if "fts_table" in spec:
        assert TABLES[table].get("fts"), f"{table}: fts_table configured but schema has no FTS"
        empty_db.execute(f"select rowid from [{spec['fts_table']}] where [{spec['fts_table']}] match 'x'")
        assert spec.get("searchmode") in ("escaped", "raw")


def test_full_text_search_is_configured_where_campaigners_search():
    for table in ("agenda_items", "documents", "pages"):
        assert DB_META["tables"][table]["fts_table"] == f"{table}_fts"


def test_expected_facets():
    facets = {t: DB_META["tables"][t].get("facets", []) for t in TABLES}
    assert "council" in facets["meetings"] and "committee_title" in facets["meetings"]
    assert "year" in facets["withheld"] and {"array": "paragraphs"} in facets["withheld"]
    assert "metric" in facets["figures"]


EXPECTED_QUERIES = {
    "search_papers",
    "search_agenda_items",
    "withheld_send_items",
    "withholding_league",
    "council_figures",
    "upcoming_send_meetings",
    "newest_send_papers",
    "feed_send_papers",
    "feed_withheld",
}


def test_canned_queries_present():
    assert EXPECTED_QUERIES <= set(QUERIES)


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_canned_query_is_documented_and_compiles(name, empty_db):
    query = QUERIES[name]
    assert query.get("title") and query.get("description_html"), name
    assert not query.get("write"), f"{name}: write queries are not allowed"
    sql = query["sql"]
    params = set(NAMED_PARAM.findall(sql))
    assert params == set(query.get("params", [])), f"{name}: params list {query.get('params')} vs {params}"
    empty_db.execute("explain " + sql, {p: "" for p in params})
    if name.startswith("feed_"):
        cols = [c[0] for c in empty_db.execute(sql, {p: "" for p in params}).description]
        assert {"atom_id", "atom_title", "atom_updated", "atom_link"} <= set(cols)
        assert "atom_content" in cols and "atom_content_html" not in cols


@pytest.mark.parametrize("query", ["search_papers", "search_agenda_items"])
def test_search_queries_work_with_awkward_input(query, empty_db):
    sql = QUERIES[query]["sql"]
    for q in ['"unbalanced', "OR", "high-needs (£4.3m)", "assess*", "NOT", "", "a AND OR b"]:
        empty_db.execute(sql, {"q": q, "council": ""}).fetchall()


@pytest.mark.parametrize("slug", sorted(DASHBOARDS))
def test_dashboard_queries_compile(slug, empty_db):
    dash = DASHBOARDS[slug]
    charts = dash["charts"]
    layout_cells = {c for row in dash["layout"] for c in row}
    assert layout_cells == set(charts)
    for chart_slug, chart in charts.items():
        assert chart["db"] == DATABASE_NAME
        for council in ("", "Nowhere Council"):
            rows = empty_db.execute(chart["query"], {"council": council}).fetchall()
            if chart["library"] == "metric":
                assert len(rows) == 1, chart_slug
    libraries = {c["library"] for c in charts.values()}
    assert {"metric", "vega-lite"} <= libraries


def test_read_only_and_no_html_rendering_of_scraped_text():
    plugins = META["plugins"]
    markdown = plugins["datasette-render-markdown"]
    assert markdown["patterns"] == [] and markdown["columns"] == []
    assert "datasette-render-html" not in plugins
    assert not (plugins.get("datasette-atom") or {}).get("allow_unsafe_html_in_canned_queries")


def test_robots_block_expensive_pages_but_not_the_home_page():
    disallow = META["plugins"]["datasette-block-robots"]["disallow"]
    assert "/" not in disallow
    assert "/-/" in disallow and f"/{DATABASE_NAME}?" in disallow
    for name in QUERIES:
        assert f"/{DATABASE_NAME}/{name}" in disallow, name


# The SQL functions in plugins/ that the queries rely on.


@pytest.mark.parametrize(
    "text, expected",
    [
        ("high needs", '"high" "needs"'),
        ('"safety valve" OR DBV', '"safety valve" OR "DBV"'),
        ("assess*", '"assess"*'),
        ('"unbalanced', '"unbalanced"'),
        ("OR", '""'),
        ("", '""'),
        ("£4.3m deficit", '"4 3m" "deficit"'),
        ("high-needs", '"high needs"'),
    ],
)
def test_fts_query(text, expected):
    assert fts_query(text) == expected


def test_schedule12a_and_money():
    assert schedule12a("[3]") == "3 (financial or business affairs)"
    assert schedule12a("[1, 2]").startswith("1 (information relating to an individual); 2 (")
    assert schedule12a("[14]", "Wales (Schedule 12A Part 4)") == "14 (financial or business affairs)"
    assert schedule12a("[]") == "no paragraph cited"
    assert schedule12a(None) is None
    assert paragraph_topic(3) == "3. financial or business affairs"
    assert paragraph_topic("14", "Wales (Schedule 12A Part 4)") == paragraph_topic(3)
    assert paragraph_topic(None) is None
    assert money(15_100_000, "GBP") == "£15.1m"
    assert money(1_200_000_000, "GBP") == "£1.20bn"
    assert money(810_000, "GBP") == "£810,000"
    assert money(-4_385_000, "GBP") == "-£4.4m"
    assert money(2345, "count") == "2,345"
    assert money(87.5, "percent") == "87.5%"
