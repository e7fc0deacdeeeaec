"""Routes of the reports: the staff page, the export download, the public switch and the public page."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from flask import Response, abort, flash, redirect, render_template, request, stream_with_context, url_for
from sqlalchemy.exc import SQLAlchemyError

from .. import access
from ..auth import current_user, require_role
from ..extensions import db
from . import bp, charts, export, public, stats
from .forms import FilterForm, PublicStatisticsForm

MIMETYPES = {"csv": "text/csv; charset=utf-8", "json": "application/json", "datapackage": "application/zip"}
CHUNKS: dict[str, Callable[[], Iterator[bytes]]] = {
    "csv": lambda: _encoded(export.csv_chunks()),
    "json": lambda: _encoded(export.json_chunks()),
    "datapackage": export.zip_chunks,
}
DOWNLOADS = {"csv": "csv", "json": "json", "zip": "datapackage"}


def _encoded(chunks: Iterator[str]) -> Iterator[bytes]:
    """Encode text chunks as UTF-8 as they stream."""
    for chunk in chunks:
        yield chunk.encode("utf-8")


def _page(public_page: bool) -> tuple[str, int]:
    """Build the report for the query string's choices and render it; 400 when a choice is not valid."""
    rules = list(stats.rule_choices())
    form = FilterForm(request.args, rules=rules)
    status = 200
    if request.args and not form.validate():
        status = 400
    rule_id = form.rule.data if not form.rule.errors else None
    include_unreviewed = bool(form.unreviewed.data) and not public_page
    report = stats.build(rule_id, include_unreviewed=include_unreviewed)
    form.rule.data = report.rule.id
    return render_template(
        "reports/index.html",
        report=report,
        form=form,
        public_page=public_page,
        figures=_charts(report),
        percent=charts.percent,
        public_on=public.enabled(),
        switch=PublicStatisticsForm(),
        can_export=not public_page
        and current_user.is_authenticated
        and current_user.role in ("campaigner", "admin"),
        is_admin=not public_page and current_user.is_authenticated and current_user.role == "admin",
    ), status


def _charts(report: stats.Report) -> dict[str, Any]:
    """Draw the report's charts."""

    def bars(rows: list[Any]) -> list[charts.Bar]:
        return [
            charts.Bar(r.label, r.share, r.hidden, "" if r.hidden else f"{r.fails} of {r.applies} forms")
            for r in rows
        ]

    drawn = {
        "rules": charts.horizontal(
            "chart-rules",
            "Share of forms failing each rule",
            [charts.Bar(r.label, r.share, r.hidden, r.title) for r in report.rules],
        ),
        "census_items": charts.horizontal(
            "chart-items",
            "Share of forms asking for each census item",
            [charts.Bar(i.label, i.share, i.hidden) for i in report.items],
        ),
    }
    for b in report.breakdowns:
        title = f"Share failing {report.rule.id} by {b.title.lower()}"
        draw = charts.vertical if b.dimension in ("term", "year") else charts.horizontal
        drawn[b.dimension] = draw(f"chart-{b.dimension}", title, bars(b.rows))
    return drawn


@bp.get("/reports/")
@require_role("campaigner", "researcher", "admin")
def index() -> Any:
    """Show the aggregate reports: confirmed forms by default, unreviewed ones on request."""
    return _page(public_page=False)


@bp.get("/statistics")
def public_statistics() -> Any:
    """Show the protected aggregates of confirmed forms to anyone, when an admin has switched the page on."""
    if not public.enabled():
        abort(404)
    return _page(public_page=True)


@bp.get("/reports/export.<kind>")
@require_role("campaigner", "admin")
def download(kind: str) -> Any:
    """Stream the evidence export (CSV, JSON, or a zipped Data Package) and record it in the access log."""
    fmt = DOWNLOADS.get(kind)
    if fmt is None:
        abort(404)
    access.record("export", detail=f"format={fmt} via=web")
    db.session.commit()
    return Response(
        stream_with_context(CHUNKS[fmt]()),
        mimetype=MIMETYPES[fmt],
        headers={"Content-Disposition": f'attachment; filename="{export.filename(fmt)}"'},
    )


@bp.post("/reports/public")
@require_role("admin")
def switch_public() -> Any:
    """Switch the public statistics page on or off."""
    form = PublicStatisticsForm()
    if not form.validate_on_submit():
        abort(400, description="That switch did not come from the reports page; please try again from there.")
    on = form.enabled.data == "on"
    public.switch(on)
    access.record("setting", detail=f"public_statistics={'on' if on else 'off'}")
    db.session.commit()
    flash(
        "The public statistics page is now " + ("on: anyone can see the protected figures." if on else "off.")
    )
    return redirect(url_for("reports.index"), code=303)


@bp.app_context_processor
def public_link() -> dict[str, Any]:
    """Let the site header link to the public statistics when they are on."""

    def public_statistics_on() -> bool:
        try:
            return public.enabled()
        except SQLAlchemyError:  # an unmigrated database (first start): no link
            db.session.rollback()
            return False

    return {"public_statistics_on": public_statistics_on}
