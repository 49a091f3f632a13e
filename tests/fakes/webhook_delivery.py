"""Telegram's side of a webhook, for the fake Bot API: post each update until the bot answers 2xx.

What real Telegram does and this copies:

- an update is POSTed as JSON to the registered URL with ``X-Telegram-Bot-Api-Secret-Token`` (when a
  ``secret_token`` was set); only a 2xx answer acknowledges it, anything else (an error status, a
  refused or broken connection, a timeout) makes it pending again, retried after a growing pause;
- one chat's updates go one at a time and in order: the next is posted only once the previous one
  was acknowledged; different chats are delivered concurrently (up to ``max_connections``);
- ``getWebhookInfo`` counts the pending updates and reports the last error.

What a test controls (``FakeBotApi.route_webhook``, ``webhook_faults``, ``post_update``): the
addresses the posts really go to, in turn (a load balancer in front of several replicas), and the
faults of a real network — an update posted twice at once, posted again after it was acknowledged
(a duplicate, or a stale one after later updates: out of order), or an acknowledgement lost on the
way back (so Telegram delivers it again although the bot applied it).
"""

from __future__ import annotations

import http.client
import itertools
import json
import random
import threading
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

if TYPE_CHECKING:
    from .bot_api import _BotApiState

JsonDict = dict[str, Any]
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


@dataclass
class WebhookConfig:
    """What ``setWebhook`` registered."""

    url: str
    secret_token: str | None = None
    max_connections: int = 40
    allowed_updates: list[str] | None = None


@dataclass(frozen=True)
class Delivery:
    """One POST of an update: where, why ("queue", "concurrent", "duplicate", "stale", "manual") and
    the answer (an HTTP status, or 0 when no answer came back)."""

    update_id: int
    url: str
    reason: str
    status: int

    @property
    def acknowledged(self) -> bool:
        return 200 <= self.status < 300


@dataclass
class WebhookFaults:
    """Probabilities of a real network's misbehaviour, per acknowledged delivery (seeded: reproducible)."""

    #: posted to two addresses at once (a proxy retrying a slow request elsewhere)
    concurrent: float = 0.0
    #: posted once more right after it was acknowledged
    duplicate: float = 0.0
    #: an earlier, already acknowledged update of the chat posted again (out of order)
    stale: float = 0.0
    #: the bot's 2xx lost on the way back: pending again, delivered again later
    lost_answer: float = 0.0
    seed: int = 0
    rng: random.Random = field(init=False)

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)

    def roll(self, probability: float) -> bool:
        return probability > 0 and self.rng.random() < probability


def chat_key(update: JsonDict) -> tuple[str, int]:
    """The chat an update belongs to, which orders its delivery; an update of no chat is its own."""
    for kind, payload in update.items():
        if kind == "update_id" or not isinstance(payload, dict):
            continue
        chat = payload.get("chat") or (payload.get("message") or {}).get("chat")
        if isinstance(chat, dict) and "id" in chat:
            return ("chat", int(chat["id"]))
        sender = payload.get("from")
        if isinstance(sender, dict) and "id" in sender:
            return ("chat", int(sender["id"]))
    return ("update", int(update["update_id"]))


