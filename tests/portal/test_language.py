# ruff: noqa: RUF001 -- the assertions hold Chinese text, whose full-width punctuation is meant.
"""The portal in Simplified Chinese and English: the browser's language by default, a switcher that is
remembered for emails, the desk and the API in English whatever the browser says, a complete catalogue."""
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client

from approvals import services
from approvals.models import CompanyMember, Notification
from tests.factories import draft_request, request_in_review

pytestmark = pytest.mark.django_db

CHINESE = {"HTTP_ACCEPT_LANGUAGE": "zh-CN,zh;q=0.9,en;q=0.5"}


def test_the_browser_language_decides_by_default(applicant_client, applicant):
    draft_request(applicant)
    chinese = applicant_client.get("/", **CHINESE).content.decode()
    assert '<html lang="zh-hans">' in chinese
    assert "待您处理" in chinese and "完成并提交草稿" in chinese and "新建订单" in chinese
    assert "Needs your action" not in chinese
    english = applicant_client.get("/", HTTP_ACCEPT_LANGUAGE="en-GB,en").content.decode()
    assert '<html lang="en">' in english and "Needs your action" in english


def test_an_unknown_browser_language_gets_english(applicant_client):
    html = applicant_client.get("/", HTTP_ACCEPT_LANGUAGE="fr-FR,fr").content.decode()
    assert '<html lang="en">' in html and "Needs your action" in html


