"""Browser sessions for the dashboard (issue 15): log in with an API token through a form with a
CSRF token, get a signed HttpOnly/SameSite/Secure cookie that holds no token, log out; failures
count against the bearer tokens' rate limit; a forged, edited or revoked session is no session;
and the data-entry forms write through the importer's validator: its message next to the field,
nothing written on error, the editor's scope and the CSRF token enforced. Also GET /api/iati.xml."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from helpers import load_mini
from pairaid.ledger import Store
from pairaid.ledger.accounts import add_account, revoke_account
from pairaid.web import Settings, create_app
from pairaid.web.sessions import SESSION_COOKIE, sign, unsign

GOOD_FLOW = dict(donor="BJ", recipient="653201", year="2016", kind="disbursement",
                 amount="12345", currency="CNY", sector="31120", ref="FORM-1")


@pytest.fixture(scope="module")
def ledger(tmp_path_factory):
    """The mini ledger with an editor of Hotan City, a viewer and an admin (module-wide: the
    tests that write add rows no other test counts)."""
    path = tmp_path_factory.mktemp("web_sessions") / "ledger.db"
    with Store.open(path) as store:
        load_mini(store)
        tokens = {"editor": add_account(store, "hotan-editor", "editor", region="653201"),
                  "viewer": add_account(store, "reader", "viewer"),
                  "admin": add_account(store, "office-admin", "admin"),
                  "revoked": add_account(store, "gone", "editor")}
    return path, tokens


@pytest.fixture(scope="module")
def app(ledger):
    return create_app(Settings(db=str(ledger[0]), token_failures_per_minute=3))


def client(app) -> TestClient:
    return TestClient(app, base_url="https://testserver")


def _csrf(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def login(app, token: str, next_path: str = "/") -> TestClient:
    browser = client(app)
    form = browser.get("/login")
    response = browser.post("/login", data={"token": token, "csrf_token": _csrf(form.text),
                                            "next": next_path}, follow_redirects=False)
    assert response.status_code == 303, response.text
    return browser


def test_login_sets_a_signed_strict_httponly_secure_cookie_without_the_token(app, ledger):
    token = ledger[1]["editor"]
    browser = client(app)
    form = browser.get("/login")
    assert form.status_code == 200 and 'type="password"' in form.text
    response = browser.post("/login", data={"token": token, "csrf_token": _csrf(form.text),
                                            "next": "/enter/flows"}, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/enter/flows"
    cookie = next(c for c in response.headers.get_list("set-cookie")
                  if c.startswith(SESSION_COOKIE + "="))
    flags = {part.strip().lower() for part in cookie.split(";")[1:]}
    assert {"httponly", "secure", "samesite=strict", "path=/"} <= flags
    value = cookie.split(";")[0].split("=", 1)[1]
    assert token not in value and token[8:20] not in value
    assert unsign(app.state.session_key, value)["n"] == "hotan-editor"
    page = browser.get("/enter/flows")
    assert page.status_code == 200 and "hotan-editor" in page.text
    assert token not in page.text


def test_a_bad_token_is_refused_and_failures_are_rate_limited(ledger):
    app = create_app(Settings(db=str(ledger[0]), token_failures_per_minute=2))
    browser = client(app)
    csrf = _csrf(browser.get("/login").text)
    for _ in range(2):
        refused = browser.post("/login", data={"token": "pairaid_wrong", "csrf_token": csrf})
        assert refused.status_code == 401 and 'id="login-error"' in refused.text
    blocked = browser.post("/login", data={"token": ledger[1]["editor"], "csrf_token": csrf})
    assert blocked.status_code == 429  # even the right token waits: the address is blocked
    assert SESSION_COOKIE not in blocked.cookies
    # the same limit as bearer tokens: the API refuses this address too
    api = client(app).post("/api/tables/flows", json=GOOD_FLOW,
                           headers={"Authorization": f"Bearer {ledger[1]['editor']}"})
    assert api.status_code == 429


def test_login_needs_its_csrf_token_and_refuses_a_cross_site_post(app, ledger):
    browser = client(app)
    browser.get("/login")
    missing = browser.post("/login", data={"token": ledger[1]["editor"]})
    assert missing.status_code == 403 and SESSION_COOKIE not in missing.cookies
    csrf = _csrf(browser.get("/login").text)
    crossed = browser.post("/login", data={"token": ledger[1]["editor"], "csrf_token": csrf},
                           headers={"Origin": "https://evil.example"})
    assert crossed.status_code == 403


def test_login_goes_only_to_a_path_on_this_site(app, ledger):
    for target in ("https://evil.example/", "//evil.example/x", "/\\evil.example"):
        browser = client(app)
        csrf = _csrf(browser.get("/login").text)
        response = browser.post("/login", data={"token": ledger[1]["viewer"],
                                                "csrf_token": csrf, "next": target},
                                follow_redirects=False)
        assert response.headers["location"] == "/", target


def test_a_forged_edited_or_expired_cookie_is_no_session(app):
    forged = sign(b"another key" * 3, {"n": "office-admin", "c": "x", "e": 2**40})
    expired = sign(app.state.session_key, {"n": "office-admin", "c": "x", "e": 1})
    good = sign(app.state.session_key, {"n": "office-admin", "c": "x", "e": 2**40})
    edited = good.replace(good.split(".")[0], sign(app.state.session_key, {
        "n": "office-admin", "c": "y", "e": 2**40}).split(".")[0])
    for value in (forged, expired, edited, "garbage", good + "x"):
        browser = client(app)
        browser.cookies.set(SESSION_COOKIE, value)
        response = browser.get("/enter/flows", follow_redirects=False)
        assert response.status_code == 303, value
        assert response.headers["location"].startswith("/login?next=%2Fenter%2Fflows")
    browser = client(app)
    browser.cookies.set(SESSION_COOKIE, good)
    assert browser.get("/enter/flows").status_code == 200


def test_a_revoked_account_loses_its_session_at_once(ledger):
    path, tokens = ledger
    app = create_app(Settings(db=str(path)))
    browser = login(app, tokens["revoked"])
    assert browser.get("/enter/flows").status_code == 200
    with Store.open(path, create=False) as store:
        revoke_account(store, "gone")
    assert browser.get("/enter/flows", follow_redirects=False).status_code == 303


def test_logout_needs_the_csrf_token_and_ends_the_session(app, ledger):
    browser = login(app, ledger[1]["viewer"])
    page = browser.get("/login")  # every page's bar says who is in (this one builds no view)
    assert 'id="logged-in"' in page.text
    assert browser.post("/logout", data={"csrf_token": "wrong"}).status_code == 403
    done = browser.post("/logout", data={"csrf_token": _csrf(page.text)},
                        follow_redirects=False)
    assert done.status_code == 303
    assert 'id="logged-in"' not in browser.get("/login").text


# -- data-entry forms -------------------------------------------------------------------------

def _flow_count(path) -> int:
    """Every flow, drafts included (what the forms write: drafts until approved)."""
    with Store.open(path, create=False) as store:
        return len(store.read_table("flows", drafts=True))


def _field_errors(html: str) -> dict[str, str]:
    from html import unescape

    return {k: unescape(v) for k, v in
            re.findall(r'class="error field-error" id="error-(\w+)">([^<]*)', html)}


def test_a_bad_value_is_shown_next_to_its_field_and_nothing_is_written(app, ledger):
    browser = login(app, ledger[1]["editor"])
    form = browser.get("/enter/flows")
    before = _flow_count(ledger[0])
    response = browser.post("/enter/flows", data={**GOOD_FLOW, "amount": "abc", "year": "1800",
                                                  "csrf_token": _csrf(form.text)})
    assert response.status_code == 422
    errors = _field_errors(response.text)
    # the importer's own messages (as `pairaid import` prints them for a file)
    assert errors["amount"] == "'abc' is not a number"
    assert "1800" in errors["year"]
    assert 'aria-invalid="true"' in response.text and 'value="abc"' in response.text
    assert _flow_count(ledger[0]) == before


def test_a_good_record_is_written_through_the_importer(app, ledger):
    browser = login(app, ledger[1]["editor"])
    csrf = _csrf(browser.get("/enter/flows").text)
    before = _flow_count(ledger[0])
    saved = browser.post("/enter/flows", data={**GOOD_FLOW, "csrf_token": csrf},
                         follow_redirects=False)
    assert saved.status_code == 303 and saved.headers["location"] == "/enter/flows?saved=1"
    assert 'id="form-saved"' in browser.get(saved.headers["location"]).text
    with Store.open(ledger[0], create=False) as store:
        flows = store.read_table("flows", drafts=True)
        approved = store.read_table("flows")
    assert len(flows) == before + 1
    assert len(approved) == before  # a draft until an approver approves it
    row = flows[flows["ref"] == "FORM-1"].iloc[0]
    assert row["amount"] == 12345 and row["year"] == 2016 and row["recipient"] == "653201"
    # the same record again: the importer's duplicate message, next to no field, nothing written
    again = browser.post("/enter/flows", data={**GOOD_FLOW, "csrf_token": csrf})
    assert again.status_code == 422 and 'id="form-error"' in again.text
    assert _flow_count(ledger[0]) == before + 1


def test_observations_have_a_form_too(app, ledger):
    browser = login(app, ledger[1]["editor"])
    csrf = _csrf(browser.get("/enter/observations").text)
    bad = browser.post("/enter/observations", data={
        "region": "653201", "year": "2016", "indicator": "no_such", "value": "1",
        "source": "yearbook", "csrf_token": csrf})
    assert bad.status_code == 422 and "indicator" in _field_errors(bad.text)
    good = browser.post("/enter/observations", data={
        "region": "653201", "year": "2016", "indicator": "population", "value": "391000",
        "source": "yearbook", "csrf_token": csrf}, follow_redirects=False)
    assert good.status_code == 303


def test_an_editor_cannot_enter_a_record_outside_their_region(app, ledger):
    browser = login(app, ledger[1]["editor"])
    csrf = _csrf(browser.get("/enter/flows").text)
    before = _flow_count(ledger[0])
    response = browser.post("/enter/flows", data={**GOOD_FLOW, "donor": "SH",
                                                  "recipient": "652901", "ref": "FORM-X",
                                                  "csrf_token": csrf})
    assert response.status_code == 403 and "653201" in response.text
    assert _flow_count(ledger[0]) == before


def test_forms_need_a_writer_session_and_the_csrf_token(app, ledger):
    anonymous = client(app)
    assert anonymous.get("/enter/flows", follow_redirects=False).status_code == 303
    assert anonymous.post("/enter/flows", data=GOOD_FLOW,
                          follow_redirects=False).status_code == 303
    viewer = login(app, ledger[1]["viewer"])
    assert viewer.get("/enter/flows", follow_redirects=False).status_code == 303
    editor = login(app, ledger[1]["editor"])
    editor.get("/enter/flows")
    before = _flow_count(ledger[0])
    forged = editor.post("/enter/flows", data={**GOOD_FLOW, "ref": "FORM-CSRF",
                                               "csrf_token": "forged"})
    assert forged.status_code == 403
    # another session's token is no good either
    other = _csrf(login(app, ledger[1]["admin"]).get("/enter/flows").text)
    assert editor.post("/enter/flows", data={**GOOD_FLOW, "ref": "FORM-CSRF",
                                             "csrf_token": other}).status_code == 403
    assert _flow_count(ledger[0]) == before


def test_the_form_speaks_chinese(app, ledger):
    browser = login(app, ledger[1]["editor"])
    page = browser.get("/enter/flows?lang=zh")
    assert "资金流" in page.text and "保存为草稿" in page.text


# -- IATI -------------------------------------------------------------------------------------

def test_iati_xml_streams_what_the_iati_export_writes(app, ledger):
    from lxml import etree

    from pairaid.ingest.iati.codes import schema_path
    from pairaid.ingest.iati.export import export_iati_bytes

    response = client(app).get("/api/iati.xml", params={"reporting_org": "CN-TEST"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/xml")
    with Store.open(ledger[0], create=False) as store:
        expected = export_iati_bytes(store, "CN-TEST")

    def without_time(data: bytes) -> bytes:
        return re.sub(rb'(generated-datetime|last-updated-datetime)="[^"]*"', b"", data)

    assert without_time(response.content) == without_time(expected)
    document = etree.fromstring(response.content)
    assert etree.XMLSchema(etree.parse(str(schema_path()))).validate(document)
    assert len(document.findall("iati-activity")) == 4 + 3  # pairings + projects
    assert client(app).get("/api/iati.xml",
                           params={"reporting_org": "bad org!"}).status_code == 422
