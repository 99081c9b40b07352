"""Production static files: collectstatic with the manifest storage must succeed (every referenced file
vendored) and no page may load anything from another origin."""

import re
from io import StringIO
from pathlib import Path

from django.conf import settings
from django.core.management import call_command

MANIFEST = "whitenoise.storage.CompressedManifestStaticFilesStorage"


def test_collectstatic_with_the_production_storage_finds_every_referenced_file(settings, tmp_path):
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {"BACKEND": MANIFEST}}

    call_command("collectstatic", interactive=False, verbosity=0, stdout=StringIO())

    assert list(tmp_path.glob("css/portal.*.css"))
    assert list(tmp_path.glob("vendor/chartjs/chart.umd.min.*.js"))


def test_no_template_or_asset_loads_from_a_cdn():
    remote = re.compile(r"""(src|href)=["']https?://|@import\s+url\(["']?https?://|//cdn\.""")
    roots = [Path(settings.BASE_DIR) / "templates", Path(settings.BASE_DIR) / "static" / "css"]
    offenders = [
        str(path) for root in roots for path in root.rglob("*") if path.is_file() and remote.search(path.read_text())
    ]
    assert offenders == []
