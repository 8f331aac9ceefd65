"""The Celery app. Tasks take ids, load rows, call services, and are safe to run twice."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "p3hub.settings")

app = Celery("p3hub")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
