# syntax=docker/dockerfile:1
FROM python:3.11-slim AS build
WORKDIR /app
COPY pyproject.toml constraints.txt README.md ./
COPY bot bot
COPY digests digests
COPY corpus corpus
COPY config config
RUN python -m venv /venv && /venv/bin/pip install --no-cache-dir -c constraints.txt .

FROM python:3.11-slim
RUN useradd --create-home --uid 10001 newsbot
COPY --from=build /venv /venv
WORKDIR /app
COPY --chown=newsbot:newsbot . .
USER newsbot
ENV PATH=/venv/bin:$PATH NEWSBOT_DATA_DIR=/data
VOLUME ["/data"]
ENTRYPOINT ["python", "run_bot.py"]
CMD ["run"]
