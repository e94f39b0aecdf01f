"""The form engine: a citizen fills in a procedure's form; the answers come out as JSON."""

from __future__ import annotations

import json

import pytest
from django.http import QueryDict
from django.utils import translation
from django.utils.datastructures import MultiValueDict

from baladiya.catalogue.form_engine import (
    answers_for_display,
    build_form,
    repeats_from_post,
)
from baladiya.catalogue.models import FieldType
from baladiya.territory.models import Commune
from tests.catalogue.factories import item, published
from tests.catalogue.helpers import PDF_BYTES, png_bytes, upload

pytestmark = pytest.mark.django_db

OPTIONS = [
    {
        "value": "id_card",
        "label_fr": "Carte d'identité",
        "label_ar": "بطاقة التعريف",
        "label_en": "ID card",
    },
    {
        "value": "passport",
        "label_fr": "Passeport",
        "label_ar": "جواز السفر",
        "label_en": "Passport",
    },
    {"value": "other", "label_fr": "Autre", "label_ar": "أخرى", "label_en": "Other"},
]


@pytest.fixture(autouse=True)
def _english(english):
    yield


def one(field_type: str, **extra):
    """A published form with one question ``q``."""
    return published(item("q", field_type, **extra))


def answer(version, value, **kwargs):
    form = build_form(version, {"q": value}, **kwargs)
    return form


def errors_of(form) -> list[str]:
    form.is_valid()
    return [message for messages in form.errors.values() for message in messages]


# --- every field type, good and bad input ------------------------------------------------------


def test_text_and_long_text():
    version = one(FieldType.TEXT, max_length=10)
    form = answer(version, "  Khelifi ")
    assert form.is_valid() and form.cleaned_answers() == {"q": "Khelifi"}
    assert errors_of(answer(version, "x" * 11))
    assert errors_of(answer(version, "")) == ["This field is required."]
    long = one(FieldType.LONG_TEXT)
    assert build_form(long, {"q": "Ligne 1\nLigne 2"}).is_valid()


def test_regex_with_its_message_in_the_reader_language():
    version = one(
        FieldType.TEXT,
        regex=r"[A-Z]{2}\d{4}",
        regex_message={
            "fr": "Deux lettres puis quatre chiffres.",
            "ar": "حرفان ثم أربعة أرقام.",
            "en": "Two letters then four digits.",
        },
    )
    assert answer(version, "AB1234").is_valid()
    assert errors_of(answer(version, "AB12345")) == ["Two letters then four digits."]
    with translation.override("fr"):
        assert errors_of(answer(version, "ab1234")) == ["Deux lettres puis quatre chiffres."]
    with translation.override("kab"):  # no Kabyle message: French
        assert errors_of(answer(version, "ab1234")) == ["Deux lettres puis quatre chiffres."]


def test_number_bounds():
    version = one(FieldType.NUMBER, min_value="1", max_value="10")
    form = answer(version, "3")
    assert form.is_valid() and form.cleaned_answers() == {"q": 3}
    assert errors_of(answer(version, "0"))
    assert errors_of(answer(version, "11"))
    assert errors_of(answer(version, "three"))
    with translation.override("fr"):
        form = answer(version, "2,5")  # a French decimal comma
        assert form.is_valid(), form.errors
        assert form.cleaned_answers() == {"q": 2.5}


@pytest.mark.parametrize("lang", ["fr", "ar", "en", "kab"])
def test_dates_are_typed_day_month_year_in_every_language(lang):
    version = one(FieldType.DATE)
    with translation.override(lang):
        form = answer(version, "25/03/1990")
        assert form.is_valid(), form.errors
        assert form.cleaned_answers() == {"q": "1990-03-25"}
        assert errors_of(answer(version, "31/02/1990"))
        assert errors_of(answer(version, "03/25/1990"))


def test_yes_no():
    version = one(FieldType.YES_NO)
    yes, no = answer(version, "yes"), answer(version, "no")
    assert yes.is_valid() and yes.cleaned_answers() == {"q": True}
    assert no.is_valid() and no.cleaned_answers() == {"q": False}
    assert errors_of(answer(version, "maybe"))
    assert errors_of(answer(version, "")) == ["This field is required."]


