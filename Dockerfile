# One image for web, worker and beat (docker-compose.yml picks the command).
FROM python:3.11-slim-bookworm
# Production mode: every secret comes from the environment at run time, none is generated.
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 P3HUB_VAR_DIR=/app/var P3HUB_ENV=production
RUN apt-get update \
 && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b \
      libharfbuzz-subset0 fonts-dejavu-core \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY pyproject.toml ./
COPY p3hub ./p3hub
COPY departments ./departments
COPY vendors ./vendors
COPY procurements ./procurements
COPY contracts ./contracts
RUN pip install --no-cache-dir .
COPY . .
# Placeholders for this one build step only: no secret is baked into the image.
RUN touch /tmp/build-only.pem && SECRET_KEY=build-only P3HUB_AUDIT_KEY=build-only \
    P3HUB_VAULT_KEY=build-only P3HUB_SIGNING_KEY_FILE=/tmp/build-only.pem \
    P3HUB_SIGNING_CERT_FILE=/tmp/build-only.pem \
    python manage.py collectstatic --no-input -v0 && rm /tmp/build-only.pem
RUN useradd --system --home /app p3hub && mkdir -p /app/var && chown -R p3hub /app/var
USER p3hub
EXPOSE 8000
CMD ["gunicorn", "p3hub.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3"]
