"""The websocket gateway of the fake Discord (v10, JSON, optional ``zlib-stream``).

HELLO -> IDENTIFY -> READY + one GUILD_CREATE per guild; HEARTBEAT -> HEARTBEAT_ACK;
RESUME replays what the session missed, then RESUMED (after any close but 1000/1001, which
end the session: "Gateway > Close Event Codes" marks 4000 and most others "Reconnect:
true"); REQUEST_GUILD_MEMBERS -> one GUILD_MEMBERS_CHUNK. Every dispatch carries the
session's next sequence number and is kept for replay. Intents filter events as Discord
does (MESSAGE_CREATE needs GUILD_MESSAGES, and its content is blanked without
MESSAGE_CONTENT unless the bot is mentioned).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import secrets
import zlib
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from aiohttp import WSMsgType, web

from .discord_state import (
    API_VERSION,
    INTENT_MEMBERS,
    INTENT_PRESENCES,
    JSON,
    FakeGuild,
    FakeUser,
)
from .signal import Signal

HELLO, HEARTBEAT_ACK, RECONNECT, INVALID_SESSION = 10, 11, 7, 9
EventData = JSON | Callable[["Session"], JSON | None]


@dataclass
class _Close:
    code: int


class Connection:
    """One websocket; frames go out in order through a writer task."""

    def __init__(self, ws: web.WebSocketResponse, path: str, query: dict[str, str]) -> None:
        self.ws, self.path, self.query = ws, path, query
        self.session: Session | None = None
        self.close_code: int | None = None
        self.closed_by_server: int | None = None  # the code the fake closed it with
        self.resumed = False
        self._zlib = zlib.compressobj() if query.get("compress") == "zlib-stream" else None
        self._queue: asyncio.Queue[JSON | _Close] = asyncio.Queue()
        self._writer = asyncio.create_task(self._write(), name="fake-discord-gateway-writer")

    def send(self, frame: JSON) -> None:
        self._queue.put_nowait(frame)

    def close(self, code: int) -> None:
        self._queue.put_nowait(_Close(code))

    async def _write(self) -> None:
        while True:
            item = await self._queue.get()
            try:
                if isinstance(item, _Close):
                    self.closed_by_server = item.code
                    await self.ws.close(code=item.code)
                    return
                text = json.dumps(item, ensure_ascii=False)
                if self._zlib is None:
                    await self.ws.send_str(text)
                else:
                    data = self._zlib.compress(text.encode()) + self._zlib.flush(zlib.Z_SYNC_FLUSH)
                    await self.ws.send_bytes(data)
            except (ConnectionError, RuntimeError):
                return

    async def stop(self) -> None:
        self._writer.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._writer


@dataclass
class Session:
    """A gateway session: survives reconnects until closed with 1000/1001 or invalidated."""

    id: str
    intents: int
    shard: tuple[int, int]
    seq: int = 0
    alive: bool = True
    conn: Connection | None = None
    history: deque[JSON] = field(default_factory=lambda: deque(maxlen=2000))

    def dispatch(self, event: str, data: JSON) -> int:
        self.seq += 1
        frame = {"op": 0, "t": event, "s": self.seq, "d": data}
        self.history.append(frame)
        if self.conn is not None:
            self.conn.send(frame)
        return self.seq

    def covers(self, guild_id: int | None) -> bool:
        shard_id, count = self.shard
        return (0 if guild_id is None else (guild_id >> 22) % count) == shard_id


@dataclass
class GatewayEvent:
    session_id: str
    seq: int
    type: str
    data: JSON


class Gateway:
    """Mixin of :class:`FakeDiscord`: the websocket side."""

    if TYPE_CHECKING:
        token: str
        bot: FakeUser
        application_id: int
        application_flags: int
        guilds: dict[int, FakeGuild]
        shard_count: int
        heartbeat_interval: float
        _signal: Signal

        @property
        def port(self) -> int: ...

    def _init_gateway(self) -> None:
        self.sessions: dict[str, Session] = {}
        self.connections: list[Connection] = []  # every websocket ever opened, in order
        self.events: list[GatewayEvent] = []  # every dispatch, per session
        self.presences: list[JSON] = []  # PRESENCE_UPDATE (op 3) payloads from the bot
        self.identifies = self.resumes = self.heartbeats = 0
        self.gateway_down = False

    # --- test API ---------------------------------------------------------------------------

    @property
    def gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/gateway"

    @property
    def resume_gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/resume-gateway"

    def live_sessions(self) -> list[Session]:
        return [s for s in self.sessions.values() if s.alive]

    async def wait_connected(self, timeout: float = 5.0) -> Session:
        """Wait until some session has been identified and is connected."""
        async with asyncio.timeout(timeout):
            while True:
                for session in self.live_sessions():
                    if session.conn is not None:
                        return session
                await self._signal.wait(timeout)

    def force_reconnect(self, close_code: int | None = None) -> int:
        """Ask every connected session to reconnect: opcode 7, or close with ``close_code``
        (e.g. 4000, resumable). discord.py then RESUMEs on ``resume_gateway_url``."""
        conns = [s.conn for s in self.live_sessions() if s.conn is not None]
        for conn in conns:
            if close_code is None:
                conn.send({"op": RECONNECT, "d": None})
            else:
                conn.close(close_code)
        return len(conns)

    def set_gateway_down(self, down: bool = True) -> None:
        """An outage: the sessions are closed with 4000 (resumable) and every new websocket
        is refused until it ends. To the client a refused upgrade is an
        ``aiohttp.ClientError``: discord.py's ``Client.connect`` (client.py) dispatches
        ``disconnect`` and tries again after an ``ExponentialBackoff`` delay, then RESUMEs."""
        self.gateway_down = down
        if down:
            self.force_reconnect(4000)

    def invalidate_sessions(self, resumable: bool = False) -> None:
        """Opcode 9: discord.py then re-IDENTIFYs (after its 5 s ``before_identify_hook``)."""
        for session in self.live_sessions():
            if session.conn is not None:
                session.conn.send({"op": INVALID_SESSION, "d": resumable})
            if not resumable:
                session.alive = False

    # --- dispatch ---------------------------------------------------------------------------

    def _dispatch(
        self, event: str, data: EventData, *, guild_id: int | None = None, intent: int = 0
    ) -> int:
        """Send an event to every live session that covers the guild and has the intent.

        ``data`` may be a function of the session (returning None to skip it).
        Returns how many sessions got it."""
        count = 0
        for session in self.live_sessions():
            if not session.covers(guild_id) or (intent and not session.intents & intent):
                continue
            payload = data(session) if callable(data) else data
            if payload is None:
                continue
            seq = session.dispatch(event, payload)
            self.events.append(GatewayEvent(session.id, seq, event, payload))
            count += 1
        self._signal.fire()
        return count

    # --- websocket --------------------------------------------------------------------------

    async def _gateway_handler(self, request: web.Request) -> web.StreamResponse:
        if self.gateway_down:
            return web.Response(status=503)
        ws = web.WebSocketResponse(max_msg_size=0)
        await ws.prepare(request)
        conn = Connection(ws, request.path, dict(request.query))
        self.connections.append(conn)
        if request.query.get("v") != str(API_VERSION):
            conn.close(4012)  # Invalid API version
        elif request.query.get("encoding", "json") != "json" or request.query.get(
            "compress", "zlib-stream"
        ) not in ("zlib-stream",):
            conn.close(4002)  # this fake speaks JSON with or without zlib-stream only
        else:
            conn.send(
                {"op": HELLO, "d": {"heartbeat_interval": int(self.heartbeat_interval * 1000)}}
            )
        try:
            async for msg in ws:
                if msg.type is WSMsgType.TEXT:
                    self._on_frame(conn, json.loads(msg.data))
                elif msg.type is WSMsgType.BINARY:
                    conn.close(4002)
        finally:
            # The code of whoever closed first: the client echoes a server's close with 1000,
            # which must not read as the client ending its session.
            conn.close_code = conn.closed_by_server or ws.close_code
            session = conn.session
            if session is not None and session.conn is conn:
                session.conn = None
                if conn.close_code in (1000, 1001):
                    session.alive = False  # a clean close ends the session, as on Discord
            await conn.stop()
            self._signal.fire()
        return ws

    def _on_frame(self, conn: Connection, frame: JSON) -> None:
        op, data = frame.get("op"), frame.get("d")
        if op == 1:
            self.heartbeats += 1
            conn.send({"op": HEARTBEAT_ACK})
        elif op == 2:
            self._identify(conn, data or {})
        elif op == 6:
            self._resume(conn, data or {})
        elif conn.session is None:
            conn.close(4003)  # Not authenticated
        elif op == 3:
            self.presences.append(data or {})
        elif op == 8:
            self._request_members(conn.session, data or {})
        elif op != 4:  # voice state updates are accepted and ignored
            conn.close(4001)  # Unknown opcode
        self._signal.fire()

    def _identify(self, conn: Connection, data: JSON) -> None:
        if conn.session is not None:
            return conn.close(4005)  # Already authenticated
        if data.get("token") != self.token:
            return conn.close(4004)  # Authentication failed
        if "intents" not in data:
            return conn.close(4013)  # Invalid intents
        shard_id, count = data.get("shard") or (0, 1)
        if count != self.shard_count or not 0 <= shard_id < count:
            return conn.close(4010)  # Invalid shard
        session = Session(secrets.token_hex(16), int(data["intents"]), (shard_id, count))
        session.conn, conn.session = conn, session
        self.sessions[session.id] = session
        self.identifies += 1
        guilds = [g for g in self.guilds.values() if not g.removed and session.covers(g.id)]
        ready: JSON = {
            "v": API_VERSION,
            "user": {**self.bot.json(), "verified": True, "mfa_enabled": False, "email": None},
            "guilds": [{"id": str(g.id), "unavailable": True} for g in guilds],
            "session_id": session.id, "session_type": "normal",
            "resume_gateway_url": self.resume_gateway_url,
            "application": {"id": str(self.application_id), "flags": self.application_flags},
            "private_channels": [], "relationships": [], "presences": [], "guild_join_requests": [],
            "geo_ordered_rtc_regions": [], "user_settings": {}, "auth": {},
            "_trace": ['["fake-discord-gateway",{"micros":0}]'],
        }  # fmt: skip
        if "shard" in data:
            ready["shard"] = [shard_id, count]
        self._send(session, "READY", ready)
        for guild in guilds:
            self._send(session, "GUILD_CREATE", self._guild_create(guild, session, True))

    def _send(self, session: Session, event: str, data: JSON) -> None:
        seq = session.dispatch(event, data)
        self.events.append(GatewayEvent(session.id, seq, event, data))

    def _guild_create(self, guild: FakeGuild, session: Session, initial: bool) -> JSON:
        # Without GUILD_PRESENCES Discord only sends the bot's own member up front.
        full = session.intents & INTENT_PRESENCES
        members = [m for uid, m in guild.members.items() if full or uid == self.bot.id]
        return guild.json(members=members, unavailable=False if initial else None)

    def _resume(self, conn: Connection, data: JSON) -> None:
        session = self.sessions.get(str(data.get("session_id")))
        seq = data.get("seq") or 0
        oldest = session.history[0]["s"] if session and session.history else 1
        if (
            session is None
            or not session.alive
            or data.get("token") != self.token
            or seq + 1 < oldest
        ):
            conn.send({"op": INVALID_SESSION, "d": False})
            return
        if session.conn is not None and session.conn is not conn:
            session.conn.close(4000)
        session.conn, conn.session, conn.resumed = conn, session, True
        for frame in session.history:
            if frame["s"] > seq:
                conn.send(frame)
        self.resumes += 1
        self._send(session, "RESUMED", {"_trace": ['["fake-discord-gateway",{"micros":0}]']})

    def _request_members(self, session: Session, data: JSON) -> None:
        guild = self.guilds.get(int(data.get("guild_id") or 0))
        if guild is None or not session.intents & INTENT_MEMBERS:
            return
        members = list(guild.members.values())
        if ids := data.get("user_ids"):
            members = [m for m in members if str(m.user.id) in {str(i) for i in ids}]
        elif query := data.get("query"):
            members = [m for m in members if m.user.name.lower().startswith(query.lower())]
        if limit := data.get("limit"):
            members = members[:limit]
        chunk: JSON = {
            "guild_id": str(guild.id),
            "members": [m.json() for m in members],
            "chunk_index": 0,
            "chunk_count": 1,
            "not_found": [],
        }
        if data.get("nonce"):
            chunk["nonce"] = data["nonce"]
        self._send(session, "GUILD_MEMBERS_CHUNK", chunk)