def test_choice_and_multiple_choice():
    choice = one(FieldType.CHOICE, choices=OPTIONS)
    form = answer(choice, "passport")
    assert form.is_valid() and form.cleaned_answers() == {"q": "passport"}
    assert errors_of(answer(choice, "driving_licence"))

    several = one(FieldType.MULTIPLE_CHOICE, choices=OPTIONS)
    data = QueryDict(mutable=True)
    data.setlist("q", ["id_card", "other"])
    form = build_form(several, data)
    assert form.is_valid() and form.cleaned_answers() == {"q": ["id_card", "other"]}
    data.setlist("q", ["id_card", "nope"])
    assert errors_of(build_form(several, data))
    assert errors_of(build_form(several, QueryDict())) == ["This field is required."]


@pytest.mark.parametrize(
    ("typed", "e164"),
    [
        ("0661 23 45 67", "+213661234567"),
        ("0550123456", "+213550123456"),
        ("07 70 12 34 56", "+213770123456"),
        ("+213 661 23 45 67", "+213661234567"),
        ("021 23 45 67", "+21321234567"),  # an Algiers landline
        ("٠٦٦١٢٣٤٥٦٧", "+213661234567"),  # typed on an Arabic keyboard
    ],
)
def test_algerian_phone_numbers_are_normalised_to_e164(typed, e164):
    form = answer(one(FieldType.PHONE), typed)
    assert form.is_valid(), form.errors
    assert form.cleaned_answers() == {"q": e164}


@pytest.mark.parametrize("typed", ["0661", "12345678901", "+33 6 12 34 56 78", "phone"])
def test_other_phone_numbers_are_refused(typed):
    assert errors_of(answer(one(FieldType.PHONE), typed)) == [
        "Enter an Algerian phone number, for example 0661 23 45 67."
    ]


def test_email():
    version = one(FieldType.EMAIL)
    assert answer(version, "amina@example.dz").is_valid()
    assert errors_of(answer(version, "amina@"))


def test_nin_has_exactly_eighteen_digits():
    version = one(FieldType.NIN)
    form = answer(version, "1099 0012 3456 7800 01")
    assert form.is_valid() and form.cleaned_answers() == {"q": "109900123456780001"}
    message = "The national identification number (NIN) has exactly 18 digits."
    assert errors_of(answer(version, "10990012345678000")) == [message]  # 17 digits
    assert errors_of(answer(version, "1099001234567800012")) == [message]  # 19
    assert errors_of(answer(version, "10990012345678000A")) == [message]


@pytest.mark.parametrize("typed", ["0920", "Boufarik (0920)", "boufarik", "بوفاريك", "BOUFARIK"])
def test_a_commune_is_typed_by_ons_code_or_name(typed):
    form = answer(one(FieldType.COMMUNE), typed)
    assert form.is_valid(), form.errors
    boufarik = Commune.objects.get(ons_code="0920")
    assert form.cleaned_answers() == {
        "q": {"id": boufarik.pk, "name_fr": "Boufarik", "name_ar": "بوفاريك"}
    }


def test_a_commune_name_with_accents_typed_differently():
    form = answer(one(FieldType.COMMUNE), "BOUMERDÈS")
    assert form.is_valid(), form.errors
    assert form.cleaned_answers()["q"]["name_fr"] == "Boumerdès"


def test_an_unknown_or_ambiguous_commune_is_refused():
    version = one(FieldType.COMMUNE)
    assert "No commune" in errors_of(answer(version, "9999"))[0]
    assert "No commune" in errors_of(answer(version, "Atlantis"))[0]
    assert "Several communes" in errors_of(answer(version, "Ain Beida"))[0]


def test_the_commune_question_suggests_the_pilot_communes():
    html = build_form(one(FieldType.COMMUNE)).render()
    assert 'list="baladiya-communes"' in html
    assert '<datalist id="baladiya-communes">' in html
    assert 'value="Boufarik (0920)"' in html


