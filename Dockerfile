# syntax=docker/dockerfile:1
# Production image for web (gunicorn), Celery worker and Celery beat; see docker-compose.yml.
FROM python:3.12-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=nexus_portal.settings \
    DEBUG=false

# Fixed, non-root UID/GID so file ownership on volumes is predictable across rebuilds.
RUN groupadd --system --gid 10001 nexus \
    && useradd --system --uid 10001 --gid nexus --create-home --home-dir /home/nexus \
        --shell /usr/sbin/nologin nexus

WORKDIR /app

# Dependencies first, read from pyproject.toml alone, so a code change does not reinstall them.
COPY pyproject.toml ./
RUN python -c 'import tomllib; print("\n".join(tomllib.load(open("pyproject.toml", "rb"))["project"]["dependencies"]))' \
        > /tmp/requirements.txt \
    && pip install -r /tmp/requirements.txt \
    && rm /tmp/requirements.txt

COPY . .

# Editable install (no deps: done above) so the code runs from /app with its templates and data files.
# collectstatic needs settings to load, hence a throwaway key that is never used at runtime;
# DEBUG=false (above) selects the hashed, compressed WhiteNoise storage the runtime expects.
# Only var/ (static files, uploads) belongs to the app user; the code stays read-only to it.
RUN pip install --no-deps -e . \
    && SECRET_KEY=build-only-dummy-key-not-used-at-runtime-0000000000 \
        python manage.py collectstatic --noinput --verbosity 0 \
    && rm -f var/secret_key \
    && mkdir -p var/uploads \
    && chown -R nexus:nexus var \
    && chmod 0755 docker/entrypoint.sh

USER nexus
EXPOSE 8000
ENTRYPOINT ["/app/docker/entrypoint.sh"]
CMD ["gunicorn", "nexus_portal.wsgi:application", "-b", "0.0.0.0:8000", "--workers", "3"]
