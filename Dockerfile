# Example image (Docker does not run on our CI machines; see README "Production").
# Build: docker build -t zodiac-bot .
FROM python:3.11-slim AS build
WORKDIR /src
COPY pyproject.toml README.md ./
COPY bot bot
COPY db db
COPY services services
COPY sandbox sandbox
RUN python -m venv /opt/venv && /opt/venv/bin/pip install --no-cache-dir .

FROM python:3.11-slim
RUN useradd --system --uid 10001 --home-dir /app zodiac
WORKDIR /app
COPY --from=build /opt/venv /opt/venv
# Alembic's scripts are read from the working directory (db/migrations.py looks there).
COPY alembic.ini ./
COPY alembic alembic
ENV PATH=/opt/venv/bin:$PATH PYTHONUNBUFFERED=1 LOG_FORMAT=json BOT_MODE=webhook
USER zodiac
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s CMD python -c "import urllib.request,sys; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8080/healthz', timeout=4).status == 200 else 1)"
# `run` applies migrations first (AUTO_MIGRATE=true), then serves.
CMD ["horoscope-bot", "run"]
