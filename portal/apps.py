"""The applicant portal: web forms for company members."""
from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = "Applicant portal"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from approvals import services

        def remember_language(sender, request, user, **kwargs):
            """Until a member picks a language, emails follow the language their browser asked for at sign-in."""
            language = getattr(request, "LANGUAGE_CODE", "") if request is not None else ""
            if language and not user.is_staff:
                services.member_language_set(user=user, language=language, only_if_unset=True)

        user_logged_in.connect(remember_language, dispatch_uid="portal.remember_language", weak=False)
