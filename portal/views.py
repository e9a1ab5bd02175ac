"""Applicant portal views: they read through the selectors, write through the services and show what those say."""
import secrets
from collections.abc import Callable
from functools import wraps
from importlib import import_module

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.sessions.models import Session
from django.core.paginator import Paginator
from django.db import transaction
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext
from django.views.decorators.http import require_http_methods, require_POST
from django.views.i18n import set_language

from approvals import guards, notifications, roles, selectors, services
from approvals.controls import approved_customer_warning
from approvals.errors import WorkflowError
from approvals.models import EndUseReport, ImportRequest, Licence
from approvals.policy import CURRENT_SCREENING_POLICY, FILING_LIMITS
from approvals.screening import capability_metrics
from approvals.services.licences import REPORTABLE
from approvals.states import LicenceStatus, Status
from portal import figures, vocabulary
from portal.forms import (
    LINES_PREFIX,
    AnswerForm,
    DeclarationForm,
    DocumentForm,
    EndUseReportForm,
    LineForm,
    ShipmentForm,
    SurrenderForm,
    WithdrawForm,
    count_in_words,
    line_formset,
)

PAGE_SIZE = 20
NOTIFICATIONS_SHOWN = 10
LICENCES_SHOWN = 20
FORM_TOKENS = "portal_order_form_tokens"
MAX_OPEN_ORDER_FORMS = 20
UPLOAD_ERRORS = "portal_upload_errors"


def _field_label(key: str) -> str:
    """A service's field key as the form labels it, in the reader's language."""
    field = DeclarationForm.base_fields.get(key)
    if field is not None:
        return str(field.label)
    return {"lines": _("Lines"), "file": _("Document"), "kind": _("Type of document")}.get(
        key, key.replace("_", " ").capitalize())


# Access ----------------------------------------------------------------------------------------------

def _not_found(request):
    return render(request, "portal/not_found.html", status=404)


def shows_not_found_page(view):
    """Anything the user may not see answers with the portal's own not-found page (no existence leak)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except Http404:
            return _not_found(request)

    return wrapper


def member_required(view):
    """Portal pages are for company members; regulator staff work in the admin, anyone else is told why not."""

    @login_required
    @shows_not_found_page
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        membership = roles.membership_of(request.user)
        if membership is None:
            if request.user.is_staff:
                return redirect("admin:index")
            return render(request, "portal/forbidden.html", {
                "reason": _("Your account is not linked to a company, so there are no orders to show. "
                            "Ask your company administrator to add you."),
            }, status=403)
        request.membership = membership
        return view(request, *args, **kwargs)

    return wrapper


def _read_only(request, what: str = ""):
    return render(request, "portal/forbidden.html", {
        "reason": _("Your role at %(company)s is read only: a filer or the company administrator can %(what)s.") % {
            "company": request.membership.company, "what": what or _("file and change orders")},
    }, status=403)


def _order(request, public_id, *, detail=False) -> ImportRequest:
    return selectors.request_get(user=request.user, public_id=public_id, detail=detail)


# Dashboard and notifications ---------------------------------------------------------------------

@member_required
def dashboard(request):
    status = request.GET.get("status", "")
    if status not in Status.values:
        status = ""
    search = request.GET.get("q", "").strip()[:40]
    orders = selectors.request_list(user=request.user, statuses=[status] if status else None, search=search)
    page = Paginator(orders, PAGE_SIZE).get_page(request.GET.get("page"))
    unread = selectors.unread_notifications(user=request.user)
    notifications = list(unread[:NOTIFICATIONS_SHOWN])
    unread_count = unread.count()
    to_do = selectors.applicant_to_do(user=request.user)
    licences = selectors.licence_list(user=request.user)
    shown_licences = list(selectors.licences_with_figures(licences)[:LICENCES_SHOWN])
    licence_count = len(shown_licences) if len(shown_licences) < LICENCES_SHOWN else licences.count()
    return render(request, "portal/dashboard.html", {
        "to_do": to_do,
        "page": page,
        "status": status,
        "search": search,
        "statuses": vocabulary.choices(Status.choices),
        "notifications": notifications,
        "unread_count": unread_count,
        "unread_more": unread_count - len(notifications),
        "licences": shown_licences,
        "licences_more": licence_count - len(shown_licences),
    })


@require_POST
@member_required
def notifications_mark_read(request):
    """One notification (``notification`` = its id) or, without one, all of the user's unread ones."""
    raw = request.POST.get("notification", "")
    if raw and not (raw.isascii() and raw.isdigit() and len(raw) <= 18):
        return render(request, "portal/bad_request.html", {
            "reason": _("The notification to mark as read was not given as a number, so nothing was marked."),
        }, status=400)
    notification_id = int(raw) if raw else None
    marked = notifications.notification_mark_read(user=request.user, notification_id=notification_id)
    if notification_id is None:
        messages.success(request, ngettext("%(count)d notification marked as read.",
                                           "%(count)d notifications marked as read.", marked) % {"count": marked})
    return redirect("portal:dashboard")


