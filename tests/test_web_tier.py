"""The web tier as deployed: gunicorn with the repository's gunicorn.conf.py, a Celery worker, PostgreSQL, Redis."""
from __future__ import annotations

import http.client
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support import formgen, http_upload, services

pytestmark = pytest.mark.scale


@pytest.fixture
def gunicorn(scaled_stack: services.Stack, tmp_path: Path) -> Iterator[tuple[int, Path]]:
    """Serve wsgi:app under gunicorn with two workers, as `make serve-scale` does; yield its port and log."""
    scaled_stack.empty()
    port, log = services.free_port(), tmp_path / "gunicorn.log"
    gunicorn = Path(sys.executable).parent / "gunicorn"
    with open(log, "ab") as out:
        process = subprocess.Popen([str(gunicorn), "-w", "2", "-b", f"127.0.0.1:{port}", "wsgi:app"],
                                   cwd=services.REPO, env=services.worker_env(services.settings_env(
                                       scaled_stack.settings)), stdout=out, stderr=subprocess.STDOUT)
    try:
        services.wait_for_port(port, 60)
        yield port, log
    finally:
        process.terminate()
        process.wait(30)


def test_a_parent_uploads_through_gunicorn_and_a_worker_audits_it(gunicorn: tuple[int, Path]) -> None:
    port, log = gunicorn
    form = formgen.to_bytes(formgen.render_form(seed=3).image, "JPEG", quality=85)
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        cookie, csrf = http_upload.open_upload_page(connection)
        body, content_type = http_upload.multipart(form, csrf)
        response = http_upload.post_upload(connection, port, body, content_type, cookie)
        assert response.status == 303, log.read_text()
        assert response.getheader("Connection") == "close"  # keep-alive would tie a browser to one process
        receipt = response.getheader("Location", "")
        assert "/r/" in receipt

        def finished() -> bool:
            connection.request("GET", f"{receipt}/status")
            return bool(json.loads(connection.getresponse().read())["finished"])

        services.wait_until(finished, 180, "the audit finishing")
        connection.request("GET", receipt)
        page = connection.getresponse().read().decode()
    finally:
        connection.close()
    assert "Pages read" in page and "could not check" not in page
    assert "Using worker: gthread" in log.read_text()  # gunicorn read the repository's gunicorn.conf.py
