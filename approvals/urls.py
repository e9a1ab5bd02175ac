"""Applicant portal routes."""
urlpatterns = []