# The order form ----------------------------------------------------------------------------------

def _issue_form_token(request, key: str = FORM_TOKENS) -> str:
    token = secrets.token_urlsafe(16)
    tokens = request.session.get(key, {})
    tokens[token] = ""
    request.session[key] = dict(list(tokens.items())[-MAX_OPEN_ORDER_FORMS:])
    return token


def _locked_session(request):
    """A fresh copy of the session with its row locked, so two posts of one form are handled one after the other."""
    key = request.session.session_key
    Session.objects.select_for_update().filter(session_key=key).first()
    return import_module(settings.SESSION_ENGINE).SessionStore(session_key=key)


class StaleForm(Exception):
    """The form's one-time token is unknown: opened in another session, or the session ended."""


def _once(request, key: str, token: str, create: Callable[[], str]) -> tuple[str, bool]:
    """Run ``create`` (which returns the public id of what it made) once for this form's one-time token; a second
    post of the same form finds what the first one made."""
    with transaction.atomic():
        session = _locked_session(request)
        tokens = session.get(key, {})
        if token not in tokens:
            raise StaleForm
        if tokens[token]:
            return tokens[token], False
        tokens[token] = create()
        session[key] = tokens
        session.save()
    request.session = session
    return tokens[token], True


def _create_once(request, token: str, data: dict, lines: list[dict]) -> tuple[str, bool]:
    """Create the order for this form's token once; a second post of the same form finds the first order."""
    return _once(request, FORM_TOKENS, token,
                 lambda: str(services.request_create(actor=request.user, data=data, lines=lines).public_id))


def _rebuilt_forms(post, *, add: bool, remove: str):
    """The form as typed, with a line added or removed, shown again without judging it yet (no-JS editing)."""
    declaration = DeclarationForm(initial={name: post.get(name) for name in DeclarationForm.base_fields})
    try:
        total = min(int(post.get(f"{LINES_PREFIX}-TOTAL_FORMS", 0)), FILING_LIMITS.max_lines)
    except ValueError:
        total = 0
    rows = []
    for index in range(total):
        prefix = f"{LINES_PREFIX}-{index}"
        if prefix == remove or post.get(f"{prefix}-DELETE"):
            continue
        rows.append({name: post.get(f"{prefix}-{name}", "") for name in LineForm.base_fields})
    if add or not rows:
        rows.append({})
    return declaration, line_formset(initial=rows)


def _place_errors(error: WorkflowError, form: DeclarationForm, line_forms: list[LineForm]) -> list[str]:
    """Put a service's field errors on the fields they name (``lines.0.quantity`` on that row); the rest on top."""
    loose = []
    for key, texts in error.field_errors.items():
        parts = key.split(".")
        if (parts[0] == LINES_PREFIX and len(parts) == 3 and parts[1].isdigit()
                and int(parts[1]) < len(line_forms) and parts[2] in LineForm.base_fields):
            target, field = line_forms[int(parts[1])], parts[2]
        elif key in form.fields:
            target, field = form, key
        else:
            loose.extend(f"{_field_label(key)}: {text}" for text in texts)
            continue
        for text in texts:
            target.add_error(field, text)
    if not error.field_errors:
        loose.append(error.message)
    return loose


