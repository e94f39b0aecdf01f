"""Celery tasks: prepare one export, the sweep that repairs what outages left behind, and the
hourly move of the communes' standing rows to today (``standing.advance``)."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="transparency.run_export", ignore_result=True)
def run_export(export_id: int) -> str:
    from baladiya.transparency.exports import run

    return run(export_id)


@shared_task(name="transparency.sweep_exports", ignore_result=True)
def sweep_exports() -> int:
    from baladiya.transparency.exports import sweep

    return sweep()


@shared_task(name="transparency.advance_standing", ignore_result=True)
def advance_standing() -> int:
    from baladiya.transparency.standing import advance

    return advance()
