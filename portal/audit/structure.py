"""Cheap structural checks of image files: does the file hold every byte its own structure promises?

An upload is checked before it is accepted, in the web request, where decoding a phone photo would cost tens of
milliseconds. These checks walk only the container (JPEG segments, PNG chunks, the RIFF header, ISO-BMFF boxes)
and so catch the commonest damage, a transfer cut short, in well under a millisecond. Damage inside compressed
pixel data is found later, when the audit decodes the file.
"""
from __future__ import annotations

import struct

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
JPEG_SOS, JPEG_EOI = 0xDA, b"\xff\xd9"
JPEG_STANDALONE = {0x01, *range(0xD0, 0xD8)}  # TEM and RSTn carry no length


def intact(data: bytes, kind: str) -> bool:
    """Tell whether a JPEG, PNG, WebP or HEIF file is complete; other kinds are checked elsewhere (True)."""
    check = {"JPEG": _jpeg, "PNG": _png, "WEBP": _webp, "HEIF": _heif}.get(kind)
    try:
        return check is None or check(data)
    except (struct.error, IndexError, ValueError):  # a length or search ran past the end of the data
        return False


def _jpeg(data: bytes) -> bool:
    """Walk the segments from SOI to the first scan; the image data must then end in an EOI marker.

    The EOI is searched for after the scan starts, so an embedded EXIF thumbnail's own EOI does not count, and
    bytes a phone appends after the EOI (a motion photo's video) do no harm.
    """
    at = 2
    while True:
        if data[at] != 0xFF:  # stray bytes between segments: decoders skip them, and so do we
            at = data.index(b"\xff", at)
        marker = data[at + 1]
        if marker == 0xFF:  # fill byte
            at += 1
            continue
        if marker in JPEG_STANDALONE:
            at += 2
            continue
        length = struct.unpack_from(">H", data, at + 2)[0]
        if length < 2 or at + 2 + length > len(data):
            return False
        if marker == JPEG_SOS:
            return data.rfind(JPEG_EOI, at + 2 + length) != -1  # from the end, where it is
        at += 2 + length


def _png(data: bytes) -> bool:
    """Walk the chunks: every one up to the last image data (IDAT) must be whole.

    CRCs and a missing end chunk (IEND) are left to the decoder, which tolerates what phones and scanners
    really write; a transfer cut short cuts the image data.
    """
    at, seen_image = len(PNG_SIGNATURE), False
    while at + 8 <= len(data):
        length, kind = struct.unpack_from(">I4s", data, at)
        if kind == b"IEND":
            return seen_image
        if at + 12 + length > len(data):
            return seen_image and kind != b"IDAT"
        seen_image = seen_image or kind == b"IDAT"
        at += 12 + length
    return seen_image


def _webp(data: bytes) -> bool:
    """The RIFF header gives the file's length."""
    return struct.unpack_from("<I", data, 4)[0] + 8 <= len(data)


def _heif(data: bytes) -> bool:
    """Walk the top-level ISO-BMFF boxes until the metadata and image data are whole: none may be cut short.

    What follows them (a Samsung motion photo's video and trailer) is not read.
    """
    at, seen = 0, set[bytes]()
    while at + 8 <= len(data) and not {b"meta", b"mdat"} <= seen:
        size, kind = struct.unpack_from(">I4s", data, at)
        if size == 0:  # the last box runs to the end of the file
            return True
        if size == 1:  # a 64-bit size follows the type
            size = struct.unpack_from(">Q", data, at + 8)[0]
        if size < 8 or at + size > len(data):
            return False
        seen.add(kind)
        at += size
    return True