def test_the_switcher_sets_the_language_and_remembers_it_for_emails(applicant_client, applicant):
    response = applicant_client.post("/language/", {"language": "zh-hans", "next": "/requests/new/"},
                                     HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 302 and response["Location"] == "/requests/new/"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "zh-hans"
    assert CompanyMember.objects.get(user=applicant).preferred_language == "zh-hans"
    # The cookie now wins over the browser's English.
    html = applicant_client.get("/requests/new/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "新建订单" in html and "用途类别" in html and "保存草稿" in html


def test_the_switcher_ignores_a_language_the_site_does_not_offer(applicant_client, applicant):
    applicant_client.post("/language/", {"language": "fr", "next": "/"})
    assert CompanyMember.objects.get(user=applicant).preferred_language == ""


def test_the_switcher_refuses_a_post_without_its_csrf_token(applicant):
    client = Client(enforce_csrf_checks=True)
    client.force_login(applicant)
    assert client.post("/language/", {"language": "zh-hans", "next": "/"}).status_code == 403
    assert CompanyMember.objects.get(user=applicant).preferred_language == ""


def test_the_sign_in_page_is_translated_and_offers_the_switcher():
    html = Client().get("/accounts/login/", **CHINESE).content.decode()
    assert "登录" in html and "忘记密码？" in html
    assert 'action="/language/"' in html and 'name="csrfmiddlewaretoken"' in html


def test_the_desk_and_the_api_stay_english_whatever_the_browser_says(reviewer):
    client = Client()
    client.force_login(reviewer)
    desk = client.get("/admin/", **CHINESE)
    assert desk.status_code == 200
    assert '<html lang="en"' in desk.content.decode()
    api = Client().get("/api/v1/requests/", **CHINESE)
    assert api.status_code in (401, 403)
    assert "credentials" in api.json()["detail"]


def test_service_errors_reach_the_applicant_in_their_language(applicant_client, applicant):
    order = draft_request(applicant, purpose_statement="short", lines=[{"chip": "nvidia-h100-sxm",
                                                                         "quantity": 8, "unit_price_usd": "1.00"}])
    html = applicant_client.get(f"/requests/{order.public_id}/submit/", **CHINESE).content.decode()
    assert "订单尚不能提交" in html
    assert "只有符合经批准客户框架的芯片才能进口" in html
    assert "请用至少 200 个字符说明用途（目前 5 个）" in html


def test_the_portal_not_found_page_is_translated(applicant_client):
    response = applicant_client.get("/requests/00000000-0000-0000-0000-000000000000/", **CHINESE)
    assert response.status_code == 404
    html = response.content.decode()
    assert "未找到" in html and "返回首页" in html


def test_emails_to_applicants_are_in_their_language_and_staff_read_english(
    applicant, reviewer, django_capture_on_commit_callbacks
):
    CompanyMember.objects.filter(user=applicant).update(preferred_language="zh-hans")
    order = request_in_review(applicant)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.request_transition(import_request_id=order.pk, action="request_information", actor=reviewer,
                                    payload={"question": "Which hall hosts the cluster?"})
    told = next(message for message in mail.outbox if message.to == [applicant.email])
    assert told.subject == f"{order.reference}：审核员有一个问题"
    assert "审核员的问题：\n\nWhich hall hosts the cluster?" in told.body
    assert "您好" in told.body
    with django_capture_on_commit_callbacks(execute=True):
        services.request_transition(import_request_id=order.pk, action="respond", actor=applicant,
                                    payload={"answer": "Hall B."})
    to_reviewer = next(message for message in mail.outbox if message.to == [reviewer.email])
    assert to_reviewer.subject == f"{order.reference}: the applicant answered"
    assert "Hello" in to_reviewer.body


def test_a_status_email_names_the_statuses_in_words(applicant, reviewer, django_capture_on_commit_callbacks):
    order = request_in_review(applicant)
    with django_capture_on_commit_callbacks(execute=True):
        services.request_transition(import_request_id=order.pk, action="reject", actor=reviewer,
                                    payload={"reason_codes": ["insufficient_purpose"], "reason": "Too vague."})
    told = Notification.objects.get(recipient=applicant, kind="status_changed", subject__contains="rejected")
    assert told.subject == f"{order.reference} is now rejected"
    assert f"Your request {order.reference} moved from under review to rejected.\n\nToo vague." in told.body


def test_ones_own_actions_are_not_news(applicant, applicant_client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        order = request_in_review(applicant)
    own = Notification.objects.filter(recipient=applicant)
    submitted = own.get(subject=f"{order.reference} is now submitted")
    screened = own.get(subject=f"{order.reference} is now under review")
    assert submitted.read_at is not None  # the applicant submitted it: stored as read
    assert screened.read_at is None  # the screening is news
    html = applicant_client.get("/").content.decode()
    assert f"{order.reference} is now under review" in html
    assert f"{order.reference} is now submitted" not in html


def test_every_message_of_the_chinese_catalogue_is_translated():
    po = (Path(settings.BASE_DIR) / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po").read_text(encoding="utf-8")
    entries = po.split("\n\n")[1:]
    assert len(entries) > 300
    untranslated = [entry for entry in entries if re.search(r'^msgstr(\[0\])? ""$', entry, re.M)
                    and not re.search(r'^msgstr(\[0\])? ""\n"', entry, re.M)]
    assert untranslated == []
    assert "#, fuzzy" not in po


def test_the_browser_language_at_sign_in_is_remembered_until_one_is_chosen(applicant):
    applicant.set_password("pw-for-tests")
    applicant.save()
    client = Client()
    client.post("/accounts/login/", {"username": applicant.username, "password": "pw-for-tests"}, **CHINESE)
    assert CompanyMember.objects.get(user=applicant).preferred_language == "zh-hans"
    client.post("/language/", {"language": "en", "next": "/"})
    Client().post("/accounts/login/", {"username": applicant.username, "password": "pw-for-tests"}, **CHINESE)
    assert CompanyMember.objects.get(user=applicant).preferred_language == "en"  # the choice stands


def test_the_domain_words_and_next_steps_the_portal_shows_are_all_in_the_catalogue():
    from django.utils import translation

    from approvals.services import REJECTION_REASONS
    from approvals.states import LicenceStatus, Status
    from portal.views import NEXT_STEPS
    from portal.vocabulary import WORDS

    shown = {*WORDS, *NEXT_STEPS.values(), *REJECTION_REASONS.values(), *Status.labels, *LicenceStatus.labels}
    with translation.override("zh-hans"):
        untranslated = [text for text in shown if translation.gettext(text) == text]
    assert untranslated == []


def test_the_public_verification_page_follows_the_readers_language(applicant, reviewer):
    from tests.factories import approved_licence

    licence = approved_licence(applicant, reviewer)
    html = Client().get(f"/verify/{licence.verification_code}/", **CHINESE).content.decode()
    assert "许可证核验" in html and "有效 — 在下列有效期内可用于发货" in html
    english = Client().get(f"/verify/{licence.verification_code}/").content.decode()
    assert "ACTIVE — valid for shipment within the validity below" in english
