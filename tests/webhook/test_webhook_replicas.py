"""Two bot processes in webhook mode on one PostgreSQL database, behind one address: one person's
updates reach them alternately, with duplicates, lost acknowledgements and stale (out-of-order)
redeliveries, and the transcript still has every answer once, in order."""

from __future__ import annotations

import threading
from collections.abc import AsyncIterator

import pytest
from backends import isolated_postgres_schema, postgres_server_url
from e2e_harness import Interviewee, export, normalized, result_level
from e2e_people import FACILITY_L5, FACILITY_L5_BY_HAND, fresh
from fakes.bot_api import FakeBotApi
from webhook_harness import SECRET, WebhookBots, answers, sql

from criteria import evaluate, parse_profile

pytestmark = pytest.mark.postgres


@pytest.fixture
async def postgres_url() -> AsyncIterator[str]:
    async with isolated_postgres_schema(postgres_server_url()) as url:
        yield url


def test_two_replicas_apply_one_persons_updates_once_and_in_order(
    fake: FakeBotApi,
    postgres_url: str,
    bots: WebhookBots,  # the bots stop before the schema goes
):
    # A late press on one replica sends a fresh copy of the question and clears the keyboard of the
    # copy it read as live, which the answer on the other replica may have cleared a moment before:
    # Telegram says "not modified", the bot ignores it, the person sees one live copy either way.
    bots.allowed = lambda call: "message is not modified" in str(call.response.get("description"))
    first, second = bots.start(postgres_url), bots.start(postgres_url)
    assert fake.set_webhook(first.url, SECRET).ok
    fake.route_webhook(first.url, second.url)
    fake.webhook_faults(duplicate=0.3, stale=0.3, lost_answer=0.2, seed=10)
    rio = Interviewee(fake.user(7340000001, "Rio"), fresh(FACILITY_L5))
    rio.begin()
    rio.answer(True)
    rio.run(until=lambda key: key == "project.1.rooms")

    # The typed number posted to both replicas at the same moment (a proxy retrying elsewhere).
    rio.user.send_text("3")
    typed = max(fake._state.all_updates)
    with fake._state.cond:  # taken out of the queue: only the two posts below deliver it
        fake._state.updates = [u for u in fake._state.updates if u["update_id"] != typed]
    statuses: list[int] = []
    posts = [
        threading.Thread(target=lambda url=url: statuses.append(fake.post_update(typed, url)))
        for url in (first.url, second.url)
    ]
    for post in posts:
        post.start()
    for post in posts:
        post.join()
    assert statuses == [200, 200]
    rio.answers["project.1.rooms"] = 3
    rio.wait_prompt()
    assert rio.key == "project.1.area"

    rio.run()
    result = rio.confirm()
    assert result_level(result["text"]) == FACILITY_L5_BY_HAND == evaluate(parse_profile(rio.profile())).level
    assert normalized(export(rio.user)) == normalized(rio.profile())
    fake.wait_until_delivered()

    keys = [key for _, key, _ in answers(postgres_url, 7340000001)]
    expected = [key for key in rio.asked if key not in ("review", "result")]
    assert keys == expected, "every answer once, in the order asked"
    reasons = {d.reason for d in fake.deliveries}
    assert {"duplicate", "stale"} <= reasons
    served = {d.url for d in fake.deliveries if d.reason == "queue"}
    assert served == {first.url, second.url}, "both replicas took part"
    dropped = sum(b.metric("levelcheck_duplicate_updates_dropped_total") for b in (first, second))
    extra = sum(1 for d in fake.deliveries if d.reason in ("duplicate", "stale", "manual"))
    lost = len([d for d in fake.deliveries if d.reason == "queue" and d.acknowledged]) - len(
        {d.update_id for d in fake.deliveries if d.reason == "queue"}
    )
    assert dropped == extra - 1 + lost, "every copy but one of the typed number was dropped and counted"
    finished = sql(postgres_url, "SELECT count(*) FROM results")[0][0]
    assert finished == 1
