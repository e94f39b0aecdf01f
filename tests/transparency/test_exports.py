"""A wilaya supervisor asks for a large export, is told when it is ready, and downloads it;
nobody else can. Small tables stay immediate downloads; outages lose nothing."""

from __future__ import annotations

import datetime
import io
import re
import shutil
import time

import pytest
import time_machine
from django.conf import settings as django_settings
from django.core import mail
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import load_workbook

from baladiya.notifications import dispatch
from baladiya.notifications.models import Notification
from baladiya.organisation import services
from baladiya.transparency import exports, tasks
from baladiya.transparency.models import Export, ExportStatus
from tests.cases.helpers import make_case, simple_procedure


def _url(name: str, **kwargs) -> str:
    # English pages: the assertions read the words this branch adds (not yet translated).
    with translation.override("en"):
        return reverse(name, kwargs=kwargs or None)


@pytest.fixture(autouse=True)
def _private_files(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.EXPORTS_INLINE_MAX_ROWS = 5  # a wilaya (Laghouat) is "large"


@pytest.fixture
def queued(settings, monkeypatch):
    """A broker is configured; what is handed to it is recorded instead of sent."""
    settings.NOTIFICATIONS_DELIVERY = "celery"
    dispatch.broker_is_back()
    sent: list[tuple[str, tuple]] = []

    def submit(task, *args, eta=None):
        sent.append((task.name, args))
        return True

    monkeypatch.setattr(dispatch, "submit", submit)
    return sent


def _ask(client, params: str = "format=csv", url: str | None = None):
    """Ask for the export as a supervisor does: the link, then the button of the offer page."""
    offer = client.get((url or _url("transparency:supervision")) + "?" + params)
    assert offer.status_code == 200, offer.status_code
    html = offer.content.decode()
    assert "Prepare the file" in html and Export.objects.count() == 0  # a GET starts nothing
    fields = {
        name: value
        for name, value in re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', html)
        if name != "csrfmiddlewaretoken"
    }
    response = client.post(_url("transparency:export-request"), fields)
    assert response.status_code == 302 and response["Location"] == _url("transparency:exports")
    return Export.objects.get()


def _late_cases(citizen, n: int = 2, procedure=None):
    procedure = procedure or simple_procedure(legal_deadline_days=2)
    with time_machine.travel(datetime.datetime(2026, 1, 5, 9, tzinfo=datetime.UTC)):
        return [make_case(procedure, ons_code="0301", applicant=citizen) for _ in range(n)]


def test_a_wilaya_supervisor_gets_the_file_in_the_background_and_an_email(
    client, pilots, citizen, queued, django_capture_on_commit_callbacks
):
    _late_cases(citizen)
    supervisor = pilots.people["supervisor_wilaya_a"]
    client.force_login(supervisor)

    with django_capture_on_commit_callbacks(execute=True):
        export = _ask(client, "sort=-overdue&format=csv")
    assert export.status == ExportStatus.PENDING and export.params == {"sort": "-overdue"}
    assert queued == [("transparency.run_export", (export.pk,))]
    listing = client.get(_url("transparency:exports")).content.decode()
    assert "Waiting" in listing and "Refresh" in listing and "hx-trigger" in listing
    assert _url("transparency:export-download", pk=export.pk) not in listing

    assert tasks.run_export(export.pk) == ExportStatus.READY  # what the worker runs
    export.refresh_from_db()
    assert export.status == ExportStatus.READY and export.row_count > 5
    assert export.expires_at > timezone.now() + datetime.timedelta(days=6)
    note = Notification.objects.get(kind="export_ready")
    assert note.channel == "email" and note.address == supervisor.email
    assert note.recipient == supervisor and note.case is None
    assert note.context["link"].endswith(_url("transparency:export-download", pk=export.pk))

    listing = client.get(_url("transparency:exports")).content.decode()
    assert "Ready" in listing and "hx-trigger" not in listing
    download = client.get(_url("transparency:export-download", pk=export.pk))
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith('attachment; filename="baladiya-supervision')
    assert download["Cache-Control"] == "private, no-store"
    text = b"".join(download.streaming_content).decode("utf-8")
    assert text.startswith("\ufeffWilaya,Daïra,Commune")
    lines = text.splitlines()
    assert len(lines) == export.row_count + 1 and "Boufarik" not in text
    # Sorted as asked: Laghouat, with its two overdue cases, first.
    assert lines[1].split(",")[2] == "Laghouat" and lines[1].split(",")[6] == "2"
    # The file lives in the private storage, never under a public URL.
    assert not export.file.name.startswith(("/", "media"))
    assert client.get("/media/" + export.file.name).status_code == 404


def test_without_a_broker_it_runs_after_commit_and_the_email_goes_out(
    client, pilots, citizen, django_capture_on_commit_callbacks
):
    client.force_login(pilots.people["supervisor_wilaya_a"])
    with django_capture_on_commit_callbacks(execute=True):
        export = _ask(client, "format=xlsx")
    export.refresh_from_db()
    assert export.status == ExportStatus.READY
    [email] = mail.outbox
    assert email.to == [pilots.people["supervisor_wilaya_a"].email]
    assert "ready" in email.subject and f"/exports/{export.pk}/download/" in email.body
    data = b"".join(
        client.get(_url("transparency:export-download", pk=export.pk)).streaming_content
    )
    rows = list(load_workbook(io.BytesIO(data)).active.iter_rows(values_only=True))
    assert rows[0][2] == "Commune" and len(rows) == export.row_count + 1


def test_a_daira_supervisor_still_downloads_at_once(client, pilots, citizen):
    client.force_login(pilots.people["supervisor_daira_a"])  # Laghouat's daïra: 2 communes
    response = client.get(_url("transparency:supervision") + "?format=csv")
    assert response["Content-Disposition"].startswith('attachment; filename="baladiya-supervision')
    assert response.content.decode().startswith("\ufeffWilaya") and not Export.objects.exists()


def test_the_overdue_cases_of_a_commune_export_without_personal_data_nor_formulas(
    client, pilots, citizen, settings, queued
):
    procedure = simple_procedure(legal_deadline_days=2)
    procedure.name_fr = procedure.name_en = procedure.name_ar = '=HYPERLINK("http://x")'
    procedure.save()
    late = _late_cases(citizen, n=3, procedure=procedure)
    client.force_login(pilots.people["supervisor_wilaya_a"])
    drill = _url("transparency:supervision-overdue", pk=late[0].commune_id)

    small = client.get(drill + "?format=csv").content.decode()  # 3 rows: at once
    assert all(case.reference in small for case in late)
    assert "'=HYPERLINK" in small and ",=HYPERLINK" not in small
    assert "Amina" not in small and "+213" not in small

    settings.EXPORTS_INLINE_MAX_ROWS = 2
    export = _ask(client, "format=csv", url=drill)
    assert export.kind == "overdue" and export.params == {"commune": late[0].commune_id}
    exports.run(export.pk)
    text = b"".join(
        client.get(_url("transparency:export-download", pk=export.pk)).streaming_content
    ).decode()
    assert len(text.splitlines()) == 4 and "'=HYPERLINK" in text and "Amina" not in text


def test_nobody_else_sees_or_downloads_it(client, pilots, citizen, queued):
    client.force_login(pilots.people["supervisor_wilaya_a"])
    export = _ask(client)
    exports.run(export.pk)
    download = _url("transparency:export-download", pk=export.pk)
    for other in ("supervisor_ministry", "supervisor_daira_a", "agent_b", "platform_admin"):
        client.force_login(pilots.people[other])
        assert client.get(download).status_code == 404, other
        assert download not in client.get(_url("transparency:exports")).content.decode()
    client.force_login(pilots.people["citizen"])
    assert client.get(download).status_code == 403
    client.logout()
    assert client.get(download).status_code == 302  # to sign in


def test_a_right_revoked_before_the_run_leaks_nothing(client, pilots, queued):
    from baladiya.organisation.models import Membership
    from baladiya.organisation.services import revoke_membership

    supervisor = pilots.people["supervisor_wilaya_a"]
    client.force_login(supervisor)
    export = _ask(client)
    revoke_membership(actor=None, membership=Membership.objects.get(user=supervisor))
    assert exports.run(export.pk) == ExportStatus.FAILED
    export.refresh_from_db()
    assert not export.file and "no longer" in export.error
    assert not Notification.objects.filter(kind="export_ready").exists()


def _move(person, *, to, role):
    """``person`` leaves all their structures for ``to``, as ``role``."""
    from baladiya.organisation.models import Membership
    from baladiya.organisation.services import revoke_membership

    for membership in Membership.objects.filter(user=person):
        revoke_membership(actor=None, membership=membership)
    services.grant_membership(actor=None, user=person, structure=to, role=role)


def test_a_right_revoked_after_the_run_closes_the_download(client, pilots, citizen, queued):
    late = _late_cases(citizen, n=1)
    supervisor = pilots.people["supervisor_wilaya_a"]
    export = exports.request_export(
        user=supervisor, kind="overdue", fmt="csv", params={"commune": late[0].commune_id}
    )
    assert exports.run(export.pk) == ExportStatus.READY
    client.force_login(supervisor)
    download = _url("transparency:export-download", pk=export.pk)
    assert client.get(download).status_code == 200
    _move(supervisor, to=pilots.civil_status_a, role="agent")
    assert client.get(download).status_code == 404


def test_a_supervisor_moved_elsewhere_no_longer_downloads_the_old_table(client, pilots, queued):
    """The file showed wilaya A's communes: moved to commune B's APC, its author cannot read it
    any more; a ministry supervisor reaching wilaya A still could (a promotion keeps it)."""
    supervisor = pilots.people["supervisor_wilaya_a"]
    export = exports.request_export(user=supervisor, kind="supervision", fmt="csv", params={})
    assert exports.run(export.pk) == ExportStatus.READY
    client.force_login(supervisor)
    download = _url("transparency:export-download", pk=export.pk)
    assert client.get(download).status_code == 200
    _move(supervisor, to=pilots.apc_b, role="supervisor")
    assert client.get(download).status_code == 404
    services.grant_membership(
        actor=None, user=supervisor, structure=pilots.ministry, role="supervisor"
    )
    assert client.get(download).status_code == 200


def test_a_failure_is_shown_and_it_can_be_asked_again(client, pilots, queued, monkeypatch):
    from django.core.files.storage import default_storage

    def broken(*args, **kwargs):
        raise OSError("disk full")

    client.force_login(pilots.people["supervisor_wilaya_a"])
    export = _ask(client)
    monkeypatch.setattr(default_storage, "save", broken)
    assert exports.run(export.pk) == ExportStatus.FAILED
    export.refresh_from_db()
    assert export.status == ExportStatus.FAILED and "could not be prepared" in export.error
    listing = client.get(_url("transparency:exports")).content.decode()
    assert "Failed" in listing and "could not be prepared" in listing
    assert client.get(_url("transparency:export-download", pk=export.pk)).status_code == 404
    # The requester is told by email, with the reason and the way to their exports.
    note = Notification.objects.get(kind="export_failed")
    assert note.channel == "email" and note.recipient == pilots.people["supervisor_wilaya_a"]
    assert note.context["link"].endswith(_url("transparency:exports"))
    assert "Ask for it again later" in note.context["reason"]
    again = exports.request_export(
        user=pilots.people["supervisor_wilaya_a"], kind="supervision", fmt="csv", params={}
    )
    assert again.pk != export.pk and again.status == ExportStatus.PENDING


def test_one_run_per_export_and_one_export_per_double_click(pilots, queued):
    supervisor = pilots.people["supervisor_wilaya_a"]
    first = exports.request_export(user=supervisor, kind="supervision", fmt="csv", params={})
    second = exports.request_export(user=supervisor, kind="supervision", fmt="csv", params={})
    assert first.pk == second.pk
    assert exports.run(first.pk) == ExportStatus.READY
    assert exports.run(first.pk) == "skipped"
    assert Notification.objects.filter(kind="export_ready").count() == 1


def test_a_row_stuck_running_is_failed_by_the_sweep(pilots, queued):
    export = exports.request_export(
        user=pilots.people["supervisor_wilaya_a"], kind="supervision", fmt="xlsx", params={}
    )
    Export.objects.filter(pk=export.pk).update(
        status=ExportStatus.RUNNING, started_at=timezone.now() - datetime.timedelta(hours=1)
    )
    exports.sweep()
    export.refresh_from_db()
    assert export.status == ExportStatus.FAILED and "ask for it again" in export.error
    assert exports.run(export.pk) == "skipped"  # a late worker does not resurrect it
    exports.sweep()  # again: told once
    [note] = Notification.objects.filter(kind="export_failed")
    with translation.override(export.language):  # the reason, in the export's language
        assert note.context["reason"] == translation.gettext(exports.ERRORS["interrupted"])


def test_a_broker_outage_loses_nothing(
    pilots, settings, monkeypatch, django_capture_on_commit_callbacks
):
    from baladiya.transparency.tasks import run_export

    settings.NOTIFICATIONS_DELIVERY = "celery"
    dispatch.broker_is_back()

    def refused(*args, **kwargs):
        raise ConnectionRefusedError("redis is down")

    monkeypatch.setattr(run_export, "apply_async", refused)
    with django_capture_on_commit_callbacks(execute=True):
        export = exports.request_export(
            user=pilots.people["supervisor_wilaya_a"], kind="supervision", fmt="csv", params={}
        )
    export.refresh_from_db()
    assert export.status == ExportStatus.PENDING  # kept, waiting for the sweep
    # The breaker is open: the sweep does not even try while the pause lasts.
    assert exports.sweep(now=timezone.now() + datetime.timedelta(minutes=2)) == 1
    assert Export.objects.get(pk=export.pk).status == ExportStatus.PENDING

    # The broker is back: the sweep (beat, or deliver_outbox --loop) hands it on.
    sent = []
    monkeypatch.setattr(run_export, "apply_async", lambda args, **kw: sent.append(args))
    dispatch.broker_is_back()
    assert exports.sweep(now=timezone.now() + datetime.timedelta(minutes=2)) == 1
    assert sent == [[export.pk]]
    # Without a broker at all, the deliver_outbox loop runs it itself.
    settings.NOTIFICATIONS_DELIVERY = "inline"
    with django_capture_on_commit_callbacks(execute=True):
        exports.sweep(now=timezone.now() + datetime.timedelta(minutes=2))
    assert Export.objects.get(pk=export.pk).status == ExportStatus.READY
    assert len(mail.outbox) == 1


def test_an_expired_file_says_so_and_is_deleted(client, pilots, queued):
    from django.core.files.storage import default_storage

    supervisor = pilots.people["supervisor_wilaya_a"]
    export = exports.request_export(user=supervisor, kind="supervision", fmt="csv", params={})
    exports.run(export.pk)
    export.refresh_from_db()
    name = export.file.name
    later = timezone.now() + datetime.timedelta(days=8)
    client.force_login(supervisor)
    with time_machine.travel(later):
        response = client.get(_url("transparency:export-download", pk=export.pk))
        assert response.status_code == 410
        assert "This export has expired" in response.content.decode()
        assert (
            "Expired: ask for it again" in client.get(_url("transparency:exports")).content.decode()
        )
    assert default_storage.exists(name)
    exports.sweep(now=later)
    assert not default_storage.exists(name)
    assert Export.objects.get(pk=export.pk).file.name == ""


def test_the_outbox_loop_also_sweeps_exports(pilots, settings):
    from django.core.management import call_command

    export = exports.request_export(
        user=pilots.people["supervisor_wilaya_a"], kind="supervision", fmt="csv", params={}
    )
    Export.objects.filter(pk=export.pk).update(
        created_at=timezone.now() - datetime.timedelta(minutes=5)
    )
    call_command("deliver_outbox")
    assert Export.objects.get(pk=export.pk).status == ExportStatus.READY


@pytest.mark.skipif(
    not django_settings.USING_POSTGRES or shutil.which("redis-server") is None,
    reason="a real worker is another process: it needs PostgreSQL (shared) and redis-server",
)
def test_with_redis_down_the_export_waits_and_a_real_worker_prepares_it_when_it_returns(
    transactional_db, pilots, settings, tmp_path
):
    """The production path end to end: Redis down at the request, then redis-server and a
    Celery worker; the sweep (what beat runs) hands the export on; the email goes by SMTP."""
    from baladiya.celery import app
    from tests.notifications.servers import (
        SmtpSink,
        forget_connections,
        free_port,
        redis_and_worker,
        wait_for,
    )

    port = free_port()
    broker = f"redis://127.0.0.1:{port}/0"
    settings.NOTIFICATIONS_DELIVERY = "celery"
    app.conf.broker_url = broker
    forget_connections(app)  # another worker test may have closed the pool
    dispatch.broker_is_back()
    supervisor = pilots.people["supervisor_wilaya_a"]
    started = time.monotonic()
    export = exports.request_export(user=supervisor, kind="supervision", fmt="csv", params={})
    assert time.monotonic() - started < 5  # the refusal is fast: the page does not hang
    assert Export.objects.get(pk=export.pk).status == ExportStatus.PENDING

    with SmtpSink() as smtp:
        extra = {
            "NOTIFICATIONS_DELIVERY": "celery",
            "MEDIA_ROOT": str(settings.MEDIA_ROOT),
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(smtp.port),
        }
        with redis_and_worker(port, tmp_path, extra):
            dispatch.broker_is_back()
            # What beat does every minute (here: as if the minute had passed).
            assert exports.sweep(now=timezone.now() + datetime.timedelta(minutes=2)) == 1
            wait_for(
                lambda: Export.objects.get(pk=export.pk).status == ExportStatus.READY,
                90,
                "the export",
            )
            wait_for(lambda: len(smtp.messages) == 1, 60, "the email")
            exports.sweep(now=timezone.now() + datetime.timedelta(minutes=2))  # nothing twice
            time.sleep(2)
            assert len(smtp.messages) == 1
            export.refresh_from_db()
            assert export.file.open("rb").read().decode("utf-8").startswith("\ufeffWilaya")