def test_files_are_checked_by_content():
    version = one(FieldType.FILE, allowed_kinds=["pdf", "png"], max_size_mb=1)
    png = upload("proof.png", png_bytes(), "image/png")
    form = build_form(version, {}, MultiValueDict({"q": [png]}))
    assert form.is_valid(), form.errors
    assert form.cleaned_answers() == {
        "q": {"filename": "proof.png", "kind": "png", "size": png.size}
    }
    assert form.cleaned_files() == [("q", png)]
    fake = upload("proof.pdf", b"just text, not a pdf" * 5, "application/pdf")
    assert errors_of(build_form(version, {}, MultiValueDict({"q": [fake]})))
    empty = upload("proof.pdf", b"", "application/pdf")
    assert errors_of(build_form(version, {}, MultiValueDict({"q": [empty]})))
    big = upload("proof.pdf", PDF_BYTES + b" " * (1024 * 1024), "application/pdf")
    assert "limit is 1 MB" in errors_of(build_form(version, {}, MultiValueDict({"q": [big]})))[0]
    assert errors_of(build_form(version, {}, MultiValueDict())) == ["This field is required."]


# --- conditions --------------------------------------------------------------------------------


@pytest.fixture
def conditional():
    return published(
        item("for_self", FieldType.YES_NO, label_fr="Pour vous ?"),
        item(
            "relationship",
            FieldType.CHOICE,
            choices=OPTIONS,
            show_if_key="for_self",
            show_if_value="no",
        ),
        item("email", FieldType.EMAIL, show_if_key="for_self", show_if_value="no", required=False),
        item("name"),
    )


def test_a_conditional_question_says_when_to_answer_it(conditional):
    html = build_form(conditional).render()
    assert "Answer only if «Q for_self en» is «No»." in html
    with translation.override("fr"):
        assert "Pour vous ?" in build_form(conditional).render()


def test_a_conditional_question_is_required_only_when_shown(conditional):
    hidden = build_form(conditional, {"for_self": "yes", "name": "Amina"})
    assert hidden.is_valid(), hidden.errors
    assert hidden.cleaned_answers() == {"for_self": True, "name": "Amina"}

    shown = build_form(conditional, {"for_self": "no", "name": "Amina"})
    assert not shown.is_valid()
    assert shown.errors["relationship"] == ["This field is required."]

    answered = build_form(
        conditional, {"for_self": "no", "relationship": "passport", "name": "Amina"}
    )
    assert answered.is_valid()
    assert answered.cleaned_answers()["relationship"] == "passport"


