"""Checking uploaded files by what they contain, never by their name or declared type.

A file's extension and the content type sent by the browser are chosen by whoever uploads it;
only the bytes tell what it is. ``filetype`` reads the signature at the start of the file;
images are then opened with Pillow, so a file that only starts like a PNG is refused too.
"""

from __future__ import annotations

from typing import IO, Any

import filetype
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

# The kinds citizens may send, by the MIME type filetype reports.
KINDS_BY_MIME = {"application/pdf": "pdf", "image/jpeg": "jpeg", "image/png": "png"}
KIND_LABELS = {"pdf": "PDF", "jpeg": "JPEG", "png": "PNG"}
DEFAULT_MAX_BYTES = 5 * 1024 * 1024
# filetype needs the first 261 bytes at most.
_HEAD_BYTES = 261


def _size_of(file: Any) -> int:
    size = getattr(file, "size", None)
    if size is not None:
        return int(size)
    position = file.tell()
    file.seek(0, 2)
    size = file.tell()
    file.seek(position)
    return int(size)


def _head(file: IO[bytes]) -> bytes:
    file.seek(0)
    head = file.read(_HEAD_BYTES)
    file.seek(0)
    return head if isinstance(head, bytes) else bytes(head)


def _image_is_sound(file: IO[bytes]) -> bool:
    from PIL import Image, UnidentifiedImageError

    try:
        file.seek(0)
        with Image.open(file) as image:
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        return False
    finally:
        file.seek(0)
    return True


def _mb(n_bytes: int) -> str:
    value = n_bytes / (1024 * 1024)
    return f"{value:.1f}".rstrip("0").rstrip(".")


def validate_upload(
    file: Any,
    *,
    allowed_kinds: tuple[str, ...] | list[str] = ("pdf", "jpeg", "png"),
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> str:
    """Check an uploaded file and return its kind (``"pdf"``, ``"jpeg"`` or ``"png"``).

    Raises :class:`ValidationError` with a translated message when the file is empty, too big,
    or its content is not one of ``allowed_kinds``.
    """
    size = _size_of(file)
    if size == 0:
        raise ValidationError(_("The file is empty."), code="empty")
    if size > max_bytes:
        raise ValidationError(
            _("The file is too big (%(size)s MB); the limit is %(limit)s MB.")
            % {"size": _mb(size), "limit": _mb(max_bytes)},
            code="too_big",
        )
    guess = filetype.guess(_head(file))
    kind = KINDS_BY_MIME.get(guess.mime) if guess is not None else None
    if kind is None or kind not in allowed_kinds:
        labels = ", ".join(KIND_LABELS.get(k, k) for k in allowed_kinds)
        raise ValidationError(
            ngettext(
                "This file is not accepted: send a %(kinds)s file.",
                "This file is not accepted: send a file of one of these kinds: %(kinds)s.",
                len(allowed_kinds),
            )
            % {"kinds": labels},
            code="kind",
        )
    if kind in {"jpeg", "png"} and not _image_is_sound(file):
        raise ValidationError(_("This image is damaged or incomplete."), code="damaged")
    return kind