class WebhookDelivery:
    """The delivering thread; it uses the fake's one lock and condition (``state.cond``)."""

    def __init__(self, state: _BotApiState, retry_s: float = 0.05, retry_max_s: float = 0.5) -> None:
        self.state = state
        self.retry_s = retry_s
        self.retry_max_s = retry_max_s
        self.timeout_s = 30.0
        self.targets: list[str] | None = None
        self.faults = WebhookFaults()
        self.log: list[Delivery] = []
        self.last_error: tuple[int, str] | None = None
        self._in_flight: set[tuple[str, int]] = set()
        self._next_attempt: dict[int, float] = {}
        self._attempts: dict[int, int] = {}
        self._acknowledged: dict[tuple[str, int], list[JsonDict]] = {}
        self._turn = itertools.count()
        self._thread: threading.Thread | None = None
        self._stopping = False

    # -- lifecycle (called by FakeBotApi) ---------------------------------------------------------

    def start(self) -> None:
        self._stopping = False
        self._thread = threading.Thread(target=self._run, name="fake-bot-api-webhook", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        with self.state.cond:
            self._stopping = True
            self.state.cond.notify_all()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._thread = None

    def reset(self) -> None:
        """A new ``setWebhook`` or ``deleteWebhook``: pending retries start afresh."""
        self._next_attempt.clear()
        self._attempts.clear()
        self.last_error = None

    # -- the delivering loop -------------------------------------------------------------------

    def _run(self) -> None:
        state = self.state
        with state.cond:
            while not self._stopping:
                wait = 0.5
                config = state.webhook
                if config is not None and not state.outage and not state.revoked:
                    now = time.monotonic()
                    for update in self._due(config):
                        due = self._next_attempt.get(update["update_id"], 0.0)
                        if due > now:
                            wait = min(wait, due - now)
                            continue
                        key = chat_key(update)
                        self._in_flight.add(key)
                        threading.Thread(
                            target=self._deliver, args=(config, key, update), daemon=True
                        ).start()
                state.cond.wait(wait)

    def _due(self, config: WebhookConfig) -> list[JsonDict]:
        """The first pending update of each chat with nothing in flight, within ``max_connections``."""
        state = self.state
        if config.allowed_updates:
            allowed = set(config.allowed_updates)
            state.updates = [u for u in state.updates if set(u) - {"update_id"} <= allowed]
        due: list[JsonDict] = []
        seen: set[tuple[str, int]] = set()
        for update in state.updates:
            key = chat_key(update)
            if key in seen:
                continue
            seen.add(key)
            if key not in self._in_flight and len(self._in_flight) + len(due) < config.max_connections:
                due.append(update)
        return due

    def _deliver(self, config: WebhookConfig, key: tuple[str, int], update: JsonDict) -> None:
        faults = self.faults
        with self.state.cond:
            concurrent = faults.roll(faults.concurrent)
        if concurrent:
            answers: list[int] = []
            posts = [
                threading.Thread(target=lambda: answers.append(self.post(update, config, "concurrent")))
                for _ in range(2)
            ]
            for post in posts:
                post.start()
            for post in posts:
                post.join()
            status = max(answers, key=lambda s: 200 <= s < 300)
        else:
            status = self.post(update, config, "queue")
        with self.state.cond:
            self._in_flight.discard(key)
            acknowledged = 200 <= status < 300 and not faults.roll(faults.lost_answer)
            if acknowledged:
                self._acknowledge(key, update)
            else:
                self._failed(update, status)
            extra = self._extra_posts(key, update) if acknowledged else []
            self.state.cond.notify_all()
        for again, reason in extra:
            threading.Thread(target=self.post, args=(again, config, reason), daemon=True).start()

    def _acknowledge(self, key: tuple[str, int], update: JsonDict) -> None:
        update_id = update["update_id"]
        self.state.updates = [u for u in self.state.updates if u["update_id"] != update_id]
        self._next_attempt.pop(update_id, None)
        self._attempts.pop(update_id, None)
        self._acknowledged.setdefault(key, []).append(update)

    def _failed(self, update: JsonDict, status: int) -> None:
        update_id = update["update_id"]
        attempts = self._attempts[update_id] = self._attempts.get(update_id, 0) + 1
        pause = min(self.retry_max_s, self.retry_s * 2 ** (attempts - 1))
        self._next_attempt[update_id] = time.monotonic() + pause
        message = f"Wrong response from the webhook: {status}" if status else "Connection failed"
        self.last_error = (self.state.now(), message)

    def _extra_posts(self, key: tuple[str, int], update: JsonDict) -> list[tuple[JsonDict, str]]:
        faults = self.faults
        extra: list[tuple[JsonDict, str]] = []
        if faults.roll(faults.duplicate):
            extra.append((update, "duplicate"))
        earlier = self._acknowledged.get(key, [])[:-1]
        if earlier and faults.roll(faults.stale):
            extra.append((faults.rng.choice(earlier), "stale"))
        return extra

    # -- one POST ------------------------------------------------------------------------------

    def target(self, config: WebhookConfig) -> str:
        with self.state.cond:
            if self.targets:
                return self.targets[next(self._turn) % len(self.targets)]
            return config.url

    def post(self, update: JsonDict, config: WebhookConfig, reason: str, url: str | None = None) -> int:
        """POSTs ``update`` once, as Telegram does; returns the HTTP status (0: no answer)."""
        url = url or self.target(config)
        parts = urlsplit(url)
        body = json.dumps(update, ensure_ascii=False).encode("utf-8")
        headers = {"Content-Type": "application/json"}
        if config.secret_token:
            headers[SECRET_HEADER] = config.secret_token
        kind = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
        connection = kind(parts.hostname or "127.0.0.1", parts.port, timeout=self.timeout_s)
        try:
            connection.request("POST", parts.path or "/", body, headers)
            response = connection.getresponse()
            response.read()
            status = response.status
        except (OSError, http.client.HTTPException):
            status = 0
        finally:
            connection.close()
        with self.state.cond:
            self.log.append(Delivery(update["update_id"], url, reason, status))
            self.state.cond.notify_all()
        return status
