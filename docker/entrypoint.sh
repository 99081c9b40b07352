#!/usr/bin/env bash
# Container entrypoint: wait for the database, prepare it (web role only), then run the command.
#
# NEXUS_ROLE (web | worker | beat) comes from docker-compose.yml. Without it, a gunicorn command
# counts as web, so a plain `docker run <image>` still migrates. Only the web role migrates, so
# several containers never run migrations at the same time.
set -euo pipefail

role="${NEXUS_ROLE:-}"
if [[ -z "$role" ]]; then
    case "${1:-}" in
        gunicorn) role=web ;;
        *) role=other ;;
    esac
fi

wait_seconds="${DB_WAIT_SECONDS:-60}"
echo "entrypoint: role=$role, waiting up to ${wait_seconds}s for the database"
# Poll with Django's own connection so the check uses exactly the configured DATABASE_URL.
python - "$wait_seconds" <<'PY'
import sys
import time

import django

django.setup()
from django.db import connections
from django.db.utils import OperationalError

deadline = time.monotonic() + int(sys.argv[1])
while True:
    try:
        connections["default"].ensure_connection()
        break
    except OperationalError as exc:
        if time.monotonic() >= deadline:
            sys.exit(f"entrypoint: the database is not reachable, giving up: {exc}")
        time.sleep(1)
connections.close_all()
print("entrypoint: database is up")
PY

if [[ "$role" == "web" ]]; then
    python manage.py migrate --noinput
    python manage.py load_reference
fi

exec "$@"
