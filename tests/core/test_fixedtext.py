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
    ],
)
def test_anything_that_could_differ_between_visitors_is_refused(inside):
    with pytest.raises(TemplateSyntaxError):
        Template("{% load i18n baladiya %}{% fixedtext %}" + inside + "{% endfixedtext %}")
