"""The portal practises what it checks: its own privacy notice passes its own rule checker."""
from __future__ import annotations

import re
from html import unescape

from flask.testing import FlaskClient

from portal.audit import detect, pii, rules
from portal.audit.pipeline import _without_personal_values
from portal.audit.text import page_from_text


def notice_text(html: str) -> str:
    """Return the notice's visible text, one paragraph or heading a line."""
    body = html.split('id="privacy-notice">', 1)[1].split("</article>", 1)[0]
    body = re.sub(r"</(p|h1|h2|li)>", "\n", body)
    return unescape(re.sub(r"<[^>]+>|[ \t]+", " ", body)).replace("\n ", "\n").strip()


def test_the_portals_privacy_notice_passes_every_rule_that_applies(client: FlaskClient) -> None:
    text = notice_text(client.get("/privacy").get_data(as_text=True))
    pages = [page_from_text(text)]
    context = detect.detect(_without_personal_values(pages, pii.find(pages)), None)  # as the pipeline does
    findings = rules.check(pages, context)
    failing = {f.rule_id: f.status for f in findings if f.status in ("missing", "violation")}
    assert failing == {}
    assert "G18" in context.flags and "CONS" in context.flags and "CEN" not in context.flags
    applied = {f.rule_id for f in findings if f.status != "not_applicable"}
    assert {"FP-01", "FP-02", "FP-04", "FP-07", "FP-09", "FP-10", "FP-11", "FP-12"} <= applied
