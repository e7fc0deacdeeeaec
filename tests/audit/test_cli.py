"""The command line (spec/cli.md): one JSON line per file in the order given, exit codes, redacted pages."""
from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from PIL import Image

from portal.audit import __main__ as cli
from portal.audit import errors
from portal.audit.document import Context, Finding, PiiHit, Span
from portal.audit.pipeline import AuditOptions, AuditResult
from tests.support import formgen

ROOT = Path(__file__).resolve().parents[2]
LINE_KEYS = {"file", "ok", "error", "pages", "rules_version", "form_date", "flags", "census_items", "rules",
             "pii", "text", "seconds"}
PII_TYPES = {"name", "date_of_birth", "address", "postcode", "phone", "email", "upn", "uln", "nhs_number",
             "signature", "handwriting", "school", "other"}


def canned_result(data: bytes, options: AuditOptions) -> AuditResult:
    """Return a small audit result whose text is the file's first bytes, standing in for the pipeline."""
    return AuditResult(
        pages=1, rules_version="1", context=Context(("nationality",), ("NAT",), options.form_date),
        findings=[Finding("FP-05", "present", Span(1, 0, 2), (10, 20, 110, 40), evidence="to the DfE"),
                  Finding("CEN-01", "missing")],
        pii=[PiiHit("postcode", 1, (5, 6, 7, 8))], text=data[:20].decode(errors="replace"),
        images=[Image.new("L", (120, 60), 255)], seconds=0.25)


@pytest.fixture
def fake_pipeline(monkeypatch: pytest.MonkeyPatch) -> list[AuditOptions]:
    """Replace the pipeline with a canned one that is slower for earlier files; return the options it saw."""
    seen: list[AuditOptions] = []
    lock = threading.Lock()

    def audit(data: bytes, options: AuditOptions, engine: object) -> AuditResult:
        with lock:
            seen.append(options)
        if data.startswith(b"broken"):
            raise errors.Corrupt()
        if data.startswith(b"bug"):
            raise KeyError("the bug's details, which may quote a document")
        time.sleep(0.2 if data.startswith(b"slow") else 0)
        return canned_result(data, options)
    monkeypatch.setattr(cli, "audit", audit)
    return seen


def run_main(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, list[dict], str]:
    """Run the command line in-process; return the exit status, the JSON lines and standard error."""
    status = cli.main(args)
    out, err = capsys.readouterr()
    return status, [json.loads(line) for line in out.splitlines()], err


def write(tmp_path: Path, name: str, content: bytes) -> str:
    path = tmp_path / name
    path.write_bytes(content)
    return str(path)


