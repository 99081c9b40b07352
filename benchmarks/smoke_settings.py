"""Settings of `benchmarks/load.py --smoke` only: the project's settings without the static-file manifest,
so the smoke run (which requests no static file) skips collectstatic. The real benchmark uses the
project's settings unchanged."""

from nexus_portal.settings import *  # noqa: F403
from nexus_portal.settings import STORAGES

STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
