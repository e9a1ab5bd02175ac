# ruff: noqa: RUF001 -- the assertions hold Chinese text, whose full-width punctuation is meant.
"""The applicant's pages as people see them, in Chinese and in English: the dashboard (what needs them first), a
draft's preview (figures with their sources) and a rejection's panel, screenshotted; and at 390 px, tables that
show they scroll while the page itself never runs wider than the screen."""
import pytest

from approvals import services
from tests.factories import ApplicantFactory, CompanyFactory, StaffFactory, draft_request, line, request_in_review

pytestmark = pytest.mark.django_db(transaction=True)

TEXTS = {
    "zh-hans": {"locale": "zh-CN", "needs": "待您处理", "draft": "完成并提交草稿", "preview": "算力预览",
                "threshold": "任意 365 天内 75,000 片", "flop": "FLOP", "rejected": "决定：拒绝",
                "reason": "订单超出所述用途的需要", "next": "您接下来可以做什么", "question": "答复审核员关于"},
    "en": {"locale": "en-GB", "needs": "Needs your action", "draft": "Finish and submit draft",
           "preview": "Capability preview", "threshold": "75,000 units in any 365 days", "flop": "FLOP",
           "rejected": "Decision: rejected", "reason": "The order exceeds what the stated purpose needs",
           "next": "What you can do next", "question": "Answer the reviewer's question on"},
}


@pytest.fixture
def office(db):
    """A company with a draft, a question waiting, and a rejection; every order's figures are its own."""
    company = CompanyFactory(legal_name="深圳格点算力有限公司 Shenzhen Lattice Compute Co., Ltd.",
                             approved_customer=True)
    applicant = ApplicantFactory(username="applicant-a", membership__company=company)
    reviewer = StaffFactory(username="reviewer", groups=["reviewer"])
    draft = draft_request(applicant, purpose_category="model_training", training_parameters=70_000_000_000,
                          training_tokens=2_000_000_000_000, training_days=60,
                          lines=[line("nvidia-h200", 256), line("nvidia-h20", 1_200, "12000.00")])
    asked = request_in_review(applicant)
    services.request_transition(import_request_id=asked.pk, action="request_information", actor=reviewer,
                                payload={"question": "Which hall of the data park hosts the cluster?"})
    rejected = request_in_review(applicant)
    services.request_transition(import_request_id=rejected.pk, action="reject", actor=reviewer, payload={
        "reason_codes": ["over_provisioned", "incomplete_documents"],
        "reason": "The order is four times what the declared model needs, and no purchase contract was attached.",
    })
    return {"draft": draft, "asked": asked, "rejected": rejected}


def _context(browser, live_server, *, locale: str, width: int = 1280, height: int = 900):
    context = browser.new_context(base_url=live_server.url, viewport={"width": width, "height": height},
                                  locale=locale)
    context.set_default_timeout(15_000)
    return context


def _sign_in(page):
    page.goto("/accounts/login/")
    page.fill("input[name=username]", "applicant-a")
    page.fill("input[name=password]", "pw-for-tests")
    page.click("form[action='/accounts/login/'] [type=submit]")
    page.wait_for_load_state()


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_dashboard_a_preview_and_a_rejection_in_each_language(browser, live_server, office, artifacts_dir,
                                                                   language):
    texts = TEXTS[language]
    context = _context(browser, live_server, locale=texts["locale"])
    page = context.new_page()
    _sign_in(page)
    assert page.get_attribute("html", "lang") == language

    main = page.inner_text("main")
    assert texts["needs"] in main and texts["draft"] in main and texts["question"] in main
    assert main.index(texts["needs"]) < main.index(office["rejected"].reference)
    page.screenshot(path=str(artifacts_dir / f"portal-dashboard-{language}.png"), full_page=True)

    page.goto(f"/requests/{office['draft'].public_id}/")
    preview = page.inner_text("[data-preview]")
    assert texts["preview"] in preview and texts["threshold"] in preview
    assert "× 10²⁵" in preview and "e+" not in preview
    assert "70,000,000,000" in page.inner_text("[data-declared-parameters]")
    assert "1,456" in page.inner_text("[data-lines-table] tfoot")  # 256 + 1,200 units, grouped
    page.screenshot(path=str(artifacts_dir / f"portal-preview-{language}.png"), full_page=True)

    page.goto(f"/requests/{office['rejected'].public_id}/")
    panel = page.inner_text("[data-rejection]")
    assert texts["rejected"] in panel and texts["reason"] in panel and texts["next"] in panel
    assert "four times what the declared model needs" in panel
    assert "reviewer" not in page.inner_text("[data-rejection] h2").lower()  # a role at most, never a name
    page.locator("[data-rejection]").screenshot(path=str(artifacts_dir / f"portal-rejection-{language}.png"))
    context.close()


