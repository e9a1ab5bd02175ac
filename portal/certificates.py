"""A licence's signed certificate as a download: for the holder's members and the regulator's staff."""
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_safe

from approvals.certificates import licence_certificate as certificate_of
from approvals.selectors import licence_get
from portal.views import shows_not_found_page


@require_safe
@login_required
@shows_not_found_page
def licence_certificate(request, public_id):
    """The PDF (made anew when the licence has changed since the last one); anyone else's licence is a 404."""
    licence = licence_get(user=request.user, public_id=public_id)
    response = HttpResponse(certificate_of(licence), content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(True, f"{licence.number}.pdf")
    response["Cache-Control"] = "private, no-cache"
    response["X-Content-Type-Options"] = "nosniff"
    return response
