"""Parsing a territory sheet, applying it, and loading the national territory."""

import io
import time

import pytest
from django.db import connection

from baladiya.territory.models import Commune, Daira, Wilaya
from baladiya.territory.services import (
    TerritoryConflict,
    TerritoryRow,
    apply_territory,
    load_national_territory,
    parse_territory_csv,
    read_national_territory,
)
from baladiya.territory.signals import territory_changed

HEADER = (
    "wilaya_number,wilaya_name_fr,wilaya_name_ar,wilaya_name_en,daira_name_fr,daira_name_ar,"
    "daira_name_en,commune_name_fr,commune_name_ar,commune_name_en,postal_code,ons_code"
)
BOUMERDES = (
    "35,Boumerdès,بومرداس,Boumerdes,Boumerdès,بومرداس,Boumerdes,{name},{ar},{name},{pc},{ons}"
)


def boumerdes(name="Corso", ar="قورصو", pc="35014", ons="3519") -> str:
    return BOUMERDES.format(name=name, ar=ar, pc=pc, ons=ons)


def parse(*lines: str):
    return parse_territory_csv(io.StringIO("\n".join(lines) + "\n"))


def reasons(result) -> dict[int, str]:
    return {r.line: r.reason for r in result.rejections}


def test_parse_comma_sheet():
    result = parse(HEADER, boumerdes(), "", boumerdes("Tidjelabine", "تيجلابين", "35021", ""))
    assert result.rejections == []
    corso, tidjelabine = result.rows
    assert (corso.line, corso.wilaya_number, corso.commune_name_ar) == (2, 35, "قورصو")
    assert (corso.postal_code, corso.ons_code) == ("35014", "3519")
    assert (tidjelabine.line, tidjelabine.ons_code) == (4, "")  # blank line 3 skipped


def test_parse_semicolon_sheet_with_bom_in_bytes():
    text = "\ufeff" + "\r\n".join([HEADER.replace(",", ";"), boumerdes().replace(",", ";")])
    result = parse_territory_csv(io.BytesIO(text.encode("utf-8")))
    assert result.rejections == []
    assert result.rows[0].commune_name_fr == "Corso"


def test_parse_rejects_each_bad_line_with_its_reason():
    result = parse(
        HEADER,
        boumerdes(),
        boumerdes().replace("35,", "70,", 1),
        boumerdes("Tidjelabine", "", "35021", ""),
        boumerdes("Tidjelabine", "تيجلابين", "3502", ""),
        boumerdes("Tidjelabine", "تيجلابين", "35021", "351"),
        boumerdes("Corso", "قورصو", "35014", ""),
        boumerdes("Tidjelabine", "تيجلابين", "35021", "3519"),
        boumerdes("Tidjelabine", "تيجلابين", "35021", "").replace(
            "Boumerdès,بومرداس,Boumerdes", "Boumerdes,بومرداس,Boumerdes", 1
        ),
        boumerdes("Tidjelabine", "Tidjelabine", "35021", ""),
        "35,Boumerdès,بومرداس",
    )
    assert [row.line for row in result.rows] == [2]
    found = reasons(result)
    assert "wilaya number '70' is not a number from 1 to 69" in found[3]
    assert "empty Arabic commune name" in found[4]
    assert "postal code '3502' is not 5 digits" in found[5]
    assert "ONS code '351' is not 4 digits" in found[6]
    assert "commune Corso of daïra Boumerdès already appears on line 2" in found[7]
    assert "ONS code 3519 is already given to Corso on line 2" in found[8]
    assert "wilaya 35 is named Boumerdes / بومرداس / Boumerdes here" in found[9]
    assert "has no Arabic letter" in found[10]
    assert "empty French daïra name" in found[11]


def test_parse_missing_column():
    result = parse(HEADER.replace(",postal_code", "").replace("commune_name_ar,", ""), "35")
    assert result.rows == []
    assert reasons(result) == {1: "missing required column(s): commune_name_ar"}


def test_parse_non_utf8_file():
    data = (HEADER + "\n" + boumerdes()).encode("utf-8").replace("è".encode(), b"\xe8")
    result = parse_territory_csv(io.BytesIO(data))
    assert result.rows == []
    assert result.rejections[0].line == 2
    assert "not UTF-8" in result.rejections[0].reason


