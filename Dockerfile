# quitgpt-bot in a container: see "Docker" in the README.
#   docker build -t quitgpt-bot .
#   docker compose -f deploy/compose.yaml up -d
# The wheel is built as tests/test_wheel.py builds it (pip wheel --no-deps from the
# sources), then installed with its dependencies in a slim image, run by a user of its own.
FROM python:3.11-slim-bookworm AS wheel
WORKDIR /src
COPY pyproject.toml README.md LICENSE ./
COPY bot ./bot
COPY commands ./commands
COPY storage ./storage
RUN python -m pip wheel --no-cache-dir --no-deps -w /wheels .

FROM python:3.11-slim-bookworm
# DejaVu gives the chart its accented letters. Not pinned: Debian's point releases
# replace the exact version, and a pin would break the build instead of updating it.
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*
COPY --from=wheel /wheels /wheels
# With the PostgreSQL driver: QUITGPT_DATABASE_URL=postgresql://… works in the image too.
# (DL3013 reads the wheel as an unpinned package; its extra is pinned in pyproject.toml.)
# hadolint ignore=DL3013
RUN wheel="$(echo /wheels/quitgpt_bot-*.whl)" \
    && python -m pip install --no-cache-dir "${wheel}[postgres]" \
    && rm -rf /wheels \
    && groupadd --system --gid 10001 quitgpt \
    && useradd --system --uid 10001 --gid 10001 --home-dir /data --shell /usr/sbin/nologin quitgpt \
    && install -d -o 10001 -g 10001 -m 0700 /data
# The database and its member key secret (quitgpt.db.secret) live on this volume.
VOLUME ["/data"]
WORKDIR /data
USER 10001:10001
ENV QUITGPT_DB=/data/quitgpt.db \
    QUITGPT_HTTP_LISTEN=127.0.0.1 \
    QUITGPT_HTTP_PORT=9464 \
    PYTHONUNBUFFERED=1
# /healthz answers once the process is up; /readyz tells whether it serves.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:9464/healthz', timeout=4)"]
ENTRYPOINT ["quitgpt-bot"]
CMD ["run"]
