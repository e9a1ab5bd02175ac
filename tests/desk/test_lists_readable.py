"""The desk's other lists write times in the site's zone with the offset and statuses in words."""
import pytest

from approvals.models import ReviewEvent
from desk.readable import local_time

pytestmark = pytest.mark.django_db


def test_the_review_events_list_writes_statuses_in_words_and_zoned_times(client, auditor, standard_case):
    client.force_login(auditor)
    html = client.get("/admin/approvals/reviewevent/").content.decode()
    screened = ReviewEvent.objects.get(import_request=standard_case, action="screen")
    assert ('<td class="field-action">Screened</td><td class="field-from_status">Submitted</td>'
            '<td class="field-to_status">Under review</td>') in html
    assert f'<td class="field-at">{local_time(screened.at)}</td>' in html
    assert local_time(screened.at).endswith(" UTC+8")
    assert "under_review" not in html.split('id="result_list"')[1]


@pytest.mark.parametrize("url", [
    "/admin/approvals/assessment/", "/admin/approvals/informationrequest/", "/admin/approvals/document/",
    "/admin/approvals/notification/", "/admin/approvals/partymatch/", "/admin/approvals/licenceevent/",
    "/admin/chips/rescorejob/",
])
def test_the_lists_with_times_still_open_and_sort(client, auditor, maintainer, standard_case, url):
    client.force_login(maintainer if "chips" in url else auditor)
    assert client.get(url).status_code == 200
    assert client.get(url + "?o=-1").status_code == 200