def test_lines_follow_the_given_order_whatever_finishes_first(tmp_path: Path, fake_pipeline: list,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    files = [write(tmp_path, "a.png", b"slow one"), write(tmp_path, "b.png", b"quick one"),
             write(tmp_path, "c.png", b"slow two"), write(tmp_path, "d.png", b"quick two")]
    status, lines, err = run_main(["--jobs", "4", *files], capsys)
    assert status == 0
    assert [line["file"] for line in lines] == files
    assert [line["text"] for line in lines] == ["slow one", "quick one", "slow two", "quick two"]
    assert all(options.jobs == 4 for options in fake_pipeline)
    assert "[4/4]" in err and "d.png" in err


def test_ok_line_has_every_field_of_the_contract(tmp_path: Path, fake_pipeline: list,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    file = write(tmp_path, "letter.jpg", b"form")
    status, [line], _ = run_main(["--form-date", "2016-11-01", "--keep-school", file], capsys)
    assert status == 0
    assert set(line) == LINE_KEYS
    assert line["ok"] is True and line["error"] is None and line["form_date"] == "2016-11-01"
    assert line["rules"] == [
        {"id": "FP-05", "status": "present", "evidence": "to the DfE", "page": 1, "box": [10, 20, 110, 40]},
        {"id": "CEN-01", "status": "missing", "evidence": None, "page": None, "box": None}]
    assert line["pii"] == [{"type": "postcode", "page": 1, "box": [5, 6, 7, 8]}]
    [options] = fake_pipeline
    assert options.form_date == date(2016, 11, 1) and options.keep_school is True


def test_unreadable_files_get_an_error_line_and_exit_3(tmp_path: Path, fake_pipeline: list,
                                                       capsys: pytest.CaptureFixture[str],
                                                       caplog: pytest.LogCaptureFixture) -> None:
    files = [write(tmp_path, "good.png", b"fine"), write(tmp_path, "broken.png", b"broken"),
             str(tmp_path / "missing.png"), str(tmp_path), write(tmp_path, "bug.png", b"bug")]
    status, lines, err = run_main(files, capsys)
    assert status == 3
    assert [line["ok"] for line in lines] == [True, False, False, False, False]
    codes = [line["error"]["code"] for line in lines[1:]]
    assert codes == ["corrupt", "not_found", "not_found", "audit_failed"]
    for line in lines[1:]:
        assert set(line) == {"file", "ok", "error"} and set(line["error"]) == {"code", "message"}
        assert line["error"]["message"].endswith(".")
    assert "KeyError" in caplog.text  # the bug is named, but its message (maybe a quote) is not logged
    assert "quote a document" not in caplog.text + err


@pytest.mark.parametrize("args", [[], ["--form-date", "1/11/2016", "x.png"],
                                  ["--form-date", "2016-13-01", "x.png"], ["--jobs", "0", "x.png"],
                                  ["--jobs", "two", "x.png"], ["--colour", "x.png"]])
def test_bad_usage_exits_2_and_prints_nothing(args: list[str], fake_pipeline: list,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        cli.main(args)
    out, err = capsys.readouterr()
    assert exited.value.code == 2 and out == "" and "usage:" in err
    assert fake_pipeline == []


def test_redacted_pages_are_written_by_stem_and_page(tmp_path: Path, fake_pipeline: list,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    file = write(tmp_path, "letter.final.jpg", b"form")
    status, _, _ = run_main(["--redacted-dir", str(tmp_path / "out" / "pages"), file], capsys)
    assert status == 0
    with Image.open(tmp_path / "out" / "pages" / "letter.final-1.png") as page:
        assert page.format == "PNG" and page.size == (120, 60)


@pytest.mark.slow
def test_the_real_engine_end_to_end(tmp_path: Path) -> None:
    rendered = formgen.render_form(seed=11)
    form = write(tmp_path, "form.png", formgen.to_bytes(rendered.image, "PNG"))
    other = write(tmp_path, "notes.txt", b"not a form")
    done = subprocess.run([sys.executable, "-m", "portal.audit", "--jobs", "2", "--form-date", "2016-11-01",
                           "--redacted-dir", str(tmp_path / "red"), form, other],
                          cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert done.returncode == 3, done.stderr
    first, second = (json.loads(line) for line in done.stdout.splitlines())
    assert second == {"file": other, "ok": False, "error": {"code": "unsupported_type",
                                                             "message": errors.UnsupportedType.message}}
    assert set(first) == LINE_KEYS and first["file"] == form and first["ok"] is True
    assert first["pages"] == 1 and first["form_date"] == "2016-11-01" and isinstance(first["seconds"], float)
    assert isinstance(first["rules_version"], str) and first["rules"]
    assert all(isinstance(x, str) for x in first["flags"] + first["census_items"])
    with Image.open(tmp_path / "red" / "form-1.png") as page:
        size = page.size
    for rule in first["rules"]:
        assert set(rule) == {"id", "status", "evidence", "page", "box"}
        assert rule["status"] in {"present", "missing", "not_applicable", "clear", "violation"}
        if rule["box"] is not None:
            assert rule["page"] == 1 and inside(rule["box"], size)
    assert first["pii"] and {hit["type"] for hit in first["pii"]} <= PII_TYPES
    assert all(hit["page"] == 1 and inside(hit["box"], size) for hit in first["pii"])
    assert "Department for Education" in first["text"]
    for field in rendered.fields:
        if field.type in ("upn", "email", "postcode", "phone"):
            assert field.value not in done.stdout  # only redacted material leaves the engine


def inside(box: list[int], size: tuple[int, int]) -> bool:
    left, top, right, bottom = box
    return 0 <= left <= right <= size[0] and 0 <= top <= bottom <= size[1]


def test_a_crashing_tesseract_gives_an_ocr_failed_line(tmp_path: Path, fake_tesseract: Callable[[str], Path],
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    fake_tesseract('echo "Segmentation fault" >&2; exit 139')
    file = write(tmp_path, "form.png", formgen.to_bytes(formgen.render_form(seed=2).image, "PNG"))
    status, [line], _ = run_main([file], capsys)
    assert status == 3
    assert line == {"file": file, "ok": False,
                    "error": {"code": "ocr_failed", "message": errors.OcrFailed.message}}
