"""Baladiya: digital local governance for Algeria's communes."""

from baladiya.celery import app as celery_app

__all__ = ["celery_app"]