@pytest.mark.django_db
def test_apply_creates_and_updates_and_signals():
    calls = []

    def listener(sender, report, **kwargs):
        calls.append(report)

    territory_changed.connect(listener)
    try:
        corso = Commune.objects.get(ons_code="3519")
        rows = parse(HEADER, boumerdes(name="Corso", ar="قورصو", pc="35015")).rows
        report = apply_territory(rows)
        assert (report.communes.updated, report.updated_commune_ids) == (1, [corso.pk])
        assert calls == [report]
        assert Commune.objects.get(pk=corso.pk).postal_code == "35015"

        report = apply_territory(rows)
        assert (report.communes.unchanged, report.changed) == (1, False)
        assert len(calls) == 1  # nothing changed: no signal
    finally:
        territory_changed.disconnect(listener)


@pytest.mark.django_db
def test_apply_refuses_a_clash_and_changes_nothing():
    # The sheet gives Corso's ONS code to a commune named like its neighbour Tidjelabine.
    rows = parse(HEADER, boumerdes(name="Tidjelabine", ar="تيجلابين", ons="3519")).rows
    with pytest.raises(TerritoryConflict, match="Tidjelabine"):
        apply_territory(rows)
    assert Commune.objects.get(ons_code="3519").name_fr == "Corso"


@pytest.mark.django_db
def test_apply_moves_a_commune_found_by_ons_code():
    # As the 2025 reform did for Aflou: same ONS code, new wilaya and daïra.
    aflou = Commune.objects.get(ons_code="0319")
    row = TerritoryRow(
        line=2,
        wilaya_number=3,
        wilaya_name_fr="Laghouat",
        wilaya_name_ar="الأغواط",
        daira_name_fr="Aflou",
        daira_name_ar="أفلو",
        commune_name_fr="Aflou",
        commune_name_ar="أفلو",
        ons_code="0319",
    )
    report = apply_territory([row], notify=False)
    assert (report.dairas.created, report.communes.updated) == (1, 1)
    assert Commune.objects.get(pk=aflou.pk).wilaya.number == 3


def test_shipped_data_is_consistent():
    rows = read_national_territory()
    assert len(rows) == 1541
    assert len({r.wilaya_number for r in rows}) == 69
    assert len({(r.wilaya_number, r.daira_name_fr) for r in rows}) == 591
    codes = [r.ons_code for r in rows if r.ons_code]
    assert len(codes) == len(set(codes)) > 1450


def _delete_territory() -> None:
    with connection.cursor() as cursor:
        for model in (Commune, Daira, Wilaya):
            table = connection.ops.quote_name(model._meta.db_table)
            cursor.execute(f"DELETE FROM {table}")  # noqa: S608  (our own table names)


@pytest.fixture
def empty_territory(db):
    """No territory for the test, then the original rows back with their ids.

    Other apps' rows point at the territory; raw deletes skip Django's PROTECT and the database
    checks foreign keys only at commit (deferred), by which time the rows are back.
    """
    saved = [list(model.objects.all()) for model in (Wilaya, Daira, Commune)]
    _delete_territory()
    yield
    _delete_territory()
    for model, rows in zip((Wilaya, Daira, Commune), saved, strict=True):
        model.objects.bulk_create(rows)


def test_loading_the_whole_country_takes_few_queries(
    empty_territory, django_assert_max_num_queries
):
    assert Commune.objects.count() == 0

    started = time.perf_counter()
    with django_assert_max_num_queries(40):
        report = load_national_territory(notify=False)
    elapsed = time.perf_counter() - started

    assert (report.wilayas.created, report.dairas.created, report.communes.created) == (
        69,
        591,
        1541,
    )
    assert len(report.created_commune_ids) == 1541
    assert Commune.objects.get(ons_code="3501").daira.name_fr == "Boumerdès"
    assert elapsed < 10  # typically well under a second; generous for slow CI machines


@pytest.mark.django_db
def test_reloading_updates_in_bulk(django_assert_max_num_queries):
    Commune.objects.update(postal_code="")
    Wilaya.objects.update(name_en="")
    with django_assert_max_num_queries(40):
        report = load_national_territory(notify=False)
    assert report.wilayas.updated == 69
    assert report.communes.updated == 1514  # the 27 without a postal code are unchanged
    assert Commune.objects.get(ons_code="3501").postal_code == "35000"

    with django_assert_max_num_queries(8):
        report = load_national_territory()
    assert report.communes.unchanged == 1541
    assert not report.changed
