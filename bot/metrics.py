"""What the bot counts for `/metrics`, in Prometheus' format.

Each counter is fed from one place in the core: commands from the dispatcher, outbox
outcomes, retries and rate limits from the delivery worker, fact answers from /faits.
Labels are bounded words (a command's name, a platform, an outcome), never a member,
a chat or a question: a scrape tells how the bot runs, not who uses it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest

# Commands answer in milliseconds; /faits with the sentence model in tens of them.
LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
FACT_OUTCOMES = ("answered", "corrected", "refused")


class Metrics:
    """The bot's counters, in a registry of their own (one per running app)."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        r = self.registry
        self._commands = Counter(
            "quitgpt_commands",
            "Messages handled, by command, platform and outcome"
            " (ok, ignored, user_error, refused, error)",
            ["command", "platform", "outcome"],
            registry=r,
        )
        self._latency = Histogram(
            "quitgpt_command_seconds",
            "Time to handle a message, by command and platform",
            ["command", "platform"],
            buckets=LATENCY_BUCKETS,
            registry=r,
        )
        self._deliveries = Counter(
            "quitgpt_outbox_deliveries",
            "Outbox rows finished, by platform and status (sent, failed, unsubscribed)",
            ["platform", "status"],
            registry=r,
        )
        self._retries = Counter(
            "quitgpt_outbox_retries",
            "Outbox rows put back to be tried again, by platform and reason",
            ["platform", "reason"],
            registry=r,
        )
        self._rate_limited = Counter(
            "quitgpt_rate_limited",
            "Rate limits (HTTP 429) the delivery workers met, by platform",
            ["platform"],
            registry=r,
        )
        self._facts = Counter(
            "quitgpt_fact_questions",
            "Questions to /faits, by outcome (answered, corrected, refused)",
            ["outcome"],
            registry=r,
        )
        self._pledges = Gauge(
            "quitgpt_pledges", "Standing pledges, by platform", ["platform"], registry=r
        )
        self._pending = Gauge(
            "quitgpt_outbox_pending", "Outbox rows not yet handled, by platform", ["platform"],
            registry=r,
        )  # fmt: skip
        self._oldest = Gauge(
            "quitgpt_outbox_oldest_due_seconds",
            "How long the oldest due outbox row has waited, by platform (0: none due)",
            ["platform"],
            registry=r,
        )
        for outcome in FACT_OUTCOMES:
            self._facts.labels(outcome)  # present at 0 from the start

    def command(self, name: str, platform: str, outcome: str, seconds: float) -> None:
        """`name` is a command's own name, "inline" for an inline query, or "-" for a line that
        named none we know."""
        self._commands.labels(name, platform, outcome).inc()
        self._latency.labels(name, platform).observe(seconds)

    def delivery(self, platform: str, status: str) -> None:
        self._deliveries.labels(platform, status).inc()

    def retry(self, platform: str, reason: str) -> None:
        self._retries.labels(platform, reason).inc()

    def rate_limited(self, platform: str) -> None:
        self._rate_limited.labels(platform).inc()

    def fact_question(self, outcome: str) -> None:
        self._facts.labels(outcome).inc()

    def exposition(
        self,
        pledges: Mapping[str, int],
        backlog: Iterable[tuple[str, int, float]],
    ) -> bytes:
        """The text a scrape reads, with the gauges read from the database just before:
        `pledges` by platform, `backlog` as (platform, pending rows, oldest due age)."""
        self._pledges.clear()
        for platform, count in pledges.items():
            self._pledges.labels(platform).set(count)
        self._pending.clear()
        self._oldest.clear()
        for platform, pending, age in backlog:
            self._pending.labels(platform).set(pending)
            self._oldest.labels(platform).set(age)
        return generate_latest(self.registry)