def _error_summary(form, formset, loose: list[str]) -> list[dict]:
    """Every error on the page, each linking to its field, for the box at the top."""
    summary = [{"text": text, "anchor": ""} for text in loose]
    if not form.is_bound:
        return summary
    for name, texts in form.errors.items():
        anchor = form[name].auto_id if name in form.fields else ""
        label = form.fields[name].label if name in form.fields else ""
        summary += [{"text": f"{label}: {text}" if label else text, "anchor": anchor} for text in texts]
    summary += [{"text": text, "anchor": ""} for text in formset.non_form_errors()]
    for number, line_form in enumerate(formset.forms, start=1):
        for name, texts in line_form.errors.items():
            field = line_form.fields.get(name)
            anchor = line_form[name].auto_id if field else ""
            label = (_("Line %(number)s, %(field)s") % {"number": number, "field": field.label} if field
                     else _("Line %(number)s") % {"number": number})
            summary += [{"text": f"{label}: {text}", "anchor": anchor} for text in texts]
    return summary


def _order_form(request, order: ImportRequest | None):
    if not request.membership.may_file:
        return _read_only(request)
    loose: list[str] = []
    token = request.POST.get("form_token", "") if order is None else ""
    if request.method == "POST" and ("add_line" in request.POST or "remove_line" in request.POST):
        form, formset = _rebuilt_forms(
            request.POST, add="add_line" in request.POST, remove=request.POST.get("remove_line", "")
        )
    elif request.method == "POST":
        form, formset = DeclarationForm(request.POST), line_formset(request.POST)
        if form.is_valid() and formset.is_valid():
            lines, line_forms = formset.lines()
            try:
                if order is None:
                    public_id, created = _create_once(request, token, form.declaration(), lines)
                    if created:
                        messages.success(request, _("Draft saved. Check the preview, then submit when ready."))
                    else:
                        messages.info(request, _("This form was already saved; here is the order it created."))
                    return redirect("portal:request_detail", public_id=public_id)
                services.request_update(import_request_id=order.pk, actor=request.user, data=form.declaration(),
                                        lines=lines)
                messages.success(request, _("Draft saved."))
                return redirect("portal:request_detail", public_id=order.public_id)
            except WorkflowError as error:
                loose = _place_errors(error, form, line_forms)
            except StaleForm:
                loose = [_("This form had expired, so nothing was saved. Check your dashboard for the order, "
                           "or save this form again.")]
                token = _issue_form_token(request)
    elif order is None:
        form, formset = DeclarationForm(), line_formset(initial=[{}])
        token = _issue_form_token(request)
    else:
        form = DeclarationForm(initial={name: getattr(order, name) for name in DeclarationForm.base_fields})
        formset = line_formset(initial=[
            {"chip": line.chip.slug, "quantity": line.quantity, "unit_price_usd": line.unit_price_usd}
            for line in order.lines.all()
        ] or [{}])
    statement = (form["purpose_statement"].value() or "").strip()
    language = request.LANGUAGE_CODE
    return render(request, "portal/order_form.html", {
        "order": order,
        "customer_warning": approved_customer_warning(
            company=request.membership.company, chips=[line.chip for line in order.lines.all()] if order else None),
        "form": form,
        "formset": formset,
        "form_token": token,
        "errors": _error_summary(form, formset, loose),
        "statement_length": len(statement),
        "min_purpose_length": FILING_LIMITS.min_purpose_length,
        "declaration_fields": [form[name] for name in (
            "purpose_category", "purpose_statement", "end_user", "consignee", "deployment_site")],
        "sizing_sections": [
            {"categories": "model_training", "legend": _("Training declaration"),
             "help": _("The model you will train, so reviewers can compare the order with what the run needs. "
                       "Sizes may be written as 70B, 2T, 700亿 or in full."),
             "fields": [_with_words(form[name], language) for name in DeclarationForm.TRAINING_FIELDS]},
            {"categories": "inference_serving", "legend": _("Serving declaration"),
             "help": _("The model you will serve and its peak load, so reviewers can compare the order with it."),
             "fields": [_with_words(form[name], language) for name in DeclarationForm.INFERENCE_FIELDS]},
            {"categories": "cloud_services research", "legend": _("Utilisation plan"),
             "help": _("How busy your plan expects these chips to be at peak."),
             "fields": [form[name] for name in DeclarationForm.PLAN_FIELDS]},
        ],
        "attestation_fields": [form["attest_no_reexport"], form["attest_no_military_end_use"]],
    })


@require_http_methods(["GET", "POST"])
@member_required
def request_new(request):
    return _order_form(request, None)


@require_http_methods(["GET", "POST"])
@member_required
def request_edit(request, public_id):
    order = _order(request, public_id, detail=True)
    if order.status != Status.DRAFT:
        messages.info(request, _("%(order)s is %(status)s: its content was frozen at submission and can no "
                                 "longer be edited.") % {"order": order, "status": _status_word(order)})
        return redirect("portal:request_detail", public_id=order.public_id)
    return _order_form(request, order)


