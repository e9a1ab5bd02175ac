"""GET /api/v1/requests/{id}/status/: the small polling body, its ETag, 304s and a two-query budget."""
import pytest

from approvals import services
from tests.api.conftest import url

STATUS_KEYS = {"id", "reference", "status", "version", "updated_at", "available_actions"}
STAFF_STATUS_KEYS = STATUS_KEYS | {"tier", "risk_score"}


def test_it_answers_the_status_with_an_etag(api_for, applicant, in_review):
    response = api_for(applicant).get(url(in_review.public_id, "status/"))
    assert response.status_code == 200
    body = response.json()
    assert set(body) == STATUS_KEYS
    assert body["status"] == "under_review"
    assert body["version"] == in_review.version
    assert body["available_actions"] == ["withdraw"]
    assert response["ETag"] == f'W/"{in_review.public_id}-{in_review.version}"'
    assert "private" in response["Cache-Control"]


@pytest.mark.parametrize("role", ["reviewer", "senior", "auditor"])
def test_staff_poll_any_companys_status_with_tier_and_score(request, api_for, in_review, role):
    response = api_for(request.getfixturevalue(role)).get(url(in_review.public_id, "status/"))
    assert response.status_code == 200
    assert set(response.json()) == STAFF_STATUS_KEYS
    assert (response.json()["tier"], response.json()["risk_score"]) == ("standard", in_review.risk_score)


def test_the_current_etag_answers_304_with_no_body(api_for, applicant, in_review):
    client = api_for(applicant)
    etag = client.get(url(in_review.public_id, "status/"))["ETag"]
    response = client.get(url(in_review.public_id, "status/"), HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 304
    assert response.content == b""
    assert response["ETag"] == etag


@pytest.mark.parametrize("header", ['"{id}-{v}"', 'W/"other", W/"{id}-{v}"', "*"])
def test_if_none_match_uses_weak_comparison_and_lists(api_for, applicant, in_review, header):
    value = header.format(id=in_review.public_id, v=in_review.version)
    response = api_for(applicant).get(url(in_review.public_id, "status/"), HTTP_IF_NONE_MATCH=value)
    assert response.status_code == 304


def test_a_stale_etag_answers_200(api_for, applicant, reviewer, in_review):
    client = api_for(applicant)
    etag = client.get(url(in_review.public_id, "status/"))["ETag"]
    services.request_transition(import_request_id=in_review.pk, action="request_information", actor=reviewer,
                                payload={"question": "Which cluster?"})
    response = client.get(url(in_review.public_id, "status/"), HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200
    assert response.json()["status"] == "information_requested"
    assert response["ETag"] != etag


def test_the_etag_changes_with_every_transition_and_never_otherwise(api_for, applicant, reviewer, draft):
    client = api_for(applicant)
    status_url = url(draft.public_id, "status/")

    def etag():
        return client.get(status_url)["ETag"]

    seen = [etag()]
    # Reads, and refused moves, leave it alone.
    client.get(url(draft.public_id))
    client.get(url(draft.public_id, "events/"))
    client.get("/api/v1/requests/")
    assert client.post(url(draft.public_id, "transitions/"), {"action": "respond", "answer": "x"},
                       format="json").status_code == 409
    assert etag() == seen[-1]
    for action, actor, payload in [
        ("submit", applicant, {}),
        ("screen", None, {}),
        ("request_information", reviewer, {"question": "Which cluster?"}),
        ("respond", applicant, {"answer": "Cluster 7."}),
        ("approve", reviewer, {}),
    ]:
        if action == "screen":
            services.request_screen(import_request_id=draft.pk)
        else:
            services.request_transition(import_request_id=draft.pk, action=action, actor=actor, payload=payload)
        seen.append(etag())
        assert etag() == seen[-1]
    assert len(set(seen)) == len(seen)


def test_another_companys_request_answers_404(api_for, other_applicant, in_review):
    assert api_for(other_applicant).get(url(in_review.public_id, "status/")).status_code == 404


@pytest.mark.parametrize("role", ["applicant", "reviewer", "senior"])
def test_a_200_costs_at_most_two_queries(request, api_for, in_review, django_assert_max_num_queries, role):
    client = api_for(request.getfixturevalue(role))
    with django_assert_max_num_queries(2):
        response = client.get(url(in_review.public_id, "status/"))
    assert response.status_code == 200
    assert response.json()["available_actions"]


def test_a_304_costs_no_more_than_a_200(api_for, applicant, in_review, django_assert_max_num_queries):
    client = api_for(applicant)
    etag = client.get(url(in_review.public_id, "status/"))["ETag"]
    with django_assert_max_num_queries(2):
        response = client.get(url(in_review.public_id, "status/"), HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 304


def test_role_checks_agree_with_the_token_query(api_for, senior, senior_tier_in_review, reviewer):
    """Senior-tier cases are escalated, never approved, by a reviewer; the groups come from the token query."""
    body = api_for(reviewer).get(url(senior_tier_in_review.public_id, "status/")).json()
    assert body["tier"] == "senior"
    assert "approve" not in body["available_actions"]
    assert "escalate" in body["available_actions"]


def test_the_fast_status_body_matches_the_documented_serializer(api_for, reviewer, in_review):
    from api.serializers import RequestStatusSerializer
    from approvals.selectors import request_get

    body = api_for(reviewer).get(url(in_review.public_id, "status/")).json()
    full = request_get(user=reviewer, public_id=in_review.public_id)
    assert body == RequestStatusSerializer(full, context={"user": reviewer}).data
