"""A parent's upload over plain HTTP, as a browser sends it: for the web tier under gunicorn and the load benchmark."""
from __future__ import annotations

import http.client
import re
import secrets

CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def multipart(form: bytes, csrf: str) -> tuple[bytes, str]:
    """Encode the upload form's fields as a browser does; return the body and its content type."""
    boundary = secrets.token_hex(16)
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n{csrf}\r\n'.encode(),
        f'--{boundary}\r\nContent-Disposition: form-data; name="files"; filename="form.jpg"\r\n'
        "Content-Type: image/jpeg\r\n\r\n".encode() + form + b"\r\n",
        f'--{boundary}\r\nContent-Disposition: form-data; name="phase"\r\n\r\nprimary\r\n'.encode(),
        f"--{boundary}--\r\n".encode(),
    ]
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def open_upload_page(connection: http.client.HTTPConnection) -> tuple[str, str]:
    """GET the upload page; return its session cookie and CSRF token (RuntimeError if it did not answer)."""
    connection.request("GET", "/")
    response = connection.getresponse()
    page = response.read().decode()
    match = CSRF.search(page)
    if response.status != 200 or not match:
        raise RuntimeError(f"upload page answered {response.status}")
    return response.getheader("Set-Cookie", "").split(";", 1)[0], match.group(1)


def post_upload(connection: http.client.HTTPConnection, port: int, body: bytes, content_type: str,
                cookie: str) -> http.client.HTTPResponse:
    """POST an encoded upload with the page's cookie, from the portal's own origin; return the read response."""
    origin = f"http://127.0.0.1:{port}"
    connection.request("POST", "/", body=body, headers={
        "Content-Type": content_type, "Cookie": cookie, "Origin": origin, "Referer": f"{origin}/"})
    response = connection.getresponse()
    response.read()
    return response