# The request page --------------------------------------------------------------------------------

def _status_word(order: ImportRequest) -> str:
    """The order's status inside a sentence, in the reader's language."""
    return vocabulary.word(order.get_status_display()).lower()


def _with_words(bound_field, language: str):
    """A count field with what it holds said back in words (70B: 70 billion), for the reader to check."""
    bound_field.words = count_in_words(bound_field.value(), language)
    return bound_field


def _timeline(order: ImportRequest, user) -> list[dict]:
    return [
        {
            "at": entry.at,
            "what": vocabulary.word(entry.label),
            "who": entry.actor_label if entry.actor else vocabulary.word(entry.actor_label),
            "status": vocabulary.word(Status(entry.to_status).label) if entry.to_status in Status.values and
            entry.to_status != entry.from_status else "",
            "comment": entry.comment,
            "document": entry.document,
        }
        for entry in selectors.request_timeline_for(import_request=order, user=user)
    ]


# What the company can do after a rejection, by reason code: the next step, in the applicant's words.
NEXT_STEPS = {
    "insufficient_purpose": gettext_noop(
        "File a new order whose purpose says what will run on the chips, for whom, and why domestic accelerators do "
        "not meet the need."),
    "domestic_alternative": gettext_noop(
        "If domestic accelerators cannot serve the use, file a new order that says why (software, scale, "
        "interconnect), with evidence."),
    "over_provisioned": gettext_noop(
        "File a new order sized to the declared workload, or declare the full workload the chips are for."),
    "end_user_concern": gettext_noop(
        "Name the end user and the deployment site precisely in a new order, and attach a signed end-user "
        "statement."),
    "cap_exceeded": gettext_noop(
        "Order fewer units, or wait until earlier licences leave the 365-day window; surrendering a licence you "
        "will not use frees its units."),
    "incomplete_documents": gettext_noop(
        "Attach the purchase contract and a signed end-user statement to a new order."),
    "other": gettext_noop("Read the reviewer's message above: it says what was missing."),
}


def _rejection_panel(order: ImportRequest) -> dict | None:
    """The rejection as the company is told it: reasons in words, the reviewer's message, what it can do next."""
    rejection = selectors.request_rejection(import_request=order)
    if rejection is None:
        return None
    codes = rejection.reason_codes
    return {
        "reasons": [vocabulary.word(services.REJECTION_REASONS.get(code, code)) for code in codes],
        "message": rejection.message,
        "at": rejection.at,
        "next_steps": [_(NEXT_STEPS[code]) for code in codes if code in NEXT_STEPS],
    }


def _upload_errors(request, order: ImportRequest) -> dict | None:
    """The errors of a failed upload of this order, kept in the session across the redirect (shown once)."""
    stored = request.session.get(UPLOAD_ERRORS, {})
    errors = stored.pop(str(order.public_id), None)
    if errors is not None:
        request.session[UPLOAD_ERRORS] = stored
    return errors


