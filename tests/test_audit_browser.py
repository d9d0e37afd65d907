"""The audit report in a real browser: Debian's headless Chromium, driven by Playwright.

Playwright drives the system Chromium (``executable_path``, see ``browser.py``), so nothing is downloaded:
no ``playwright install``. The page must draw its charts and table, filter and sort the table, show a
letter's findings from its row, log no error to the console, and ask for nothing outside the file (every
non-file request is blocked and recorded). Skipped only when Chromium is not installed (``apt-get install chromium``).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from browser import browser, clean_page  # noqa: F401 (browser: the fixture)
from checker.cli import main
from conftest import EXAMPLES


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("audit-browser")
    html = out / "r.html"
    result = CliRunner().invoke(main, ["audit", str(EXAMPLES), "--html", str(html), "--db", str(out / "audit.sqlite"),
                                       "--jobs", "1"], catch_exceptions=False)
    assert result.exit_code in (0, 1), result.output
    return html


@pytest.fixture
def page(browser, report):
    with clean_page(browser, report) as page:
        yield page


def visible_rows(page) -> list[list[str]]:
    return page.evaluate("""() => Array.from(document.querySelectorAll('#letters-table tbody tr'))
        .filter(r => !r.hidden).map(r => Array.from(r.cells).map(c => c.textContent))""")


def test_charts_and_table_are_drawn(page):
    assert page.title() == "答复函合规审计报告"
    assert page.locator("svg.chart").count() >= 5
    bars = page.locator("svg.chart rect.bar")
    assert bars.count() > 5
    box = bars.first.bounding_box()
    assert box and box["width"] > 0 and box["height"] > 0
    rows = visible_rows(page)
    assert len(rows) >= 7 and page.locator("#shown").inner_text() == str(len(rows))
    assert any("npc-compliant.txt" in r[0] for r in rows)
    assert {r[3] for r in rows} <= {"人大建议答复", "政协提案答复", "未识别"}
    # Chinese text is laid out with a real font (not tofu boxes of zero width)
    width = page.evaluate("() => document.querySelector('h1').getBoundingClientRect().width")
    assert width > 100


def test_search_filters_rows(page):
    total = len(visible_rows(page))
    page.locator("#search").press_sequentially("cppcc")
    rows = visible_rows(page)
    assert 0 < len(rows) < total
    assert all("cppcc" in r[0].lower() for r in rows)
    assert page.locator("#shown").inner_text() == str(len(rows))
    page.locator("#search").fill("")
    page.locator("#search").press_sequentially("政协")
    assert {r[3] for r in visible_rows(page)} == {"政协提案答复"}
    page.locator("#search").fill("no such letter anywhere")
    assert visible_rows(page) == [] and page.locator("#shown").inner_text() == "0"
    page.locator("#search").fill("")
    assert len(visible_rows(page)) == total


def test_clicking_a_header_sorts(page):
    header = page.locator("#letters-table thead th", has_text="错误")
    header.click()
    assert header.get_attribute("aria-sort") == "ascending"
    errors = [int(r[4]) for r in visible_rows(page)]
    assert errors == sorted(errors) and errors[0] < errors[-1]
    header.click()
    assert header.get_attribute("aria-sort") == "descending"
    errors = [int(r[4]) for r in visible_rows(page)]
    assert errors == sorted(errors, reverse=True)
    page.locator("#letters-table thead th", has_text="文件").click()
    paths = [r[0] for r in visible_rows(page)]
    assert paths[0] < paths[-1]
    # sorting keeps the filter
    page.locator("#search").press_sequentially("defective")
    header.click()
    assert all("defective" in r[0] for r in visible_rows(page))


def test_a_row_leads_to_its_findings(page):
    link = page.locator("#letters-table tbody tr.dirty a").first
    target = link.get_attribute("href")
    link.click()
    assert page.evaluate("() => location.hash") == target
    article = page.locator(f"article{target}")
    assert article.is_visible()
    assert article.locator("ol.findings li").count() >= 1
    assert article.locator("pre.src .ln").count() >= 1
