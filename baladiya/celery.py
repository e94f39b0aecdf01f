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
