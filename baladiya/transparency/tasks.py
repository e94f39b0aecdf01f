"""Celery tasks: prepare one export, and the sweep that repairs what outages left behind."""

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
