"""The published site in Chromium: home page, search, withheld items, dashboard, figure -> source page.

Uses Debian's /usr/bin/chromium through pytest-playwright (see tests/plugin_browser.py).
Screenshots go to test-output/screenshots/.
"""

from __future__ import annotations

import re
import urllib.parse

import pytest

from sendwatch.publish import load_metadata

pytestmark = pytest.mark.browser

QUERIES = load_metadata()["databases"]["sendwatch"]["queries"]
ROWS = "table.rows-and-columns tbody tr"


@pytest.fixture
def site(page, published_url):
    """The Playwright page, with every request it makes recorded."""
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.set_viewport_size({"width": 1400, "height": 1000})
    page.requests = requests
    return page


def off_machine(requests: list[str], base: str) -> list[str]:
    return [u for u in requests if not (u.startswith((base, "data:", "blob:")))]


def test_home_page(site, published_url, screenshot_dir):
    site.goto(published_url + "/")
    assert "sendwatch" in site.title()
    assert site.locator("a[href='/sendwatch']").first.is_visible()
    assert site.get_by_text("Open Government Licence").first.is_visible()
    site.goto(published_url + "/sendwatch")
    for name in QUERIES:
        assert site.locator(f"a[href='/sendwatch/{name}']").count() >= 1, name
    site.screenshot(path=str(screenshot_dir / "home.png"), full_page=True)
    assert not off_machine(site.requests, published_url)


def test_full_text_search(site, published_url, published_sqlite, screenshot_dir):
    term = "deficit"
    if not published_sqlite.execute("select 1 from pages_fts where pages_fts match ? limit 1", [term]).fetchone():
        text = published_sqlite.execute("select text from pages limit 1").fetchone()[0]
        term = next(w for w in text.split() if w.isalpha() and len(w) > 4)
    # The expected result: the same canned SQL run directly on SQLite.
    expected = published_sqlite.execute(QUERIES["search_papers"]["sql"], {"q": term, "council": ""}).fetchall()
    assert expected

    site.goto(published_url + "/sendwatch/search_papers")
    site.fill("input[name=q]", term)
    site.locator("form.sql input[type=submit]").click()
    site.wait_for_url(re.compile(r".*q=" + term))
    rows = site.locator(ROWS)
    assert rows.count() == len(expected)
    first = rows.first
    assert first.locator("td.col-paper").inner_text().strip() == expected[0]["paper"]
    assert f"[{term}]" in first.locator("td.col-extract").inner_text().lower()
    site.screenshot(path=str(screenshot_dir / "search_papers.png"), full_page=False)

    # Datasette's own table search box on agenda items.
    site.goto(published_url + "/sendwatch/agenda_items")
    item_title = published_sqlite.execute(
        "select title from agenda_items where send_related = 1 order by length(title) desc limit 1"
    ).fetchone()[0]
    word = max((w for w in re.findall(r"[A-Za-z]+", item_title)), key=len)
    site.fill("input[name=_search]", word)
    site.press("input[name=_search]", "Enter")
    site.wait_for_url(re.compile(r".*_search=" + word))
    assert site.locator(ROWS).count() >= 1
    assert word.lower() in site.locator(ROWS).first.inner_text().lower()
    site.screenshot(path=str(screenshot_dir / "search_agenda_items_table.png"))


def test_withheld_items_for_a_council(site, published_url, published_sqlite, screenshot_dir):
    council, name, n = published_sqlite.execute(
        "select w.council, c.name, count(*) from withheld w join councils c on c.slug = w.council "
        "where w.send_related = 1 group by 1 order by 3 desc limit 1"
    ).fetchone()
    qs = urllib.parse.urlencode({"council": council, "date_from": "", "date_to": ""})
    site.goto(f"{published_url}/sendwatch/withheld_send_items?{qs}")
    rows = site.locator(ROWS)
    assert rows.count() == min(n, 1000)
    cells = site.locator("td.col-council").all_inner_texts()
    assert {c.strip() for c in cells} == {name}
    assert site.locator("td.col-schedule_12a_paragraph").first.inner_text().strip()
    assert site.locator("th.col-why_withheld").is_visible()
    site.screenshot(path=str(screenshot_dir / "withheld_send_items.png"))


def test_dashboard_charts_are_drawn_locally(site, published_url, screenshot_dir):
    site.goto(published_url + "/-/dashboards/send-overview")
    for chart in ("dsg-deficit", "withheld-by-year", "withheld-paragraphs"):
        site.wait_for_selector(f"#chart-{chart} canvas, #chart-{chart} svg", timeout=15_000)
    for card in ("councils-covered", "send-papers", "send-withheld", "latest-deficit"):
        text = site.locator(f"#chart-{card} p").first.inner_text(timeout=15_000)
        assert re.search(r"\d", text), (card, text)
    site.wait_for_load_state("networkidle")
    site.screenshot(path=str(screenshot_dir / "dashboard.png"), full_page=True)
    assert not off_machine(site.requests, published_url), off_machine(site.requests, published_url)


def test_dashboard_for_one_council(site, published_url, published_sqlite, screenshot_dir):
    name = published_sqlite.execute(
        "select c.name from figures f join councils c on c.slug = f.council "
        "where f.metric = 'dsg_cumulative_deficit' group by 1 order by count(*) desc limit 1"
    ).fetchone()
    if name is None:
        pytest.fail("the published database has no DSG deficit figures to chart")
    site.goto(published_url + "/-/dashboards/send-overview?" + urllib.parse.urlencode({"council": name[0]}))
    site.wait_for_selector("#chart-dsg-deficit canvas, #chart-dsg-deficit svg", timeout=15_000)
    assert site.locator("select#council").input_value() == name[0]
    site.screenshot(path=str(screenshot_dir / "dashboard_council.png"), full_page=True)


def test_follow_a_figure_to_its_source_page(site, published_url, published_sqlite, screenshot_dir):
    council = published_sqlite.execute(
        "select council from figures group by council order by count(*) desc limit 1"
    ).fetchone()[0]
    qs = urllib.parse.urlencode({"council": council, "metric": "dsg_cumulative_deficit"})
    site.goto(f"{published_url}/sendwatch/council_figures?{qs}")
    row = site.locator(ROWS).filter(has=site.locator("td.col-source_link a")).first
    amount = row.locator("td.col-amount").inner_text().strip()
    page_no = row.locator("td.col-page").inner_text().strip()
    sentence = row.locator("td.col-sentence").inner_text().strip()
    assert amount.startswith("£")
    site.screenshot(path=str(screenshot_dir / "council_figures.png"))
    row.locator("td.col-source_link a").click()
    site.wait_for_url(re.compile(r".*/sendwatch/pages/[^?]+$"))
    body = site.locator("body").inner_text()
    assert page_no in site.locator("td.col-page").first.inner_text()
    # The figure's words are on the page it links to.
    words = [w for w in re.findall(r"[A-Za-z]{5,}", sentence)][:3]
    assert all(w in body for w in words), words
    site.screenshot(path=str(screenshot_dir / "figure_source_page.png"), full_page=True)
