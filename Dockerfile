# reports-service: the API, served by uvicorn. See README "Deployment" and docker-compose.yml.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app

# the package only (no tests, no local data, no .env): see .dockerignore
COPY pyproject.toml README.md ./
COPY parsers ./parsers
COPY db ./db
COPY reports_service ./reports_service
RUN pip install . && rm -rf /app/build

# never root; the default SQLite database lives in /app/data (compose uses PostgreSQL instead)
RUN useradd --system --create-home --uid 10001 reports \
    && mkdir -p /app/data \
    && chown reports:reports /app/data
USER reports

ENV REPORTS_DATABASE_URL=sqlite+aiosqlite:////app/data/reports.sqlite3 \
    REPORTS_LOG_FORMAT=json
EXPOSE 8000
HEALTHCHECK --interval=10s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/ready', timeout=4)"]

CMD ["reports-service", "serve", "--host", "0.0.0.0", "--port", "8000"]
