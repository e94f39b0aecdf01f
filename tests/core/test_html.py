"""The back office's table HTML (core.html) escapes exactly as Django does."""

from django.utils import html as django_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy, override
from hypothesis import given
from hypothesis import strategies as st

from baladiya.core import html

TEMPLATE = '<td title="{}">{}</td><td>{}</td>'


@given(st.text(), st.text(), st.integers())
def test_any_text_comes_out_as_django_would_write_it(a, b, n):
    assert html.format_html(TEMPLATE, a, b, n) == django_html.format_html(TEMPLATE, a, b, n)


def test_safe_html_is_kept_and_a_name_with_markup_is_not():
    badge = mark_safe('<span class="badge">x</span>')
    out = html.format_html(TEMPLATE, "<script>alert(1)</script>", badge, 'O\'Neil & "fils"')
    assert isinstance(out, SafeString)
    assert "<script>" not in out and "&lt;script&gt;" in out
    assert '<span class="badge">x</span>' in out
    assert "O&#x27;Neil &amp; &quot;fils&quot;" in out


def test_a_text_translated_later_is_written_in_the_readers_language():
    with override("fr"):
        assert html.escape(gettext_lazy("Overdue")) == "En retard"
