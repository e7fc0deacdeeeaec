"""The review: queue order and filters, the reason asked once, evidence boxes, verdicts, status, the lock."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from portal.extensions import db
from portal.models import AccessLog, Finding, FindingReview, JobStatus, Submission, SubmissionReview, utcnow
from portal.review.queue import census_term
from tests.factories import make_submission, on
from tests.staff import sign_in_quickly

BOX = [100, 200, 700, 260]


def open_with_reason(client: FlaskClient, sid: int, purpose: str = "review") -> Any:
    """Give the reason for a submission and open it."""
    response = client.post(f"/review/{sid}/reason", data={"purpose": purpose, "detail": ""})
    assert response.status_code == 303, response.get_data(as_text=True)
    return client.get(f"/review/{sid}")


def queue_ids(client: FlaskClient, query: str = "") -> list[int]:
    """Return the submission ids the queue lists, in order."""
    response = client.get(f"/review/?{query}")
    assert response.status_code == 200
    return [int(n) for n in re.findall(r'href="/review/(\d+)"', response.get_data(as_text=True))]


def log_rows(app: Flask, action: str | None = None) -> list[AccessLog]:
    with app.app_context():
        query = db.select(AccessLog).order_by(AccessLog.id)
        if action:
            query = query.where(AccessLog.action == action)
        rows = list(db.session.execute(query).scalars())
        for row in rows:
            db.session.expunge(row)
        return rows


@pytest.mark.parametrize(
    "when, label",
    [
        (date(2016, 9, 1), "Autumn 2016/17"),
        (date(2016, 12, 31), "Autumn 2016/17"),
        (date(2017, 1, 15), "Spring 2016/17"),
        (date(2017, 3, 31), "Spring 2016/17"),
        (date(2017, 4, 1), "Summer 2016/17"),
        (date(2017, 8, 31), "Summer 2016/17"),
        (date(2018, 10, 3), "Autumn 2018/19"),
    ],
)
def test_census_term(when: date, label: str) -> None:
    term = census_term(when)
    assert term is not None and term.label == label
    first, last = term.span()
    assert first <= when <= last
    assert census_term(None) is None


def test_queue_lists_failing_rules_first(app: Flask, client: FlaskClient, staff: Any) -> None:
    clean = make_submission(app, [("FP-05", "present"), ("CEN-01", "not_applicable")])[0]
    high = make_submission(app, [("FP-05", "missing"), ("CEN-01", "not_applicable")])[0]
    critical = make_submission(app, [("FP-05", "present"), ("CEN-01", "missing")])[0]
    two_high = make_submission(app, [("FP-05", "missing"), ("FP-03", "missing")])[0]
    reviewed_away = make_submission(app, [("CEN-01", "missing")])[0]
    with app.app_context():  # a reviewer corrected this one: it no longer fails
        db.session.execute(
            db.update(Finding).where(Finding.submission_id == reviewed_away).values(reviewed_status="present")
        )
        db.session.commit()
    make_submission(app, status=JobStatus.QUEUED)  # not audited yet: not in the queue
    sign_in_quickly(client, staff("researcher"))
    assert queue_ids(client) == [critical, two_high, high, clean, reviewed_away]


def test_queue_filters(app: Flask, client: FlaskClient, staff: Any) -> None:
    a = make_submission(app, [("CEN-01", "missing")], local_authority="202", form_month=on(2016, 10))[0]
    b = make_submission(app, [("FP-05", "missing")], local_authority="202", form_month=on(2017, 2))[0]
    c = make_submission(app, [("FP-05", "missing"), ("FP-13", "missing")], form_date=date(2017, 2, 20))[0]
    d = make_submission(app, [("CEN-01", "missing")], review_status="confirmed")[0]
    e = make_submission(app, [("CEN-01", "present")], review_status="disputed")[0]
    sign_in_quickly(client, staff("researcher"))
    table = [
        ("", [a, c, b, e]),
        ("rule=CEN-01", [a]),
        ("rule=CEN-01&status=all", [a, d]),
        ("severity=info", [c]),
        ("severity=high", [c, b]),
        ("local_authority=202", [a, b]),
        ("term=2016-autumn", [a]),
        ("term=2016-spring", [c, b]),
        ("status=confirmed", [d]),
        ("status=disputed", [e]),
        ("status=pending&rule=FP-05&term=2016-spring", [c, b]),
        ("rule=NOPE", [a, c, b, e]),  # an invalid filter is ignored, with a message
    ]
    for query, expected in table:
        assert queue_ids(client, query) == expected, query
    assert "Some filters were not valid" in client.get("/review/?rule=NOPE").get_data(as_text=True)
    body = client.get("/review/").get_data(as_text=True)
    assert (
        "<caption>4 submissions</caption>" in body and "Autumn 2016/17" in body and "Spring 2016/17" in body
    )


def test_queue_pages(app: Flask, client: FlaskClient, staff: Any) -> None:
    ids = [make_submission(app, [("FP-05", "missing")])[0] for _ in range(53)]
    sign_in_quickly(client, staff("admin"))
    assert queue_ids(client) == ids[:50]
    assert queue_ids(client, "page=2") == ids[50:]
    assert "page 1 of 2" in client.get("/review/").get_data(as_text=True)


def test_a_reason_is_asked_once_then_the_page_shows_boxes(
    app: Flask, client: FlaskClient, staff: Any
) -> None:
    sid = make_submission(
        app, [("CEN-01", "missing"), ("FP-05", "present", "We send data to the DfE", 1, BOX)], pages=2
    )[0]
    user = staff("researcher")
    sign_in_quickly(client, user)
    first = client.get(f"/review/{sid}")
    body = first.get_data(as_text=True)
    assert first.status_code == 200 and "Why are you opening this form?" in body and "<svg" not in body
    assert client.get(f"/review/{sid}/pages/1.png").status_code == 403
    response = client.post(f"/review/{sid}/reason", data={"purpose": "other", "detail": "  "})
    assert response.status_code == 400 and "Please say in a few words" in response.get_data(as_text=True)
    assert client.post(f"/review/{sid}/reason", data={}).status_code == 400
    response = client.post(
        f"/review/{sid}/reason", data={"purpose": "other", "detail": "training a new reviewer"}
    )
    assert response.status_code == 303 and response.headers["Location"] == f"/review/{sid}"
    page = client.get(f"/review/{sid}")
    body = page.get_data(as_text=True)
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    assert 'viewBox="0 0 850 1100"' in body and body.count('<svg class="page-overlay"') == 2
    assert f'<rect id="box-{_finding_id(app, sid, "FP-05")}" class="evidence status-present"' in body
    assert 'x="100" y="200" width="600" height="60"' in body
    assert "style=" not in body
    image = client.get(f"/review/{sid}/pages/2.png")
    assert image.status_code == 200 and image.mimetype == "image/png" and image.data[:4] == b"\x89PNG"
    assert client.get(f"/review/{sid}/pages/3.png").status_code == 404
    client.get(f"/review/{sid}")  # a second view: logged, no new question
    views = log_rows(app, "view")
    assert [(v.user_id, v.submission_id, v.reason) for v in views] == [
        (user.id, sid, "training a new reviewer"),
        (user.id, sid, None),
    ]
    assert views[1].detail == "reason given earlier in this session"


def _finding_id(app: Flask, sid: int, rule_id: str) -> int:
    with app.app_context():
        return db.session.execute(
            db.select(Finding.id).where(Finding.submission_id == sid, Finding.rule_id == rule_id)
        ).scalar_one()


def _finding(app: Flask, fid: int) -> tuple[str | None, list[tuple[str, str | None]]]:
    with app.app_context():
        finding = db.session.get(Finding, fid)
        return finding.reviewed_status, [(r.status, r.reason) for r in finding.reviews]


def test_confirm_and_correct_findings(app: Flask, client: FlaskClient, staff: Any) -> None:
    sid = make_submission(app, [("CEN-01", "missing"), ("CEN-05", "violation", "passport number", 1, BOX)])[0]
    user = staff("researcher")
    sign_in_quickly(client, user)
    open_with_reason(client, sid)
    cen01, cen05 = _finding_id(app, sid, "CEN-01"), _finding_id(app, sid, "CEN-05")

    response = client.post(f"/review/{sid}/findings/{cen01}", data={"confirm": "1"})
    assert response.status_code == 303 and response.headers["Location"] == f"/review/{sid}#finding-{cen01}"
    assert _finding(app, cen01) == ("missing", [("missing", None)])

    response = client.post(
        f"/review/{sid}/findings/{cen05}", data={f"f{cen05}-status": "clear", f"f{cen05}-reason": ""}
    )
    assert response.status_code == 400
    body = response.get_data(as_text=True)
    assert "Please give a reason for the correction." in body
    assert _finding(app, cen05) == (None, [])  # nothing changed
    response = client.post(
        f"/review/{sid}/findings/{cen05}", data={f"f{cen05}-status": "present", f"f{cen05}-reason": "x"}
    )
    assert response.status_code == 400  # a prohibition cannot be "present"
    response = client.post(
        f"/review/{sid}/findings/{cen05}",
        data={f"f{cen05}-status": "clear", f"f{cen05}-reason": "asks the school, not the family"},
    )
    assert response.status_code == 303
    assert _finding(app, cen05) == ("clear", [("clear", "asks the school, not the family")])
    details = [r.detail for r in log_rows(app, "review")]
    assert details == ["CEN-01: confirmed missing", "CEN-05: corrected violation to clear"]
    other = make_submission(app, [("FP-05", "missing")])[0]
    assert (
        client.post(
            f"/review/{sid}/findings/{_finding_id(app, other, 'FP-05')}", data={"confirm": "1"}
        ).status_code
        == 404
    )


def test_changes_need_the_reason_first(app: Flask, client: FlaskClient, staff: Any) -> None:
    sid = make_submission(app, [("CEN-01", "missing")])[0]
    sign_in_quickly(client, staff("researcher"))
    response = client.post(f"/review/{sid}/findings/{_finding_id(app, sid, 'CEN-01')}", data={"confirm": "1"})
    assert response.status_code == 302 and response.headers["Location"] == f"/review/{sid}"
    assert client.post(f"/review/{sid}/status", data={"status": "confirmed"}).status_code == 302
    assert _finding(app, _finding_id(app, sid, "CEN-01")) == (None, [])


def test_confirming_confirms_unchanged_findings(app: Flask, client: FlaskClient, staff: Any) -> None:
    sid = make_submission(app, [("CEN-01", "missing"), ("FP-05", "present")])[0]
    sign_in_quickly(client, staff("researcher"))
    open_with_reason(client, sid)
    fp05 = _finding_id(app, sid, "FP-05")
    client.post(
        f"/review/{sid}/findings/{fp05}",
        data={f"f{fp05}-status": "missing", f"f{fp05}-reason": "only names the LA"},
    )
    response = client.post(f"/review/{sid}/status", data={"status": "confirmed", "note": "clear case"})
    assert response.status_code == 303 and response.headers["Location"] == "/review/"
    with app.app_context():
        submission = db.session.get(Submission, sid)
        assert submission.review_status == "confirmed" and submission.locked_by_id is None
        assert {f.rule_id: f.reviewed_status for f in submission.findings} == {
            "CEN-01": "missing",
            "FP-05": "missing",
        }
        decision = db.session.execute(db.select(SubmissionReview)).scalar_one()
        assert (decision.status, decision.note) == ("confirmed", "clear case")
    assert [r.detail for r in log_rows(app, "status")] == ["pending to confirmed"]


@pytest.mark.parametrize(
    "data, message",
    [
        ({}, "Please choose a decision."),
        ({"status": "rejected"}, "Please say why the submission is rejected."),
        ({"status": "rejected", "rejection": "bored"}, "Please say why the submission is rejected."),
        ({"status": "disputed", "note": " "}, "Please say what the second reviewer should look at."),
        ({"status": "archived"}, "Not a valid choice"),
    ],
)
def test_bad_decisions_are_refused(
    app: Flask, client: FlaskClient, staff: Any, data: dict[str, str], message: str
) -> None:
    sid = make_submission(app, [("CEN-01", "missing")])[0]
    sign_in_quickly(client, staff("researcher"))
    open_with_reason(client, sid)
    response = client.post(f"/review/{sid}/status", data=data)
    assert response.status_code == 400 and message in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Submission, sid).review_status == "pending"


def test_rejecting_records_why(app: Flask, client: FlaskClient, staff: Any) -> None:
    sid = make_submission(app, [("CEN-01", "missing")])[0]
    sign_in_quickly(client, staff("admin"))
    open_with_reason(client, sid)
    assert (
        client.post(
            f"/review/{sid}/status", data={"status": "rejected", "rejection": "duplicate"}
        ).status_code
        == 303
    )
    with app.app_context():
        assert db.session.get(Submission, sid).review_status == "rejected"
        assert db.session.execute(db.select(SubmissionReview.reason)).scalar_one() == "duplicate"
    assert log_rows(app, "status")[0].reason == "duplicate"


def test_a_dispute_goes_to_a_second_reviewer(app: Flask, staff: Any) -> None:
    sid = make_submission(app, [("CEN-01", "missing")])[0]
    first, second = app.test_client(), app.test_client()
    sign_in_quickly(first, staff("researcher"))
    sign_in_quickly(second, staff("researcher"))
    open_with_reason(first, sid)
    assert (
        first.post(
            f"/review/{sid}/status", data={"status": "disputed", "note": "is this optional wording enough?"}
        ).status_code
        == 303
    )
    page = open_with_reason(first, sid).get_data(as_text=True)
    assert "You put this submission into dispute" in page
    response = first.post(f"/review/{sid}/status", data={"status": "confirmed"})
    assert response.status_code == 403 and "a second reviewer must resolve it" in response.get_data(
        as_text=True
    )
    first.post(f"/review/{sid}/release")
    body = open_with_reason(second, sid, "dispute").get_data(as_text=True)
    assert "your decision resolves it" in body and "is this optional wording enough?" in body
    assert second.post(f"/review/{sid}/status", data={"status": "confirmed"}).status_code == 303
    with app.app_context():
        assert db.session.get(Submission, sid).review_status == "confirmed"
    assert log_rows(app, "status")[-1].detail == "disputed to confirmed (resolving a dispute)"


def test_the_lock_keeps_a_second_reviewer_off(app: Flask, staff: Any) -> None:
    sid = make_submission(app, [("CEN-01", "missing")])[0]
    fid = _finding_id(app, sid, "CEN-01")
    first, second = app.test_client(), app.test_client()
    holder = staff("researcher")
    sign_in_quickly(first, holder)
    sign_in_quickly(second, staff("researcher"))
    open_with_reason(first, sid)
    body = open_with_reason(second, sid).get_data(as_text=True)
    assert f"{holder.email} is reviewing this submission" in body and "Save decision" not in body
    assert "being reviewed by" in second.get("/review/").get_data(as_text=True)
    response = second.post(f"/review/{sid}/findings/{fid}", data={"confirm": "1"})
    assert response.status_code == 409
    assert second.post(f"/review/{sid}/status", data={"status": "confirmed"}).status_code == 409
    assert _finding(app, fid) == (None, [])
    with app.app_context():  # the first reviewer walked away: the lock lapses
        db.session.get(Submission, sid).locked_at = utcnow() - timedelta(minutes=31)
        db.session.commit()
    assert second.post(f"/review/{sid}/findings/{fid}", data={"confirm": "1"}).status_code == 303
    assert first.post(f"/review/{sid}/findings/{fid}", data={"confirm": "1"}).status_code == 409


def test_unaudited_or_missing_submissions_are_404(app: Flask, client: FlaskClient, staff: Any) -> None:
    queued = make_submission(app, status=JobStatus.QUEUED)[0]
    sign_in_quickly(client, staff("researcher"))
    assert client.get(f"/review/{queued}").status_code == 404
    assert client.get("/review/999999").status_code == 404


def test_campaigners_and_strangers_are_kept_out(app: Flask, client: FlaskClient, staff: Any) -> None:
    sid = make_submission(app, [("CEN-01", "missing")], pages=1)[0]
    assert client.get(f"/review/{sid}").status_code == 302
    sign_in_quickly(client, staff("campaigner"))
    for url in ("/review/", f"/review/{sid}", f"/review/{sid}/pages/1.png"):
        assert client.get(url).status_code == 403, url
    with client.session_transaction() as session:
        session["review_seen"] = [sid]  # even with a forged "reason given"
    assert client.get(f"/review/{sid}/pages/1.png").status_code == 403
    with app.app_context():
        assert db.session.execute(db.select(FindingReview)).first() is None


@pytest.mark.slow
def test_a_real_upload_reaches_the_review_with_its_evidence_boxes(
    app: Flask, client: FlaskClient, staff: Any
) -> None:
    from tests.conftest import receipt_token, upload
    from tests.support import formgen

    form = formgen.render_form(seed=3, statements=["dfe", "notice"])
    response = upload(client, formgen.to_bytes(form.image, "PNG"), form_month="2016-10", consent_evidence="y")
    assert response.status_code == 303
    receipt_token(response)
    app.extensions["jobs"].join(timeout=180)
    with app.app_context():
        submission = db.session.execute(db.select(Submission)).scalar_one()
        assert submission.status == JobStatus.DONE
        boxed = [f for f in submission.findings if f.box and f.page]
        width, height = submission.page_images[0].width, submission.page_images[0].height
        sid = submission.id
    assert boxed, "the checker quoted no evidence with a box"
    sign_in_quickly(client, staff("researcher"))
    assert sid in queue_ids(client, "term=2016-autumn")
    body = open_with_reason(client, sid).get_data(as_text=True)
    assert f'viewBox="0 0 {width} {height}"' in body
    for finding in boxed:
        assert f'id="box-{finding.id}"' in body
    image = client.get(f"/review/{sid}/pages/1.png")
    assert image.status_code == 200 and image.mimetype == "image/png"


def test_a_parent_can_still_delete_a_reviewed_submission(app: Flask, client: FlaskClient, staff: Any) -> None:
    sid, token = make_submission(app, [("CEN-01", "missing")])
    reviewer = app.test_client()
    sign_in_quickly(reviewer, staff("researcher"))
    open_with_reason(reviewer, sid)
    assert reviewer.post(f"/review/{sid}/status", data={"status": "confirmed", "note": "fine"}).status_code == 303
    assert client.post(f"/r/{token}/delete").status_code == 303
    with app.app_context():
        assert db.session.get(Submission, sid) is None
        assert db.session.execute(db.select(SubmissionReview)).first() is None
        assert db.session.execute(db.select(FindingReview)).first() is None
    assert {r.action for r in log_rows(app) if r.submission_id == sid} == {"view", "status"}  # the record stays
