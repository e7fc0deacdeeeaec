"""Find the date a form was issued, from the dates printed on it.

Not every printed date is the form's date. A date of birth, an expiry or next-review date, or the date a
parent writes by their signature are excluded. The rest are graded:

- strong: a date standing alone on a line near the top of the first page (a letter's date), or after a
  word that dates the document ("Dated", "Issued", "Updated", "Reviewed", "Published", "Version");
- medium: any other full date in the text (a census day, a return-by date, "since 25 May 2018");
- weak: a month and year ("September 2016"), read as the first of the month.

A term ("Autumn term 2016") or an academic year ("2016/17") is not taken as a date: it spans months on both
sides of the dates that matter (24 November 2016, 25 May and 28 June 2018), so such a form is undated and
the GDPR flag rests on its wording. The strongest grade present wins; among strong dates the first (the
letterhead's) is taken, among medium and weak ones the latest (a document that mentions a date was written
on or after it).
"""
from __future__ import annotations

import re
from datetime import date

from .units import Unit

_MONTHS = {"jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7, "aug": 8, "sep": 9,
           "oct": 10, "nov": 11, "dec": 12}
_MONTH = (r"(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
          r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?")
_YEAR = r"((?:19|20)\d{2})"
_DAY_MONTH_YEAR = re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH},?\s+{_YEAR}\b")
_MONTH_DAY_YEAR = re.compile(rf"\b{_MONTH}\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+{_YEAR}\b")
_NUMERIC = re.compile(r"(?<![\d/.-])(\d{1,2})[/.-](\d{1,2})[/.-]((?:19|20)?\d{2})(?![\d/.-])")
_ISO = re.compile(r"\b(20\d{2})-(\d{2})-(\d{2})\b")
_MONTH_YEAR = re.compile(rf"\b{_MONTH},?\s+{_YEAR}\b")
_EXCLUDE = re.compile(r"birth|\bd\.?o\.?b\b|\bborn\b|expir|next review|review date|valid until|"
                      r"due for review|\bsign(?:ed|ature)?\b|\bage[ds]?\b")
_BESIDE = re.compile(r"\bsign(?:ed|ature)?\b|date of birth|\bd\.?o\.?b\b")
_DATING = re.compile(r"\b(dated|date of issue|issued|updated|last updated|reviewed|last reviewed|published|"
                     r"version|effective|approved|adopted|written)\b")
_WEEKDAY = re.compile(r"\b(mon|tues|wednes|thurs|fri|satur|sun)day\b")
_DIGITISH = re.compile(r"\b[\doOlI|]{2,4}\b")
_WORDISH = re.compile(r"\b(?=[a-z0-9|]*[a-z])[a-z0-9|]{3,9}\b")
TOP = 0.35  # a standalone date in the top third of page 1 is the letter's date
CONTEXT = 40  # characters before a date that say what it is ("Date of birth:", "Review date:", "Issued")


def printed_date(units: list[Unit], heights: dict[int, int]) -> date | None:
    """Return the form's printed date, or None; ``heights`` gives each page's height in pixels."""
    strong: list[date] = []
    medium: list[date] = []
    weak: list[date] = []
    first_page = min((u.page for u in units), default=1)
    for n, unit in enumerate(units):
        text = _DIGITISH.sub(lambda m: m.group().replace("o", "0").replace("l", "1").replace("|", "1")
                             if any(c.isdigit() for c in m.group()) else m.group(), unit.raw)
        text = _WORDISH.sub(_month_repaired, text)
        full = _full_dates(text)
        found = full or _rough_dates(text)
        if not found:
            continue
        alone = len(re.findall(r"[a-z]{2,}", _WEEKDAY.sub("", _strip_dates(text)))) <= 1
        around = " ".join(u.raw for u in units[max(0, n - 1):n + 2])
        if _BESIDE.search(unit.raw) or alone and _BESIDE.search(around):
            continue  # a date written in beside a signature or a date-of-birth label
        top = unit.page == first_page and unit.box[1] < TOP * heights.get(unit.page, 1)
        for start, when in found:
            before = text[max(0, start - CONTEXT):start]
            dating = [m.end() for m in _DATING.finditer(before)]
            excluded = [m.start() for m in _EXCLUDE.finditer(before)]
            if excluded and (not dating or max(excluded) >= max(dating)):
                continue  # a date of birth, an expiry or review date, a signature date (the nearer word says)
            if dating or (alone and top):
                strong.append(when)
            elif full:
                medium.append(when)
            else:
                weak.append(when)
    if strong:
        return strong[0]
    if medium:
        return max(medium)
    return max(weak) if weak else None


def _month_repaired(match: re.Match[str]) -> str:
    """Return a month name misread by OCR ("0ctober", "Ju1y", "Apri|") as the month, else the word as read."""
    word = match.group()
    repaired = word.replace("0", "o").replace("1", "l").replace("|", "l")
    return repaired if repaired != word and re.fullmatch(_MONTH, repaired) else word


def _valid(year: int, month: int, day: int) -> date | None:
    try:
        found = date(year, month, day)
    except ValueError:
        return None
    return found if 2000 <= found.year <= date.today().year + 1 else None


def _full_dates(text: str) -> list[tuple[int, date]]:
    """Return the day-month-year dates in a text with where they start, in order."""
    found: list[tuple[int, date | None]] = []
    for m in _DAY_MONTH_YEAR.finditer(text):
        found.append((m.start(), _valid(int(m.group(3)), _MONTHS[m.group(2)[:3]], int(m.group(1)))))
    for m in _MONTH_DAY_YEAR.finditer(text):
        found.append((m.start(), _valid(int(m.group(3)), _MONTHS[m.group(1)[:3]], int(m.group(2)))))
    for m in _NUMERIC.finditer(text):
        year = int(m.group(3)) + (2000 if len(m.group(3)) == 2 else 0)
        found.append((m.start(), _valid(year, int(m.group(2)), int(m.group(1)))))
    for m in _ISO.finditer(text):
        found.append((m.start(), _valid(int(m.group(1)), int(m.group(2)), int(m.group(3)))))
    return sorted((start, d) for start, d in found if d is not None)


def _rough_dates(text: str) -> list[tuple[int, date]]:
    """Return month-year dates, as the first day of the month, with where they start."""
    found = [(m.start(), _valid(int(m.group(2)), _MONTHS[m.group(1)[:3]], 1))
             for m in _MONTH_YEAR.finditer(text)]
    return [(start, d) for start, d in found if d is not None]


def _strip_dates(text: str) -> str:
    """Remove every date-like run from a text, to see what else the line says."""
    for pattern in (_DAY_MONTH_YEAR, _MONTH_DAY_YEAR, _NUMERIC, _ISO, _MONTH_YEAR):
        text = pattern.sub(" ", text)
    return text
