"""The desk's admin site: entry only for staff in the review and catalog groups, plus the dashboard page."""
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone

from approvals import roles
from desk.dashboard import dashboard_summary

DASHBOARD_PERMISSION = "approvals.view_importrequest"


class ChipgateAdminSite(admin.AdminSite):
    site_header = "Chipgate review desk"
    site_title = "Chipgate admin"
    index_title = "Review desk"
    index_template = "desk/index.html"

    def has_permission(self, request) -> bool:
        """Applicants and staff outside the four desk groups never get past the login page."""
        user = request.user
        if not (user.is_active and user.is_staff):
            return False
        return user.is_superuser or bool(roles.group_names(user) & set(roles.STAFF_GROUPS))

    def get_urls(self):
        return [path("dashboard/", self.admin_view(self.dashboard_view), name="dashboard"), *super().get_urls()]

    def each_context(self, request):
        context = super().each_context(request)
        context["may_see_dashboard"] = request.user.has_perm(DASHBOARD_PERMISSION)
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
