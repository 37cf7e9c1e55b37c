"""The dashboard's read-only pages (issue 15 item 5), on the demo ledger, in both languages:
every page answers, shows the report's findings for its sections and says the data are
synthetic; a filter gives the figures of the filtered ledger; nothing is loaded from elsewhere."""

from __future__ import annotations

import re

import pytest
from markupsafe import escape
from fastapi.testclient import TestClient

from pairaid.ledger import Store
from pairaid.report.text import title, word
import pairaid.api
from pairaid.subset import Filters, subset_ledger
from pairaid.web import Settings, create_app
from pairaid.web.dashboard import PAGES

LANGS = ("en", "zh")


@pytest.fixture(scope="module")
def app(report_demo_db):
    return create_app(Settings(db=str(report_demo_db)))


@pytest.fixture(scope="module")
def client(app):
    return TestClient(app)


def _path(page_id: str) -> str:
    return "/" if page_id == "overview" else f"/{page_id}"


def _headline_value(html: str, key: str) -> float:
    """The nominal value of a headline figure, from the table's data-value (its first number
    cell in the row whose first cell is the figure's label)."""
    row = re.search(rf"<tr><td>{re.escape(key)}</td><td class=\"num\" data-value=\"([^\"]+)\"",
                    html)
    assert row, f"no headline row '{key}'"
    return float(row.group(1))


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("page_id", list(PAGES))
def test_every_page_shows_its_sections_findings_and_the_synthetic_label(client, app, page_id,
                                                                         lang):
    response = client.get(_path(page_id), params={"lang": lang})
    assert response.status_code == 200
    html = response.text
    assert str(escape(word("synthetic_banner", lang))) in html
    assert 'id="synthetic-label"' in html
    rendered = app.state.dashboard.view(Filters()).rendered(lang)
    assert str(rendered.coverage) in html  # what the data cover, on every page
    shown = [rendered.sections[s] for s in PAGES[page_id] if s in rendered.sections]
    assert shown, page_id
    for section in shown:
        assert f'id="h-{section.id}">{title(section.id, lang)}' in html
        for reading in section.reading + [r for c in section.charts for r in c.reading]:
            assert str(escape(reading.text)) in html  # the report's sentence, as rendered
        for chart in section.charts:
            assert f'id="chart-{chart.id}"' in html and f'"{chart.id}":' in html
    if page_id == "overview":
        assert len(rendered.cards) >= 4
        for card in rendered.cards:
            assert str(escape(card["message"])) in html


def test_the_language_is_remembered_in_a_cookie(report_demo_db):
    client = TestClient(create_app(Settings(db=str(report_demo_db), secure_cookies=False)))
    assert 'lang="zh-CN"' in client.get("/audit", params={"lang": "zh"}).text
    assert 'lang="zh-CN"' in client.get("/audit").text  # the cookie, no parameter
    assert 'lang="en"' in client.get("/audit", params={"lang": "en"}).text


def test_a_filter_gives_the_figures_of_the_filtered_ledger(client, report_demo_db, tmp_path):
    whole = _headline_value(client.get("/").text, "Funds committed")
    response = client.get("/", params={"donor": "BJ", "year_from": "2015", "year_to": "2018"})
    assert response.status_code == 200
    html = response.text
    beijing = _headline_value(html, "Funds committed")
    # the filtered figure is the Python API's (what `pairaid summary --json` says) on the
    # ledger the filters keep
    with Store.open(report_demo_db, create=False) as store:
        part = subset_ledger(store, Filters(donor="BJ", year_from=2015, year_to=2018),
                             tmp_path / "bj.db")
        flows = store.read_table("flows")
    with pairaid.api.Ledger(part) as ledger:
        assert beijing == pytest.approx(ledger.summary().figure("funds_committed").value)
    # and, by hand, at least Beijing's yuan commitments of those years (USD ones add to it)
    chosen = flows[(flows["donor"] == "BJ") & flows["year"].between(2015, 2018)
                   & (flows["kind"] == "commitment")]
    in_yuan = chosen.loc[chosen["currency"] == "CNY", "amount"].sum()
    assert in_yuan > 0 and beijing >= in_yuan
    assert beijing < whole
    assert "Donor: Beijing" in html and "From year: 2015" in html  # the label says so
    # the filters stay with the navigation
    assert 'href="/map?donor=BJ&amp;year_from=2015&amp;year_to=2018"' in html


@pytest.mark.parametrize("query, message", [
    ({"donor": "XX"}, "no donor &#39;XX&#39; in the ledger"),
    ({"year_from": "twenty"}, "year from &#39;twenty&#39; is not a year"),
    ({"sector": "farming"}, "is not a DAC purpose code"),
])
def test_a_bad_filter_is_named_next_to_the_form(client, query, message):
    response = client.get("/", params=query)
    assert response.status_code == 422
    error = re.search(r'<p class="error" role="alert" id="filter-error">(.*?)</p>',
                      response.text).group(1)
    assert message in error


def test_the_table_behind_a_chart_is_downloadable(client):
    response = client.get("/data/funds_by_year.csv")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    assert response.text.splitlines()[0] == "year,kind,amount"
    assert client.get("/data/nothing.csv").status_code == 404


def test_nothing_is_loaded_from_another_site(client):
    html = client.get("/effects").text
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert sources and all(s.startswith(("/", "?", "#")) for s in sources), sources
    script = client.get("/assets/vega.js")
    assert script.status_code == 200 and "vegaEmbed" in script.text
    assert client.get("/static/dashboard.css").status_code == 200
    assert "vegaEmbed" in client.get("/static/dashboard.js").text