def test_the_switcher_changes_the_language_in_place(browser, live_server, office):
    context = _context(browser, live_server, locale="en-GB")
    page = context.new_page()
    _sign_in(page)
    page.goto(f"/requests/{office['draft'].public_id}/")
    with page.expect_navigation():
        page.select_option("#language-choice", "zh-hans")
    assert page.url.endswith(f"/requests/{office['draft'].public_id}/")
    assert "算力预览" in page.inner_text("main")
    assert page.get_attribute("html", "lang") == "zh-hans"
    context.close()


@pytest.mark.parametrize("path", ["dashboard", "draft", "rejected", "new order"])
def test_at_390_px_tables_show_they_scroll_and_nothing_is_cut_off(browser, live_server, office, artifacts_dir,
                                                                   path):
    context = _context(browser, live_server, locale="zh-CN", width=390, height=844)
    page = context.new_page()
    _sign_in(page)
    if path == "new order":
        page.goto("/requests/new/")
        page.select_option("#id_purpose_category", "model_training")
        page.fill("#id_training_parameters", "700亿")
        assert page.inner_text("[data-words-for=id_training_parameters]") == "= 700亿"
    elif path != "dashboard":
        page.goto(f"/requests/{office[path].public_id}/")
    widths = page.evaluate("""() => ({
        viewport: window.innerWidth,
        document: document.documentElement.scrollWidth,
        body: document.body.scrollWidth,
        tables: [...document.querySelectorAll('[data-table-scroll]')].map(box => ({
            scrollWidth: box.scrollWidth, clientWidth: box.clientWidth, right: box.getBoundingClientRect().right,
            overflow: getComputedStyle(box).overflowX, cue: box.classList.contains('scrolls'),
            hint: !box.previousElementSibling.hidden && box.previousElementSibling.className === 'scroll-hint'
                ? box.previousElementSibling.innerText : '',
        })),
        cut: [...document.querySelectorAll('main *')].filter(element => {
            const box = element.getBoundingClientRect();
            return box.width > 0 && !element.closest('[data-table-scroll]') && box.right > window.innerWidth + 1;
        }).map(element => element.tagName + '.' + element.className).slice(0, 5),
    })""")
    assert widths["viewport"] == 390
    assert widths["document"] <= 390 and widths["body"] <= 390, widths
    assert widths["cut"] == [], widths["cut"]
    if path == "new order":
        assert widths["tables"] == []
    else:
        assert widths["tables"], "the page has a table"
    for table in widths["tables"]:
        assert table["right"] <= 390
        assert table["overflow"] == "auto"
        assert table["cue"] == (table["scrollWidth"] > table["clientWidth"])
        assert ("左右滑动" in table["hint"]) == table["cue"]
    if path in ("dashboard", "draft", "rejected"):
        assert any(table["cue"] for table in widths["tables"]), "at 390 px a table is wider than the screen"
    page.screenshot(path=str(artifacts_dir / f"portal-390px-{path.replace(' ', '-')}.png"), full_page=True)
    context.close()
