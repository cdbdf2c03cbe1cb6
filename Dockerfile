# syntax=docker/dockerfile:1
# Build stage: install the pinned dependencies and the bot into a virtual environment.
FROM python:3.11-slim AS build
WORKDIR /src
COPY pyproject.toml constraints.txt README.md ./
COPY bot bot
COPY digests digests
COPY corpus corpus
COPY config config
RUN python -m venv /venv \
 && /venv/bin/pip install --no-cache-dir --upgrade pip \
 && /venv/bin/pip install --no-cache-dir -c constraints.txt .

# Runtime stage: no compilers, no pip cache, a non-root user, data on a volume. Secrets are never
# baked in: pass NEWSBOT_* variables or *_FILE paths (Docker secrets) at run time. A container has
# no terminal user, so the terminal channel is off: set Discord and/or Slack tokens.
FROM python:3.11-slim
RUN useradd --create-home --uid 10001 newsbot && mkdir /data && chown newsbot:newsbot /data
COPY --from=build /venv /venv
WORKDIR /app
COPY --chown=newsbot:newsbot run_bot.py ./
COPY --chown=newsbot:newsbot corpus/articles corpus/articles
USER newsbot
ENV PATH=/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    NEWSBOT_DATA_DIR=/data \
    NEWSBOT_LOG__LEVEL=INFO \
    NEWSBOT_TERMINAL__ENABLED=false \
    NEWSBOT_CORPUS__DIRS='["/app/corpus/articles"]'
VOLUME ["/data"]
EXPOSE 8787
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["python", "run_bot.py", "healthcheck"]
ENTRYPOINT ["python", "run_bot.py"]
CMD ["run"]
