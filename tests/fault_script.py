"""The fault scenarios of `tests/data/fault_scenarios.toml`, and what each scripted answer
is for the loopback fakes (see the file's header for its format and sources)."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SCENARIOS = Path(__file__).parent / "data" / "fault_scenarios.toml"
# An answer held longer than this is one the client gave up on (PTB's read time-out here
# is 10 s, discord.py's none): the call may then be repeated once.
LATE_ANSWER_S = 5.0


@dataclass(frozen=True, slots=True)
class ChatFault:
    chat: int
    responses: tuple[dict[str, Any], ...]
    expect: str

    @property
    def repeats_allowed(self) -> int:
        """Calls that may take effect without the client knowing: lost or late answers."""
        return sum(
            r.get("kind") == "lost"
            or (r.get("kind") == "slow" and r.get("seconds", 0) > LATE_ANSWER_S)
            for r in self.responses
        )

    @property
    def moved_to(self) -> int | None:
        return next(
            (r["migrate_to_chat_id"] for r in self.responses if "migrate_to_chat_id" in r), None
        )


@dataclass(frozen=True, slots=True)
class Scenario:
    name: str
    platform: str
    chats: int
    parts: int
    faults: tuple[ChatFault, ...]

    @property
    def global_limit(self) -> bool:
        return any(r.get("global") for f in self.faults for r in f.responses)

    @property
    def slow_answer(self) -> bool:
        return any(r.get("kind") == "slow" for f in self.faults for r in f.responses)

    def fault_of(self, chat: int) -> ChatFault | None:
        return next((f for f in self.faults if f.chat == chat), None)


def load(path: Path = SCENARIOS) -> list[Scenario]:
    with path.open("rb") as file:
        data = tomllib.load(file)
    return [
        Scenario(
            s["name"],
            s["platform"],
            s["chats"],
            s["parts"],
            tuple(
                ChatFault(f["chat"], tuple(f["responses"]), f["expect"]) for f in s.get("fault", ())
            ),
        )
        for s in data["scenario"]
    ]


def telegram_fault(response: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """The fake's fault for one scripted answer. An answer slower than the client waits
    is, to the client, a lost answer to a call the server applied (as the scenarios say
    of it): the fake applies the call at once and holds its answer that long."""
    kind = response.get("kind")
    if kind == "slow" and response["seconds"] > LATE_ANSWER_S:
        return "lost", {"hold": response["seconds"]}
    if kind == "slow":
        return "slow", {"delay": response["seconds"]}
    if kind in ("lost", "timeout"):
        return kind, {}
    options = {
        k: response[k]
        for k in ("description", "retry_after", "migrate_to_chat_id")
        if k in response
    }
    return "error", {"status": response["status"], **options}


def discord_fault(response: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    kind = response.get("kind")
    if kind in ("slow", "timeout"):
        return kind, {"seconds": response.get("seconds", 12.0)}
    if kind == "lost":
        return kind, {}
    status = response["status"]
    if status == 429:
        if not response.get("via", True):
            return "429_cloudflare", {"retry_after": response.get("retry_after")}
        options = {k: response[k] for k in ("retry_after", "code") if k in response}
        return ("429_global" if response.get("global") else "429"), options
    if status in (403, 404):
        code = response.get("code")
        named = {
            50013: "403_permissions",
            50001: "403_access",
            50007: "403_dm",
            10003: "404_channel",
        }
        return named[code], {}
    return str(status), {}
