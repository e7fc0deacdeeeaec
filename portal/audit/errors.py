"""One exception per failure a parent can meet, each with a stable code and a plain message."""
from __future__ import annotations


class AuditError(Exception):
    """A document could not be audited; ``code`` is stable, ``message`` is for a parent."""

    code = "audit_failed"
    message = "We could not check this file."

    def __init__(self, message: str | None = None) -> None:
        super().__init__(message or self.message)
        self.message = message or self.message


class UnsupportedType(AuditError):
    code = "unsupported_type"
    message = "This file is not a photo, scan or PDF we can read. Please send a JPEG, PNG, HEIC, TIFF, WebP or PDF."


class TooLarge(AuditError):
    code = "too_large"
    message = "This file is too large. Please send a smaller photo or PDF."


class TooManyPages(AuditError):
    code = "too_many_pages"
    message = "This document has too many pages. Please send only the pages of the census form."


class ImageTooLarge(AuditError):
    code = "image_too_large"
    message = "This picture has too many pixels for us to read safely. Please send a smaller photo."


class Corrupt(AuditError):
    code = "corrupt"
    message = "This file seems to be damaged or incomplete. Please take the photo or scan again."


class EncryptedPdf(AuditError):
    code = "encrypted_pdf"
    message = "This PDF is password-protected. Please send a copy without a password, or a photo of the form."


class NoTextFound(AuditError):
    code = "no_text_found"
    message = "We could not find any printed text on this file. Please check it is the census form and in focus."


class OcrFailed(AuditError):
    code = "ocr_failed"
    message = "Our text reader failed on this file. Please try again later or send a clearer photo."


class OcrTimeout(OcrFailed):
    code = "ocr_timeout"
    message = "Reading this file took too long. Please send a clearer or smaller photo."
