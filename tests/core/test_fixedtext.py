"""``{% fixedtext %}``: headings and labels rendered once per language, and nothing else."""

from __future__ import annotations

import pytest
from django.template import Context, Template, TemplateSyntaxError
from django.utils import translation

SOURCE = (
    "{% load i18n baladiya %}"
    '{% fixedtext %}<h2>{% translate "Month by month" %}</h2>{% endfixedtext %}'
)


def test_each_language_gets_its_own_text_from_the_same_template():
    template = Template(SOURCE)
    seen = {}
    for language in ("fr", "ar", "en", "fr"):
        with translation.override(language):
            seen.setdefault(language, set()).add(template.render(Context()))
    assert seen["fr"] == {"<h2>Mois par mois</h2>"}
    assert seen["en"] == {"<h2>Month by month</h2>"}
    assert seen["ar"] != seen["en"]


@pytest.mark.parametrize(
    "inside",
    [
        "{{ name }}",
        "{% translate greeting %}",
        '{% translate "Month by month" as label %}',
        '{% translate "Month by month"|upper %}',
        "{% if x %}a{% endif %}",
        "{% blocktranslate %}Hello {{ name }}{% endblocktranslate %}",
        # links and files that depend on the request
        '{% url "cases:staff-case" pk=case.pk %}',
        '{% url "core:home" as home %}',
        "{% url view_name %}",
        "{% static path %}",
        '{% static "a.css" as css %}',
    ],
)
def test_anything_that_could_differ_between_visitors_is_refused(inside):
    with pytest.raises(TemplateSyntaxError):
        Template("{% load i18n static baladiya %}{% fixedtext %}" + inside + "{% endfixedtext %}")


def test_links_and_static_files_without_arguments_are_fixed_text_too():
    template = Template(
        "{% load i18n static baladiya %}{% fixedtext %}"
        '<a href="{% url "core:home" %}">{% translate "Home" %}</a>'
        '<script src="{% static "baladiya/js/htmx-2.0.11.min.js" %}"></script>{% endfixedtext %}'
    )
    with translation.override("fr"):
        french = template.render(Context())
    with translation.override("ar"):
        arabic = template.render(Context())
    assert french.startswith('<a href="/fr/">') and arabic.startswith('<a href="/ar/">')
    assert "htmx-2.0.11" in french
