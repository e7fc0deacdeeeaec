"""Browser-test fixtures: the app served on a loopback port, and Debian's Chromium driven by Playwright."""
from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from werkzeug.serving import make_server

CHROMIUM = os.environ.get("PORTAL_CHROMIUM", "/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS = os.environ.get("PORTAL_SCREENSHOTS", "/tmp")


@pytest.fixture
def app_config(app_config: dict[str, Any]) -> dict[str, Any]:
    """Run as in production: CSRF on."""
    return {**app_config, "WTF_CSRF_ENABLED": True}


@pytest.fixture
def server(app: Flask) -> Iterator[str]:
    """Serve the app on a free loopback port from a thread; return its base URL."""
    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, name="test-server", daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}"
    httpd.shutdown()
    thread.join(timeout=10)
    httpd.server_close()


@pytest.fixture
def browser() -> Iterator[Any]:
    """Launch Debian's Chromium headless through Playwright; fail (never skip) when it is missing."""
    if not (os.path.exists(CHROMIUM) or shutil.which(CHROMIUM)):
        pytest.fail(
            f"Chromium is needed for the browser tests but {CHROMIUM} does not exist: "
            "install Debian's chromium package (apt-get install chromium) or set PORTAL_CHROMIUM."
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        try:
            yield browser
        finally:
            browser.close()
