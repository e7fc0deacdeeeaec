"""The admin's switch for the public statistics page, kept in the Setting table."""

from __future__ import annotations

from ..extensions import db
from ..models import Setting

KEY = "public_statistics"


def enabled() -> bool:
    """Tell whether the public statistics page is switched on (it is off until an admin says otherwise)."""
    setting = db.session.get(Setting, KEY)
    return setting is not None and setting.value == "on"


def switch(on: bool) -> None:
    """Switch the public statistics page on or off (the caller commits)."""
    setting = db.session.get(Setting, KEY)
    if setting is None:
        db.session.add(Setting(key=KEY, value="on" if on else "off"))
    else:
        setting.value = "on" if on else "off"
