"""The factory and configuration: defaults, then instance/config.py, then PORTAL_* environment."""
from __future__ import annotations

from pathlib import Path

import pytest

from portal import create_app


def write_instance(tmp_path: Path, text: str) -> str:
    instance = tmp_path / "instance"
    instance.mkdir()
    (instance / "config.py").write_text(text)
    return str(instance)


def test_defaults_apply_and_sqlite_lives_in_the_instance_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("PORTAL_MAX_PAGES", raising=False)
    instance = write_instance(tmp_path, "SECRET_KEY = 'k'\n")
    app = create_app(instance_path=instance)
    assert app.config["MAX_PAGES"] == 20
    assert app.config["MAX_CONTENT_LENGTH"] == 20 * 1024 * 1024
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{instance}/portal.sqlite3"


def test_instance_config_overrides_defaults_and_environment_overrides_both(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    instance = write_instance(tmp_path, "SECRET_KEY = 'from-file'\nMAX_PAGES = 7\nRETENTION_DAYS = 9\n")
    monkeypatch.setenv("PORTAL_MAX_PAGES", "3")
    monkeypatch.setenv("PORTAL_DATABASE_URL", "sqlite:///" + str(tmp_path / "other.db"))
    app = create_app(instance_path=instance)
    assert app.config["SECRET_KEY"] == "from-file"
    assert app.config["RETENTION_DAYS"] == 9  # file beats default
    assert app.config["MAX_PAGES"] == 3  # environment beats file
    assert app.config["SQLALCHEMY_DATABASE_URI"].endswith("other.db")


def test_refuses_to_start_without_a_secret_key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PORTAL_SECRET_KEY", raising=False)
    instance = write_instance(tmp_path, "MAX_PAGES = 5\n")
    with pytest.raises(RuntimeError, match="SECRET_KEY is not set"):
        create_app(instance_path=instance)


def test_secret_key_from_environment_is_enough(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PORTAL_SECRET_KEY", "env-secret")
    app = create_app(instance_path=write_instance(tmp_path, ""))
    assert app.config["SECRET_KEY"] == "env-secret"


@pytest.mark.parametrize("key, value", [("MAX_PAGES", "'many'"), ("OCR_TIMEOUT", "'soon'"), ("MAX_PAGES", "-1")])
def test_a_setting_of_the_wrong_type_stops_start_up_with_its_name(tmp_path: Path, key: str, value: str) -> None:
    instance = write_instance(tmp_path, f"SECRET_KEY = 'k'\n{key} = {value}\n")
    with pytest.raises(RuntimeError, match=key):
        create_app(instance_path=instance)


def test_test_config_replaces_file_and_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PORTAL_MAX_PAGES", "3")
    app = create_app({"TESTING": True, "MAX_PAGES": 4, "DATABASE_URL": "sqlite://"}, instance_path=str(tmp_path))
    assert app.config["MAX_PAGES"] == 4
    assert app.testing
