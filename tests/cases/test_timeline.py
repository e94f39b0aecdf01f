"""A trail as a citizen and an agent read it (cases.trail.timeline)."""

import datetime

from django.utils import translation

from baladiya.cases.models import CaseEvent
from baladiya.cases.trail import timeline
from baladiya.concerns.templatetags.concerns import CONCERN_EVENT_LABELS

AT = datetime.datetime(2026, 3, 1, 8, 5, tzinfo=datetime.UTC)  # 09:05 in Algiers


def event(kind: str, **fields) -> CaseEvent:
    return CaseEvent(kind=kind, created_at=AT, payload=fields.pop("payload", {}), **fields)


def test_a_citizen_reads_when_and_what_in_their_language_in_algiers_time():
    with translation.override("fr"):
        html = timeline([event("received"), event("refused", payload={"reason": "Pièce <b>"})])
    assert '<time datetime="2026-03-01T09:05:00+01:00">01/03/2026 09:05</time>' in html
    assert "<strong>Reçu par le service</strong>" in html
    assert "<p>Pièce &lt;b&gt;</p>" in html  # what an agent typed is text, never markup


def test_the_agents_page_names_who_did_it_and_marks_internal_events():
    note = event("note", public=False, actor_label="K. Amrani", payload={"body": "a\nb"})
    assert "Amrani" not in timeline([note])
    html = timeline([note], show_actor=True)
    assert '<li class="internal">' in html and "— K. Amrani" in html
    assert "<p>a<br>b</p>" in html


def test_a_concern_speaks_its_own_words_and_keeps_the_original_text():
    with translation.override("en"):
        html = timeline(
            [event("submitted"), event("recategorised", payload={"original": "Voirie"})],
            labels=CONCERN_EVENT_LABELS,
        )
        assert "Concern received on the platform" in html
        assert 'Original: <span dir="ltr">Voirie</span>' in html
        assert "Submitted" in timeline([event("submitted")])  # a case's own wording
        assert "<strong>some_new_kind</strong>" in timeline([event("some_new_kind")])
