"""Prometheus counters, served as text on the health endpoint's /metrics."""

from prometheus_client import Counter, Gauge

ARTICLES_INGESTED = Counter("newsbot_articles_ingested_total", "Articles stored (new, not duplicates)", ["source"])
FEEDS_FAILING = Gauge("newsbot_feeds_failing", "Feeds whose last poll failed or that are disabled")
DIGESTS_POSTED = Counter("newsbot_digests_posted_total", "Digests posted to channels", ["platform"])
COMMANDS_SERVED = Counter("newsbot_commands_served_total", "Commands answered", ["platform", "command", "outcome"])
