"""Uploaded files are judged by their content, never by their name or declared type."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from baladiya.core.uploads import validate_upload
from tests.catalogue.helpers import PDF_BYTES, jpeg_bytes, png_bytes, upload


@pytest.fixture(autouse=True)
def _english(english):
    yield


def test_a_real_png_is_accepted():
    assert validate_upload(upload("scan.png", png_bytes(), "image/png")) == "png"


def test_a_real_jpeg_and_pdf_are_accepted():
    assert validate_upload(upload("photo.jpg", jpeg_bytes(), "image/jpeg")) == "jpeg"
    assert validate_upload(upload("lease.pdf", PDF_BYTES, "application/pdf")) == "pdf"


def test_a_pdf_that_is_really_text_is_refused():
    fake = upload("lease.pdf", b"This is not a PDF at all, just text.\n" * 10, "application/pdf")
    with pytest.raises(ValidationError) as excinfo:
        validate_upload(fake)
    assert excinfo.value.code == "kind"
    assert "PDF, JPEG, PNG" in excinfo.value.messages[0]


def test_the_name_does_not_matter_only_the_content():
    disguised = upload("lease.pdf", png_bytes(), "application/pdf")
    assert validate_upload(disguised) == "png"
    with pytest.raises(ValidationError):
        validate_upload(disguised, allowed_kinds=("pdf",))


def test_an_executable_named_like_an_image_is_refused():
    with pytest.raises(ValidationError):
        validate_upload(upload("photo.png", b"MZ\x90\x00" + b"\x00" * 300, "image/png"))


def test_a_file_too_big_is_refused():
    big = upload("scan.png", png_bytes((600, 600)) + b"\x00" * 2048, "image/png")
    with pytest.raises(ValidationError) as excinfo:
        validate_upload(big, max_bytes=1024)
    assert excinfo.value.code == "too_big"
    assert "limit" in excinfo.value.messages[0]


def test_an_empty_file_is_refused():
    with pytest.raises(ValidationError) as excinfo:
        validate_upload(upload("empty.pdf", b"", "application/pdf"))
    assert excinfo.value.code == "empty"


def test_an_image_that_only_starts_like_a_png_is_refused():
    broken = png_bytes()[:40] + b"garbage" * 20
    with pytest.raises(ValidationError) as excinfo:
        validate_upload(upload("scan.png", broken, "image/png"))
    assert excinfo.value.code == "damaged"


def test_the_file_can_be_read_again_after_the_check():
    file = upload("scan.png", png_bytes(), "image/png")
    validate_upload(file)
    assert file.read(8) == b"\x89PNG\r\n\x1a\n"