def test_answers_to_hidden_questions_are_dropped_even_when_invalid(conditional):
    form = build_form(
        conditional,
        {"for_self": "yes", "relationship": "passport", "email": "not-an-email", "name": "A"},
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_answers() == {"for_self": True, "name": "A"}


def test_a_question_depending_on_a_hidden_one_is_hidden_too():
    version = published(
        item("married", FieldType.YES_NO),
        item("spouse_is_algerian", FieldType.YES_NO, show_if_key="married", show_if_value="yes"),
        item("spouse_nin", FieldType.NIN, show_if_key="spouse_is_algerian", show_if_value="yes"),
    )
    form = build_form(version, {"married": "no", "spouse_is_algerian": "yes"})
    assert form.is_valid(), form.errors
    assert form.cleaned_answers() == {"married": False}


def test_a_hidden_section_drops_its_questions():
    version = published(
        item("has_vehicle", FieldType.YES_NO),
        item("vehicle", FieldType.SECTION, show_if_key="has_vehicle", show_if_value="yes"),
        item("plate", group_key="vehicle"),
    )
    assert build_form(version, {"has_vehicle": "no", "plate": "123"}).cleaned_answers() == {
        "has_vehicle": False
    }
    shown = build_form(version, {"has_vehicle": "yes"})
    assert shown.errors["plate"] == ["This field is required."]


# --- repeated groups ---------------------------------------------------------------------------


@pytest.fixture
def family():
    return published(
        item("holder"),
        item("children", FieldType.REPEATED_GROUP, required=False, max_repeats=3),
        item("first_name", group_key="children"),
        item("birth_date", FieldType.DATE, group_key="children"),
        item("disabled", FieldType.YES_NO, group_key="children", required=False),
        item(
            "card",
            FieldType.FILE,
            group_key="children",
            show_if_key="disabled",
            show_if_value="yes",
        ),
    )


def test_a_repeated_group_renders_the_copies_asked_for(family):
    form = build_form(family, repeats={"children": 2})
    assert {"children-0-first_name", "children-1-first_name"} <= set(form.fields)
    html = form.render()
    assert 'name="children-count" value="2"' in html
    assert 'name="add_children"' in html and "formnovalidate" in html
    assert build_form(family, repeats={"children": 9}).repeats == {"children": 3}  # max


def test_repeated_answers_come_out_as_a_list_and_empty_copies_are_dropped(family):
    png = upload("card.png", png_bytes(), "image/png")
    data = {
        "holder": "Khelifi",
        "children-count": "3",
        "children-0-first_name": "Yacine",
        "children-0-birth_date": "02/09/2015",
        "children-0-disabled": "no",
        "children-1-first_name": "",
        "children-2-first_name": "Lina",
        "children-2-birth_date": "14/01/2019",
        "children-2-disabled": "yes",
    }
    form = build_form(family, data, MultiValueDict({"children-2-card": [png]}))
    assert form.repeats == {"children": 3}
    assert form.is_valid(), form.errors
    answers = form.cleaned_answers()
    assert answers["children"] == [
        {"first_name": "Yacine", "birth_date": "2015-09-02", "disabled": False},
        {
            "first_name": "Lina",
            "birth_date": "2019-01-14",
            "disabled": True,
            "card": {"filename": "card.png", "kind": "png", "size": png.size},
        },
    ]
    assert form.cleaned_files() == [("children.1.card", png)]
    json.dumps(answers)  # storable as is


def test_a_copy_half_filled_in_must_be_completed(family):
    form = build_form(
        family, {"holder": "K", "children-count": "1", "children-0-first_name": "Yacine"}
    )
    assert form.errors == {"children-0-birth_date": ["This field is required."]}


def test_an_optional_group_may_stay_empty_but_a_required_one_may_not(family):
    assert build_form(family, {"holder": "K", "children-count": "1"}).cleaned_answers() == {
        "holder": "K",
        "children": [],
    }
    version = published(item("rooms", FieldType.REPEATED_GROUP), item("room", group_key="rooms"))
    assert build_form(version, {"rooms-count": "1"}).errors == {
        "rooms-0-room": ["This field is required."]
    }


def test_add_and_remove_buttons_rerender_the_form_without_errors(family):
    post = QueryDict(mutable=True)
    post.update(
        {
            "holder": "",
            "children-count": "1",
            "children-0-first_name": "Yacine",
            "add_children": "1",
        }
    )
    assert repeats_from_post(post, family) == {"children": 2}
    form = build_form(family, post)
    assert form.is_layout_change and not form.is_valid()
    assert form.errors == {}
    assert form.repeats == {"children": 2}
    html = form.render()
    assert 'value="Yacine"' in html and 'name="children-1-first_name"' in html
    assert "This field is required." not in html

    post = QueryDict(mutable=True)
    post.update({"children-count": "2", "remove_children": "1"})
    assert repeats_from_post(post, family) == {"children": 1}
    post = QueryDict(mutable=True)
    post.update({"children-count": "3", "add_children": "1"})
    assert repeats_from_post(post, family) == {"children": 3}  # already at the maximum


# --- labels, rendering, display ----------------------------------------------------------------


def test_labels_and_help_follow_the_reader_language():
    version = published(
        item("q", help={"fr": "Aide", "ar": "مساعدة", "en": "Help", "kab": "Tallalt"})
    )
    for lang, label, help_text in [
        ("ar", "س q", "مساعدة"),
        ("fr", "Q q fr", "Aide"),
        ("en", "Q q en", "Help"),
        ("kab", "Q q kab", "Tallalt"),
    ]:
        with translation.override(lang):
            form = build_form(version)
            assert form.fields["q"].label == label
            assert form.fields["q"].help_text == help_text


def test_the_form_is_accessible_without_javascript(conditional):
    html = build_form(conditional, {"for_self": "no", "name": ""}).render()
    assert "<script" not in html
    assert '<label for="id_name">' in html
    assert "<fieldset" in html and "<legend>" in html  # radios are grouped
    assert 'class="error-summary"' in html and 'href="#id_name"' in html
    assert 'aria-invalid="true"' in html
    assert 'id="id_name_error"' in html


def test_answers_for_display(family, conditional):
    form = build_form(
        family,
        {
            "holder": "Khelifi",
            "children-count": "1",
            "children-0-first_name": "Yacine",
            "children-0-birth_date": "02/09/2015",
            "children-0-disabled": "no",
        },
    )
    assert form.is_valid(), form.errors
    rows = answers_for_display(family, form.cleaned_answers())
    assert rows == [
        {"label": "Q holder en", "value": "Khelifi", "kind": "answer"},
        {"label": "Q children en 1", "value": "", "kind": "group"},
        {"label": "Q first_name en", "value": "Yacine", "kind": "answer"},
        {"label": "Q birth_date en", "value": "02/09/2015", "kind": "answer"},
        {"label": "Q disabled en", "value": "No", "kind": "answer"},
    ]
    with translation.override("ar"):
        rows = answers_for_display(conditional, {"for_self": False, "relationship": "passport"})
        assert rows[0]["label"] == "س for_self"
        assert rows[1] == {"label": "س relationship", "value": "جواز السفر", "kind": "answer"}


def test_phone_and_commune_are_displayed_the_local_way():
    version = published(item("phone", FieldType.PHONE), item("commune", FieldType.COMMUNE))
    form = build_form(version, {"phone": "0661234567", "commune": "0920"})
    assert form.is_valid()
    rows = answers_for_display(version, form.cleaned_answers())
    assert rows[0]["value"] == "0661 23 45 67"
    assert rows[1]["value"] == "Boufarik"
    with translation.override("ar"):
        assert answers_for_display(version, form.cleaned_answers())[1]["value"] == "بوفاريك"


def test_every_demo_form_renders_and_validates(catalogue):
    from baladiya.catalogue.models import FormVersion

    for version in FormVersion.objects.filter(status="published"):
        form = build_form(version, {})
        assert not form.is_valid()  # every demo form has required questions
        assert form.render()


# --- drafts: saving what was typed so far, resuming later -------------------------------------


def test_a_question_named_like_a_button_is_not_a_button():
    version = published(item("add_info", required=False), item("name"))
    form = build_form(version, {"add_info": "x", "name": "A"})
    assert not form.is_layout_change and form.is_valid()
    assert form.cleaned_answers() == {"add_info": "x", "name": "A"}


def test_repeats_can_be_read_from_the_post_alone(family):
    post = QueryDict(mutable=True)
    post.update({"children-count": "2", "add_children": "1"})
    assert repeats_from_post(post) == {"children": 3}
    assert build_form(family, post).repeats == {"children": 3}
    post = QueryDict(mutable=True)
    post.update({"children-count": "3", "add_children": "1"})
    assert build_form(family, post).repeats == {"children": 3}  # the form keeps the maximum


def test_draft_answers_keep_what_is_valid_so_far(family):
    form = build_form(
        family,
        {
            "holder": "",
            "children-count": "2",
            "children-0-first_name": "Yacine",
            "children-0-birth_date": "31/02/2015",  # not a date: left out
            "children-1-first_name": "Lina",
            "children-1-birth_date": "14/01/2019",
            "add_children": "1",  # even while adding a copy
        },
    )
    assert form.draft_answers() == {
        "children": [
            {"first_name": "Yacine"},
            {"first_name": "Lina", "birth_date": "2019-01-14"},
        ]
    }
    json.dumps(form.draft_answers())


def test_a_draft_is_resumed_from_its_saved_answers(family, conditional):
    boufarik = Commune.objects.get(ons_code="0920")
    version = published(
        item("for_self", FieldType.YES_NO),
        item("born", FieldType.DATE),
        item("phone", FieldType.PHONE),
        item("commune", FieldType.COMMUNE),
    )
    saved = {
        "for_self": False,
        "born": "1990-03-25",
        "phone": "+213661234567",
        "commune": {"id": boufarik.pk, "name_fr": "Boufarik", "name_ar": "بوفاريك"},
    }
    html = build_form(version, initial=saved).render()
    assert '<input type="radio" name="for_self" value="no" id="id_for_self_1" checked>' in html
    assert 'value="25/03/1990"' in html
    assert 'value="0661 23 45 67"' in html
    assert 'value="Boufarik (0920)"' in html
    # Resubmitting the pre-filled values gives the same answers back.
    form = build_form(
        version,
        {
            "for_self": "no",
            "born": "25/03/1990",
            "phone": "0661 23 45 67",
            "commune": "Boufarik (0920)",
        },
    )
    assert form.is_valid() and form.cleaned_answers() == saved

    resumed = build_form(
        family,
        initial={"holder": "K", "children": [{"first_name": "A"}, {"first_name": "B"}]},
    )
    assert resumed.repeats == {"children": 2}
    assert 'value="B"' in resumed.render()
