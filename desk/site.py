"""The desk's admin site: entry only for staff in the review and catalog groups (with a second factor where
required), plus the dashboard and the two-factor pages."""
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse, reverse_lazy
from django.utils import timezone

from approvals import roles, second_factor, selectors
from desk import two_factor
from desk.dashboard import dashboard_summary

DASHBOARD_PERMISSION = "approvals.view_importrequest"
VERIFICATION_CODE_MAX = 64


class ChipgateAdminSite(admin.AdminSite):
    site_header = "Chipgate review desk"
    site_title = "Chipgate admin"
    index_title = "Review desk"
    index_template = "desk/index.html"
    # "View site": the portal's pages are for company members (staff are sent back here), so staff get the public
    # side of Chipgate as it concerns them: what applicants and the public see, and the verification page.
    site_url = reverse_lazy("admin:site_overview")

    def has_permission(self, request) -> bool:
        """Applicants and staff outside the four desk groups never get past the login page; staff who must give
        a second factor get past it only once they have."""
        user = request.user
        if not (user.is_active and user.is_staff and roles.is_staff_member(user)):
            return False
        return not second_factor.second_factor_pending(user)

    def login(self, request, extra_context=None):
        """The password, then (for staff where required) the second step before any desk page."""
        if second_factor.second_factor_pending(request.user):
            return HttpResponseRedirect(two_factor.second_step_url(request))
        response = super().login(request, extra_context)
        if request.method == "POST" and second_factor.second_factor_pending(request.user):
            return HttpResponseRedirect(two_factor.second_step_url(request))
        return response

    def index(self, request, extra_context=None):
        extra_context = dict(extra_context or {})
        if second_factor.second_factor_required(request.user):
            extra_context["backup_codes_left"] = second_factor.backup_codes_left(user=request.user)
        if request.user.has_perm(DASHBOARD_PERMISSION):
            extra_context["desk_counts"] = selectors.desk_counts(user=request.user, today=timezone.localdate())
        return super().index(request, extra_context)

    def get_urls(self):
        return [
            path("dashboard/", self.admin_view(self.dashboard_view), name="dashboard"),
            path("site/", self.admin_view(self.site_overview_view), name="site_overview"),
            path("two-factor/setup/", two_factor.second_step(self, two_factor.enrol_view), name="two_factor_enrol"),
            path("two-factor/verify/", two_factor.second_step(self, two_factor.verify_view), name="two_factor_verify"),
            path("two-factor/sign-out/", two_factor.sign_out_view, name="two_factor_sign_out"),
            path(
                "two-factor/",
                self.admin_view(lambda request: two_factor.backup_codes_view(self, request)),
                name="two_factor_backup_codes",
            ),
            *super().get_urls(),
        ]

    def each_context(self, request):
        context = super().each_context(request)
        context["may_see_dashboard"] = request.user.has_perm(DASHBOARD_PERMISSION)
        context["staff_two_factor"] = second_factor.second_factor_required(request.user)
        return context

    def dashboard_view(self, request):
        if not request.user.has_perm(DASHBOARD_PERMISSION):
            raise PermissionDenied
        context = {
            **self.each_context(request),
            "title": "Dashboard",
            "summary": dashboard_summary(today=timezone.localdate()),
        }
        return TemplateResponse(request, "desk/dashboard.html", context)

    def site_overview_view(self, request):
        """The public side of Chipgate for staff, with a box to open a licence's public verification page."""
        code = request.GET.get("code", "").strip()
        error = ""
        if "code" in request.GET:
            if code and len(code) <= VERIFICATION_CODE_MAX and code.isascii() and code.replace("-", "").isalnum():
                return HttpResponseRedirect(reverse("portal:verify", args=[code]))
            error = "Give the verification code printed on the certificate (letters, digits and dashes)."
        context = {**self.each_context(request), "title": "The public side of Chipgate", "code": code,
                   "code_error": error}
        return TemplateResponse(request, "desk/site_overview.html", context)
