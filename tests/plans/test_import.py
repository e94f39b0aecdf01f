"""Importing a plan from a sheet: all or nothing, with errors that name the row."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from openpyxl import Workbook

from baladiya.plans import importer
from baladiya.plans.models import Indicator, Plan, PlanItem
from tests.conftest import Pilots

pytestmark = pytest.mark.django_db

HEADER = (
    "code,parent,kind,title_fr,title_ar,owner,start,due,weight,public,"
    "indicator_fr,indicator_ar,baseline,target"
)
GOOD = [
    "1,,axe,Guichet citoyen,الشباك المواطن,0301,2025-01-01,2026-12-31,1,oui,,,,",
    "1.1,1,programme,Guichet unique,الشباك الوحيد,0301,2025-01-01,2026-12-31,1,oui,,,,",
    "1.1.1,1.1,projet,Procédures en ligne,الإجراءات,0301/civil-status,01/02/2025,30/06/2026,"
    "2,non,Procédures en ligne,الإجراءات,4,20",
    "1.1.1.1,1.1.1,jalon,Mise en service,التشغيل,0301/civil-status,2025-02-01,2025-12-31,1,,,,,",
]


@pytest.fixture(autouse=True)
def _errors_in_english():
    """The assertions read the English messages (the default language is Arabic)."""
    from django.utils import translation

    with translation.override("en"):
        yield


def sheet(rows: list[str]) -> bytes:
    return ("\n".join([HEADER, *rows]) + "\n").encode()


def supervisor(pilots: Pilots):
    return pilots.people["supervisor_wilaya_a"]


def test_a_supervisor_imports_a_sheet(pilots: Pilots):
    plan = importer.import_plan(
        actor=supervisor(pilots),
        data=sheet(GOOD),
        filename="plan.csv",
        slug="wilaya-03",
        title_fr="Plan",
        title_ar="مخطط",
        owner=pilots.wilaya_a,
    )
    items = {i.code: i for i in PlanItem.objects.filter(plan=plan)}
    assert set(items) == {"1", "1.1", "1.1.1", "1.1.1.1"}
    assert items["1.1.1"].owner_structure == pilots.civil_status_a
    assert items["1.1.1"].parent == items["1.1"] and not items["1.1.1"].is_public
    assert str(items["1.1.1"].start_date) == "2025-02-01"
    assert Indicator.objects.get(item=items["1.1.1"]).target == 20


def test_a_bad_row_imports_nothing_and_the_error_names_the_row(pilots: Pilots):
    rows = [*GOOD, "1.1.2,1.1,projet,Formation,التكوين,0301,2026-13-45,2026-01-01,1,oui,,,,"]
    with pytest.raises(importer.ImportFailed) as failure:
        importer.import_plan(
            actor=supervisor(pilots),
            data=sheet(rows),
            filename="plan.csv",
            slug="x",
            title_fr="Plan",
            title_ar="مخطط",
            owner=pilots.wilaya_a,
        )
    assert any(e.startswith("Row 6, column “start”") for e in failure.value.errors)
    assert not Plan.objects.exists() and not PlanItem.objects.exists()


@pytest.mark.parametrize(
    ("row", "column"),
    [
        ("2,,axe,A,ا,0920,2025-01-01,2026-01-01,1,oui,,,,", "owner"),  # another wilaya
        ("2,9,programme,A,ا,0301,2025-01-01,2026-01-01,1,oui,,,,", "parent"),
        ("2,,truc,A,ا,0301,2025-01-01,2026-01-01,1,oui,,,,", "kind"),
        ("2,,axe,A,ا,0301,2025-01-01,2024-01-01,1,oui,,,,", "due"),
        ("2,,axe,A,,0301,2025-01-01,2026-01-01,1,oui,,,,", "title_ar"),
        ("2,,axe,A,ا,0301,2025-01-01,2026-01-01,-1,oui,,,,", "weight"),
        ("1,,axe,A,ا,0301,2025-01-01,2026-01-01,1,oui,,,,", "code"),
    ],
)
def test_each_kind_of_error_is_reported_on_its_row_and_column(pilots: Pilots, row, column):
    with pytest.raises(importer.ImportFailed) as failure:
        importer.import_plan(
            actor=supervisor(pilots),
            data=sheet([*GOOD, row]),
            filename="p.csv",
            slug="x",
            title_fr="P",
            title_ar="م",
            owner=pilots.wilaya_a,
        )
    assert any(f"Row 6, column “{column}”" in e for e in failure.value.errors), failure.value.errors
    assert not Plan.objects.exists()


def test_an_xlsx_sheet_through_the_staff_page(pilots: Pilots):
    workbook = Workbook()
    ws = workbook.active
    ws.append(HEADER.split(","))
    for line in GOOD:
        ws.append(line.split(","))
    buffer = io.BytesIO()
    workbook.save(buffer)
    client = Client()
    client.force_login(supervisor(pilots))
    response = client.post(
        reverse("plans:import"),
        {
            "file": SimpleUploadedFile("plan.xlsx", buffer.getvalue()),
            "slug": "wilaya-03",
            "title_fr": "Plan",
            "title_ar": "مخطط",
            "owner": pilots.wilaya_a.pk,
            "is_public": "on",
        },
    )
    assert response.status_code == 302
    assert Plan.objects.get(slug="wilaya-03").items.count() == 4


def test_the_staff_page_lists_the_errors_and_keeps_nothing(pilots: Pilots):
    client = Client()
    client.force_login(supervisor(pilots))
    bad = [*GOOD, "1.2,1,programme,B,ب,0301,2025-01-01,2026-01-01,abc,oui,,,,"]
    response = client.post(
        reverse("plans:import"),
        {
            "file": SimpleUploadedFile("plan.csv", sheet(bad)),
            "slug": "w",
            "title_fr": "Plan",
            "title_ar": "مخطط",
            "owner": pilots.wilaya_a.pk,
        },
    )
    assert response.status_code == 400
    assert "Row 6" in response.content.decode()
    assert not Plan.objects.exists()


def test_an_agent_may_not_import(pilots: Pilots):
    client = Client()
    client.force_login(pilots.people["agent_a"])
    response = client.post(reverse("plans:import"), {"slug": "x"})
    assert response.status_code == 403


def test_the_management_command(pilots: Pilots, tmp_path):
    path = tmp_path / "plan.csv"
    path.write_bytes(sheet(GOOD))
    call_command(
        "import_plan",
        str(path),
        "--slug",
        "cmd",
        "--title-fr",
        "P",
        "--title-ar",
        "م",
        "--owner",
        pilots.wilaya_a.path,
        "--as",
        "supervisor_wilaya_a",
        stdout=io.StringIO(),
    )
    assert Plan.objects.get(slug="cmd").items.count() == 4
    path.write_bytes(sheet([*GOOD, "x,,axe,A,ا,9999,2025-01-01,2026-01-01,1,oui,,,,"]))
    with pytest.raises(CommandError, match="Row 6"):
        call_command(
            "import_plan",
            str(path),
            "--slug",
            "cmd2",
            "--title-fr",
            "P",
            "--title-ar",
            "م",
            "--owner",
            pilots.wilaya_a.path,
            "--as",
            "supervisor_wilaya_a",
        )
    assert not Plan.objects.filter(slug="cmd2").exists()