def _render_detail(request, order: ImportRequest, *, answer_form=None, status=200):
    lines = list(order.lines.all())
    actions = selectors.available_actions(import_request=order, user=request.user)
    preview = None
    line_metrics = None
    if order.status == Status.DRAFT and lines:
        result = services.request_preview(import_request=order)
        line_metrics = result.line_metrics
        preview = {"figures": figures.order_figures(capability_metrics(result.metrics)),
                   "thresholds": figures.thresholds()}
    assessment = order.current_assessment if order.status != Status.DRAFT else None
    if assessment is not None:
        line_metrics = assessment.line_metrics
    questions = list(order.information_requests.all())
    open_question = next((question for question in reversed(questions) if question.answered_at is None), None)
    licence = getattr(order, "licence", None)
    is_draft = order.status == Status.DRAFT
    may_file = request.membership.may_file
    upload = _upload_errors(request, order) if is_draft else None
    document_form = DocumentForm(initial={"kind": upload["kind"]} if upload else None)
    return render(request, "portal/request_detail.html", {
        "order": order,
        "status_label": vocabulary.word(order.get_status_display()),
        "lines": lines,
        "line_rows": figures.line_rows(lines, line_metrics),
        "lines_total": figures.lines_total(lines),
        "ineligible": [text for texts in guards.ineligible_lines(lines).values() for text in texts]
        if is_draft else [],
        "licence": licence,
        "rejection": _rejection_panel(order) if order.status == Status.REJECTED else None,
        "approved_units": sum(line.approved_quantity or 0 for line in lines) if licence else 0,
        "requested_units": sum(line.quantity for line in lines),
        "certificate_url": reverse("portal:licence_certificate", args=[licence.public_id]) if licence else "",
        "documents": list(order.documents.all()),
        "preview": preview,
        "assessment": assessment,
        "assessment_figures": figures.order_figures(capability_metrics(assessment.metrics)) if assessment else [],
        "declaration_words": {
            name: count_in_words(getattr(order, name), request.LANGUAGE_CODE)
            for name in ("training_parameters", "training_tokens", "inference_active_parameters")
        },
        "timeline": _timeline(order, request.user),
        "questions": questions,
        "open_question": open_question,
        "can_edit": "submit" in actions,
        "can_withdraw": "withdraw" in actions,
        "can_respond": "respond" in actions and open_question is not None,
        "can_upload": is_draft and may_file,
        "can_remove_documents": is_draft and may_file,
        "upload_errors": upload["errors"] if upload else [],
        "customer_warning": approved_customer_warning(company=order.company, chips=[line.chip for line in lines])
        if is_draft else None,
        "answer_form": answer_form or AnswerForm(),
        "document_form": document_form,
    }, status=status)


@member_required
def request_detail(request, public_id):
    return _render_detail(request, _order(request, public_id, detail=True))


def _detail_url(order: ImportRequest, anchor: str = "") -> str:
    return reverse("portal:request_detail", args=[order.public_id]) + (f"#{anchor}" if anchor else "")


@require_POST
@member_required
def document_upload(request, public_id):
    """Attach a document; success or failure, the answer is a redirect to the order's page (a reload never posts
    the file again), where a failure shows at the document form with a summary at the top."""
    order = _order(request, public_id, detail=True)
    form = DocumentForm(request.POST, request.FILES)
    errors: list[str] = []
    if form.is_valid():
        try:
            document = services.document_attach(
                import_request_id=order.pk, actor=request.user, uploaded_file=form.cleaned_data["document"],
                kind=form.cleaned_data["kind"],
            )
        except WorkflowError as error:
            errors = [text for texts in error.field_errors.values() for text in texts] or [error.message]
        else:
            messages.success(request, _("%(name)s uploaded as %(kind)s.") % {
                "name": document.original_name, "kind": document.get_kind_display().lower()})
            return redirect(_detail_url(order, "documents"))
    else:
        errors = [text for texts in form.errors.values() for text in texts]
    if order.status != Status.DRAFT:  # no document form on the page: say it on top
        for text in errors:
            messages.error(request, text)
        return redirect(_detail_url(order))
    stored = request.session.get(UPLOAD_ERRORS, {})
    stored[str(order.public_id)] = {"errors": errors, "kind": request.POST.get("kind", "")}
    request.session[UPLOAD_ERRORS] = dict(list(stored.items())[-MAX_OPEN_ORDER_FORMS:])
    return redirect(_detail_url(order, "upload"))


@require_POST
@member_required
def document_remove(request, public_id, pk):
    order = _order(request, public_id)
    if not request.membership.may_file:
        return _read_only(request)
    try:
        name = services.document_remove(import_request_id=order.pk, actor=request.user, document_id=pk)
    except WorkflowError as error:
        if error.code == WorkflowError.NOT_FOUND:
            raise Http404(error.message) from error
        messages.error(request, error.message)
    else:
        messages.success(request, _("%(name)s removed from the draft.") % {"name": name})
    return redirect(_detail_url(order, "documents"))


@require_POST
def language_set(request):
    """Django's set_language (the cookie, the redirect back), and for a company member the language their
    emails are written in."""
    response = set_language(request)
    if request.user.is_authenticated:
        services.member_language_set(user=request.user, language=request.POST.get("language", ""))
    return response


