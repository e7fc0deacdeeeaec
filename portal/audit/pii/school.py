"""The school's own name and address: redacted unless the caller keeps them."""
from __future__ import annotations

import re

from ..document import Page, PiiHit
from . import addresses, contact, labels
from .layout import Row, Run, hit

NOUNS = {"school", "academy", "college", "nursery", "pre-school", "preschool"}
JOINERS = {"of", "the", "and", "&", "c", "e", "st", "st.", "upon", "on", "in", "de", "la"}
# capitalised words that begin sentences or describe a kind of school, never a school's own name
GENERIC = JOINERS | NOUNS | {
    "our", "your", "this", "that", "a", "an", "at", "to", "from", "by", "for", "dear", "please", "each",
    "every", "any", "all", "primary", "secondary", "infant", "infants", "junior", "juniors", "high",
    "community", "church", "free", "special", "independent", "state", "grammar", "catholic", "local",
    "maintained", "middle", "upper", "lower", "first", "sixth", "form", "village", "federation", "trust",
    "multi", "national", "new", "previous", "current", "next", "my", "his", "her", "their", "boarding",
    "faith", "voluntary", "aided", "controlled", "foundation", "studio"}
CUES = {"tel", "telephone", "phone", "fax", "email", "e-mail", "www", "website", "web", "headteacher",
        "head", "principal"} | set(addresses.SUFFIXES)
BLOCK_ROWS = 4  # lines of letterhead address under the school's name
BLOCK_GAP = 2.5  # most text heights between letterhead lines
ROLE_MAILBOXES = {"office", "admin", "enquiries", "enquiry", "info", "head", "headteacher", "dpo",
                  "reception", "school", "bursar", "finance", "admissions", "attendance", "sendco", "senco",
                  "governors", "clerk", "data", "privacy", "dataprotection", "foi"}


def names(page: Page, runs: list[Run]) -> list[tuple[int, ...]]:
    """Return the words of each school name ("St Mary's C of E Primary School") in the page's lines."""
    found = []
    for line in runs:
        words = [page.words[i].text for i in line.indices]
        for k, word in enumerate(words):
            bare = word.strip(".,;:()'’\"").lower()
            if bare not in NOUNS or not _capitalised(word):
                continue
            if word[-1].isalnum() and k + 1 < len(words) and _capitalised(words[k + 1]) \
                    and words[k + 1].lower() not in JOINERS:
                continue  # "School Census", "Free School Meals": a longer proper noun
            start = k
            while start > 0 and k - start < 7 and (_capitalised(words[start - 1]) or
                                                   words[start - 1].lower() in JOINERS):
                start -= 1
            while start < k and words[start].strip(".,;:").lower() in GENERIC - JOINERS:
                start += 1  # a sentence's first word, "The", "Our"
            if any(w.strip(".,;:'’").lower() not in GENERIC for w in words[start:k]):
                found.append(line.indices[start:k + 1])
    return found


def _capitalised(word: str) -> bool:
    letters = word.strip(".,;:()'’\"&")
    return bool(letters) and letters[0].isupper()


def find(page: Page, rows: list[Row], runs: list[Run]) -> list[PiiHit]:
    """Find the school's name, the letterhead address under it, and the school's role mailboxes."""
    hits = []
    row_of = {i: r for r, row in enumerate(rows) for i in row.indices}
    for indices in names(page, runs):
        hits.append(hit(page, "school", indices))
        r = row_of[indices[0]]
        cell = next(c for c in rows[r].cells if indices[0] in c.indices)
        if set(cell.indices) - set(indices):
            continue  # a name inside a sentence, not a letterhead
        bottom = rows[r].box[3]
        for row in rows[r + 1:r + 1 + BLOCK_ROWS]:
            if row.box[1] - bottom > BLOCK_GAP * rows[r].height or not _has_cue(page, row) \
                    or any(labels.kind(cell.text) for cell in row.cells):
                break  # the letterhead ends where the form's fields begin
            hits.append(hit(page, "school", row.indices))
            bottom = row.box[3]
    for line in runs:
        for m in contact.EMAIL.finditer(line.text):
            local, _, domain = m.group().replace(" ", "").partition("@")
            if local.lower() in ROLE_MAILBOXES or domain.lower().endswith(".sch.uk"):
                hits.append(hit(page, "school", line.covering(m.start(), m.end())))
    return hits


def _has_cue(page: Page, row: Row) -> bool:
    """Tell whether a line looks like part of an address: a street, postcode, phone, email or web address."""
    text = " ".join(page.words[i].text for i in row.indices)
    words = {re.sub(r"[^a-z-]", "", w.lower()) for w in text.split()}
    return bool(words & CUES) or contact.POSTCODE.search(text) is not None or "@" in text \
        or bool(contact.phone_spans(text))
