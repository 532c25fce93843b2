# Stage 1: build the editor with node.
FROM node:20-bookworm-slim AS ui
WORKDIR /ui
COPY ui/package.json ui/package-lock.json ./
RUN npm ci --no-audit --no-fund --loglevel=error
COPY ui/ ./
RUN npm run build

# Stage 2: run the server with python; the editor is served by Flask at /.
FROM python:3.11-slim AS app
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    HOST=0.0.0.0 \
    PORT=5000 \
    LOCAL_STORAGE_FOLDER_NAME=/data/local_storage \
    DATA_DIR=/data
WORKDIR /app
COPY pyproject.toml README.md ./
COPY app ./app
RUN pip install --no-cache-dir -e .
COPY server.py config.yaml ./
COPY resources ./resources
COPY docs/*.md ./docs/
COPY --from=ui /ui/dist ./ui/dist
RUN useradd --create-home --uid 10001 aiflow && mkdir -p /data/local_storage && chown -R aiflow /data
USER aiflow
VOLUME ["/data"]
EXPOSE 5000
HEALTHCHECK --interval=10s --timeout=3s --retries=5 \
  CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:5000/healthcheck', timeout=3)"
CMD ["python", "server.py"]