@require_POST
@member_required
def request_respond(request, public_id):
    order = _order(request, public_id, detail=True)
    question = selectors.open_information_request(import_request=order)
    form = AnswerForm(request.POST, request.FILES)
    if question is None:
        messages.info(request, _("There is no open question on this order."))
        return redirect("portal:request_detail", public_id=order.public_id)
    if form.is_valid():
        try:
            services.request_respond(
                import_request_id=order.pk, actor=request.user, answer=form.cleaned_data["answer"],
                uploaded_file=form.cleaned_data["document"] or None,
            )
        except WorkflowError as error:
            for key, field in (("answer", "answer"), ("file", "document")):
                for text in error.field_errors.get(key, []):
                    form.add_error(field, text)
            if not error.field_errors:
                form.add_error(None, error.message)
        else:
            messages.success(request, _("Answer sent. The reviewer has been told."))
            return redirect("portal:request_detail", public_id=order.public_id)
    return _render_detail(request, order, answer_form=form, status=400)


@login_required
@shows_not_found_page
def document_download(request, public_id, pk):
    """A document as an attachment under its original name: for the company's members and the regulator."""
    order = selectors.request_get(user=request.user, public_id=public_id)
    document = order.documents.filter(pk=pk).first()
    if document is None:
        raise Http404("No such document.")
    response = FileResponse(
        document.file.open("rb"), as_attachment=True, filename=document.original_name,
        content_type=document.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


# Submit and withdraw -----------------------------------------------------------------------------

def _problem_list(problems: dict[str, list[str]]) -> list[dict]:
    """Guard failures keyed like ``lines.0.chip`` as sentences with the place they concern."""
    listed = []
    for key, texts in problems.items():
        parts = key.split(".")
        if parts[0] == LINES_PREFIX and len(parts) > 1 and parts[1].isdigit():
            where = _("Line %(number)s") % {"number": int(parts[1]) + 1}
        else:
            where = _field_label(key)
        listed += [{"where": where, "text": text} for text in texts]
    return listed


@require_http_methods(["GET", "POST"])
@member_required
def request_submit(request, public_id):
    order = _order(request, public_id, detail=True)
    if order.status != Status.DRAFT:
        messages.info(request, _("%(order)s is already %(status)s.") % {"order": order, "status": _status_word(order)})
        return redirect("portal:request_detail", public_id=order.public_id)
    if not request.membership.may_file:
        return _read_only(request)
    lines = list(order.lines.all())
    problems = guards.submit_problems(order, lines)
    error = ""
    if request.method == "POST":
        try:
            services.request_transition(import_request_id=order.pk, action="submit", actor=request.user)
        except WorkflowError as failure:
            order.refresh_from_db()
            if order.status != Status.DRAFT:
                messages.info(request, _("%(order)s was already submitted.") % {"order": order})
                return redirect("portal:request_detail", public_id=order.public_id)
            problems = failure.field_errors or problems
            error = failure.message
        else:
            messages.success(request, _("%(order)s submitted. Its content is now frozen; screening follows.") % {
                "order": order})
            return redirect("portal:request_detail", public_id=order.public_id)
    return render(request, "portal/submit_confirm.html", {
        "order": order,
        "customer_warning": approved_customer_warning(company=order.company, chips=[line.chip for line in lines]),
        "lines": lines,
        "documents": list(order.documents.all()),
        "problems": _problem_list(problems),
        "error": error,
    }, status=400 if error else 200)


@require_http_methods(["GET", "POST"])
@member_required
def request_withdraw(request, public_id):
    order = _order(request, public_id)
    if "withdraw" not in selectors.available_actions(import_request=order, user=request.user):
        messages.info(request, _("%(order)s cannot be withdrawn while it is %(status)s.") % {
            "order": order, "status": _status_word(order)})
        return redirect("portal:request_detail", public_id=order.public_id)
    form = WithdrawForm(request.POST if request.method == "POST" else None)
    error = ""
    if request.method == "POST" and form.is_valid():
        try:
            services.request_transition(
                import_request_id=order.pk, action="withdraw", actor=request.user,
                payload={"comment": form.cleaned_data["comment"]},
            )
        except WorkflowError as failure:
            error = failure.message
        else:
            messages.success(request, _("%(order)s withdrawn.") % {"order": order})
            return redirect("portal:request_detail", public_id=order.public_id)
    return render(request, "portal/withdraw_confirm.html", {"order": order, "form": form, "error": error},
                  status=400 if error else 200)


# Licences ----------------------------------------------------------------------------------------

SHIPMENT_FORM_TOKENS = "portal_shipment_form_tokens"
# The events whose comment says why a licence is no longer active, as the holder is told it.
REASON_ACTIONS = {LicenceStatus.SUSPENDED: "suspend", LicenceStatus.REVOKED: "revoke"}


def _licence(request, public_id, *, detail=False) -> Licence:
    return selectors.licence_get(user=request.user, public_id=public_id, detail=detail)


def _licence_timeline(licence: Licence, user) -> list[dict]:
    return [
        {
            "at": entry.at,
            "action": entry.action,
            "what": vocabulary.word(entry.label),
            "who": entry.actor_label if entry.actor else vocabulary.word(entry.actor_label),
            "status": vocabulary.word(LicenceStatus(entry.to_status).label)
            if entry.to_status in LicenceStatus.values and entry.to_status != entry.from_status else "",
            "comment": entry.comment,
        }
        for entry in selectors.licence_timeline(licence=licence, user=user)
    ]


def _status_reason(licence: Licence, timeline: list[dict]) -> str:
    """Why the licence is suspended or revoked: the reason given with the move that made it so."""
    action = REASON_ACTIONS.get(licence.status)
    return next((entry["comment"] for entry in reversed(timeline) if entry["action"] == action), "")


def _shipment_form(licence: Licence, data=None, files=None) -> ShipmentForm:
    return ShipmentForm(data, files, licence_lines=licence.lines.all(),
                        initial={"shipped_on": timezone.localdate().isoformat()})


def _report_form(report: EndUseReport, data=None, files=None) -> EndUseReportForm:
    return EndUseReportForm(data, files, prefix=f"report-{report.public_id}")


def _shipment_errors(form: ShipmentForm, loose: list[str]) -> list[dict]:
    """The shipment form's errors for the box at the top of the form, each linking to its field."""
    summary = [{"text": text, "anchor": ""} for text in loose]
    for name, texts in form.errors.items():
        if name in form.fields:
            summary += [{"text": f"{form.fields[name].label}: {text}", "anchor": form[name].auto_id}
                        for text in texts]
        else:
            first = form.quantity_fields()[0].auto_id if form.licence_lines else ""
            summary += [{"text": text, "anchor": first} for text in texts]
    return summary


def _render_licence(request, licence: Licence, *, shipment_form=None, shipment_errors=(), token="",
                    report_forms=None, status=200):
    may_file = request.membership.may_file
    timeline = _licence_timeline(licence, request.user)
    reports = list(licence.end_use_reports.all())
    can_ship = may_file and licence.status == LicenceStatus.ACTIVE
    if can_ship and not token:
        token = _issue_form_token(request, SHIPMENT_FORM_TOKENS)
    report_forms = report_forms or {}
    return render(request, "portal/licence_detail.html", {
        "licence": licence,
        "order": licence.import_request,
        "lines": list(licence.lines.all()),
        "shipments": list(licence.shipments.all()),
        "reports": [
            {"report": report, "form": (report_forms.get(report.pk) or _report_form(report))
             if may_file and report.state in REPORTABLE else None}
            for report in reports
        ],
        "timeline": timeline,
        "status_reason": _status_reason(licence, timeline),
        "can_ship": can_ship,
        "shipment_form": shipment_form or (_shipment_form(licence) if can_ship else None),
        "shipment_errors": list(shipment_errors),
        "form_token": token,
        "can_surrender": "surrender" in services.licence_available_actions(licence=licence, user=request.user),
        "certificate_url": reverse("portal:licence_certificate", args=[licence.public_id]),
        "report_days": CURRENT_SCREENING_POLICY.end_use_report_days,
    }, status=status)


@member_required
def licence_detail(request, public_id):
    return _render_licence(request, _licence(request, public_id, detail=True))


@require_POST
@member_required
def shipment_record(request, public_id):
    """Record a shipment once per form: the form's one-time token makes a second post of it find the first."""
    licence = _licence(request, public_id, detail=True)
    if not request.membership.may_file:
        return _read_only(request, _("record shipments and file end-use reports"))
    form = _shipment_form(licence, request.POST, request.FILES)
    token = request.POST.get("form_token", "")
    loose: list[str] = []
    if form.is_valid():
        lines, fields = form.lines()

        def record() -> str:
            return str(services.shipment_record(
                licence_id=licence.pk, actor=request.user, shipped_on=form.cleaned_data["shipped_on"],
                reference=form.cleaned_data["reference"], lines=lines,
                uploaded_file=form.cleaned_data["document"] or None,
            ).public_id)

        try:
            _shipment_id, created = _once(request, SHIPMENT_FORM_TOKENS, token, record)
        except WorkflowError as error:
            loose = _place_shipment_errors(error, form, fields)
        except StaleForm:
            loose = [_("This form had expired, so nothing was recorded. Check the shipments below, then record "
                       "it again if it is missing.")]
            token = _issue_form_token(request, SHIPMENT_FORM_TOKENS)
        else:
            if created:
                messages.success(request, _("Shipment recorded. Its end-use report is now due."))
            else:
                messages.info(request, _("This shipment was already recorded; it is listed below."))
            return redirect("portal:licence_detail", public_id=licence.public_id)
    licence = _licence(request, public_id, detail=True)  # what the refusal was measured against, read afresh
    return _render_licence(request, licence, shipment_form=form, shipment_errors=_shipment_errors(form, loose),
                           token=token, status=400)


def _place_shipment_errors(error: WorkflowError, form: ShipmentForm, fields: list[str]) -> list[str]:
    """Field errors at their fields (``lines.<n>.quantity`` on the n-th chip sent); a refusal (more than remains,
    a licence that is not active) is the service's sentence, on top."""
    if not error.field_errors:
        return [error.message]
    for key, texts in error.field_errors.items():
        parts = key.split(".")
        if parts[0] == "lines" and len(parts) == 3 and parts[1].isdigit() and int(parts[1]) < len(fields):
            field = fields[int(parts[1])]
        elif key == "file":
            field = "document"
        elif key in form.fields:
            field = key
        else:
            field = None
        for text in texts:
            form.add_error(field, text)
    return []


@require_POST
@member_required
def end_use_report_file(request, public_id, report_id):
    licence = _licence(request, public_id, detail=True)
    report = next((report for report in licence.end_use_reports.all() if report.public_id == report_id), None)
    if report is None:
        raise Http404("No such end-use report.")
    if not request.membership.may_file:
        return _read_only(request, _("record shipments and file end-use reports"))
    form = _report_form(report, request.POST, request.FILES)
    if form.is_valid():
        try:
            services.end_use_report_file(report_id=report.pk, actor=request.user, **form.report(),
                                         uploaded_file=form.cleaned_data["document"] or None)
        except WorkflowError as error:
            if error.code == WorkflowError.NOT_ALLOWED_IN_STATE:
                messages.info(request, error.message)  # filed already, by this form posted twice or by a colleague
                return redirect("portal:licence_detail", public_id=licence.public_id)
            for key, texts in error.field_errors.items():
                field = "document" if key == "file" else key if key in form.fields else None
                for text in texts:
                    form.add_error(field, text)
            if not error.field_errors:
                form.add_error(None, error.message)
        else:
            messages.success(request, _("End-use report for shipment %(reference)s filed. A reviewer will look "
                                        "at it.") % {"reference": report.shipment.reference})
            return redirect("portal:licence_detail", public_id=licence.public_id)
    return _render_licence(request, licence, report_forms={report.pk: form}, status=400)


@require_http_methods(["GET", "POST"])
@member_required
def licence_surrender(request, public_id):
    licence = _licence(request, public_id)
    if not roles.is_admin_for(request.user, licence.holder_id):
        return render(request, "portal/forbidden.html", {
            "reason": _("Only the administrator of %(company)s can surrender a licence.") % {
                "company": request.membership.company},
        }, status=403)
    if "surrender" not in services.licence_available_actions(licence=licence, user=request.user):
        messages.info(request, _("Licence %(licence)s cannot be surrendered while it is %(status)s.") % {
            "licence": licence, "status": vocabulary.word(licence.get_status_display()).lower()})
        return redirect("portal:licence_detail", public_id=licence.public_id)
    form = SurrenderForm(request.POST if request.method == "POST" else None)
    error = ""
    if request.method == "POST" and form.is_valid():
        try:
            services.licence_transition(licence_id=licence.pk, action="surrender", actor=request.user,
                                        payload={"reason": form.cleaned_data["reason"]})
        except WorkflowError as failure:
            error = failure.message
        else:
            messages.success(request, _("Licence %(licence)s surrendered: nothing more may ship under it.") % {
                "licence": licence})
            return redirect("portal:licence_detail", public_id=licence.public_id)
    return render(request, "portal/surrender_confirm.html", {"licence": licence, "form": form, "error": error},
                  status=400 if error else 200)
