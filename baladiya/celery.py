"""The Celery application (production: workers and beat on Redis).

celery -A baladiya worker --loglevel=info
celery -A baladiya beat --loglevel=info
"""

from __future__ import annotations

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "baladiya.settings")

app = Celery("baladiya")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.on_after_configure.connect
def _exports_sweep(sender: Celery, **kwargs: object) -> None:
    """Beat queues exports left pending by a broker outage and fails those stuck running."""
    sender.add_periodic_task(
        60.0, sender.signature("transparency.sweep_exports"), name="sweep-exports"
    )
