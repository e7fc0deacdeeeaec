"""Serve stored page images: the redacted PNGs, never cached by browsers or proxies."""
from __future__ import annotations

from flask import Response, abort

from .extensions import db
from .models import PageImage


def send_page_image(submission_id: int, number: int) -> Response:
    """Return one redacted page image of a submission as a response, or abort with 404."""
    image = db.session.execute(
        db.select(PageImage).where(PageImage.submission_id == submission_id, PageImage.number == number)
    ).scalar_one_or_none()
    if image is None:
        abort(404)
    response = Response(image.png, mimetype="image/png")
    response.headers["Cache-Control"] = "private, no-store"
    return response
