"""Proves the fake Bot API is faithful enough to trust: python-telegram-bot 22 itself must parse
every response (no unknown fields left in ``api_kwargs``) and see the errors real Telegram gives."""

from __future__ import annotations

import asyncio
import io
import json
import re
import struct
import threading
import time
import zlib
from collections.abc import AsyncIterator, Iterator

import httpx
import pytest
from telegram import (
    Bot,
    BotCommand,
    BotCommandScopeAllPrivateChats,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    LinkPreviewOptions,
    MenuButtonCommands,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
    Update,
)
from telegram.constants import ChatAction, ParseMode
from telegram.error import BadRequest, Conflict, EndPointNotFound, Forbidden, InvalidToken, NetworkError
from telegram.ext import ApplicationBuilder, CallbackQueryHandler, CommandHandler, ContextTypes

from .bot_api import FakeBotApi, FakeUser, inline_buttons

TOKEN = "123456:TEST-token"
KEYBOARD = InlineKeyboardMarkup(
    [
        [
            InlineKeyboardButton("Yes", callback_data="answer:yes"),
            InlineKeyboardButton("No", callback_data="answer:no"),
        ]
    ]
)


@pytest.fixture
def fake() -> Iterator[FakeBotApi]:
    with FakeBotApi(token=TOKEN) as api:
        yield api
        assert api.internal_errors == []


@pytest.fixture
def user(fake: FakeBotApi) -> FakeUser:
    """A user who has already written to the bot, so the bot may message them."""
    aiko = fake.user(user_id=1001, first_name="Aiko", username="aiko")
    aiko.send_text("/start")
    return aiko


@pytest.fixture
async def bot(fake: FakeBotApi) -> AsyncIterator[Bot]:
    async with Bot(TOKEN, base_url=fake.base_url, base_file_url=fake.base_file_url) as ptb_bot:
        yield ptb_bot


async def confirm_all(bot: Bot) -> None:
    """Acknowledges pending updates the way PTB's updater does, so a test starts from a clean queue."""
    updates = await bot.get_updates(timeout=0)
    if updates:
        await bot.get_updates(offset=updates[-1].update_id + 1, timeout=0)


def api_error(text: str) -> re.Pattern[str]:
    """PTB strips "Bad Request: " and re-capitalises descriptions, so compare case-insensitively."""
    return re.compile(re.escape(text), re.IGNORECASE)


def png(width: int, height: int) -> bytes:
    """A real (tiny) PNG, because the fake, like Telegram, rejects non-images in sendPhoto."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    pixels = zlib.compress(b"".join(b"\x00" + b"\x00" * width for _ in range(height)))
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")


# -- identity and the envelope ---------------------------------------------------------------


async def test_get_me_is_a_complete_bot_user(bot: Bot) -> None:
    me = await bot.get_me()

    assert me.is_bot is True
    assert me.id == 123456
    assert me.username == "levelcheck_test_bot"
    assert me.first_name == "LevelCheck"
    assert (me.can_join_groups, me.can_read_all_group_messages, me.supports_inline_queries) == (
        True,
        False,
        False,
    )
    assert me.api_kwargs == {}


async def test_wrong_token_is_401_and_unknown_method_is_404(fake: FakeBotApi, bot: Bot) -> None:
    with pytest.raises(InvalidToken):
        async with Bot("999:WRONG", base_url=fake.base_url) as wrong:
            await wrong.get_me()

    with pytest.raises(EndPointNotFound):
        await bot.do_api_request("noSuchMethod")
    assert fake.calls("noSuchMethod")[-1].response == {
        "ok": False,
        "error_code": 404,
        "description": "Not Found: method not found",
    }


async def test_responses_use_unix_seconds_and_the_ok_envelope(
    fake: FakeBotApi, user: FakeUser, bot: Bot
) -> None:
    await bot.send_message(user.user_id, "hello")

    response = fake.calls("sendMessage")[-1].response
    assert response["ok"] is True
    date = response["result"]["date"]
    assert isinstance(date, int)
    assert abs(date - time.time()) < 5


# -- getUpdates --------------------------------------------------------------------------------


async def test_long_poll_returns_as_soon_as_the_user_writes(fake: FakeBotApi, bot: Bot) -> None:
    aiko = fake.user(1001, "Aiko")
    started = time.monotonic()
    poll = asyncio.create_task(bot.get_updates(timeout=5))
    await asyncio.sleep(0.2)
    aiko.send_text("hello there")

    updates = await asyncio.wait_for(poll, timeout=3)

    assert time.monotonic() - started < 2
    assert len(updates) == 1
    message = updates[0].message
    assert message is not None
    assert message.text == "hello there"
    assert message.chat.type == "private"
    assert message.chat.id == message.from_user.id == 1001
    assert message.entities == ()
    assert message.api_kwargs == {}


async def test_offset_confirms_updates_so_they_are_not_returned_again(fake: FakeBotApi, bot: Bot) -> None:
    aiko = fake.user(1001, "Aiko")
    aiko.send_text("/start")
    aiko.send_text("/level")

    first = await bot.get_updates(timeout=0)
    again = await bot.get_updates(timeout=0)
    after_confirm = await bot.get_updates(offset=first[-1].update_id + 1, timeout=0)

    assert [u.message.text for u in first] == ["/start", "/level"]
    assert [u.update_id for u in again] == [u.update_id for u in first]
    assert after_confirm == ()
    assert fake.pending_updates == []
    command = first[0].message.entities[0]
    assert (command.type, command.offset, command.length) == ("bot_command", 0, len("/start"))
    assert first[1].message.message_id > first[0].message.message_id


async def test_limit_and_allowed_updates_are_honoured(fake: FakeBotApi, bot: Bot) -> None:
    aiko = fake.user(1001, "Aiko")
    for text in ("one", "two", "three"):
        aiko.send_text(text)

    updates = await bot.get_updates(limit=2, timeout=0, allowed_updates=[Update.MESSAGE])

    assert [u.message.text for u in updates] == ["one", "two"]
    assert fake.calls("getUpdates")[-1].params["allowed_updates"] == ["message"]


async def test_a_second_poller_terminates_the_first_with_409(fake: FakeBotApi, bot: Bot) -> None:
    first = asyncio.create_task(bot.get_updates(timeout=5))
    await asyncio.sleep(0.2)
    async with Bot(TOKEN, base_url=fake.base_url) as second_instance:
        assert await second_instance.get_updates(timeout=0) == ()

    with pytest.raises(Conflict, match=api_error("terminated by other getUpdates request")):
        await asyncio.wait_for(first, timeout=3)


async def test_a_revoked_token_is_401_for_every_call_and_ends_a_pending_poll(
    fake: FakeBotApi, bot: Bot
) -> None:
    pending = asyncio.create_task(bot.get_updates(timeout=5))
    await asyncio.sleep(0.2)
    fake.revoke_token()
    with pytest.raises(InvalidToken):
        await asyncio.wait_for(pending, timeout=3)
    with pytest.raises(InvalidToken):
        await bot.get_me()
    assert [(c.method, c.status) for c in fake.requests[-2:]] == [("getUpdates", 401), ("getMe", 401)]


async def test_an_outage_is_502_bad_gateway_until_it_ends(fake: FakeBotApi, bot: Bot) -> None:
    pending = asyncio.create_task(bot.get_updates(timeout=5))
    await asyncio.sleep(0.2)
    fake.outage()
    with pytest.raises(NetworkError, match="Bad Gateway"):
        await asyncio.wait_for(pending, timeout=3)
    with pytest.raises(NetworkError, match="Bad Gateway"):
        await bot.get_me()
    fake.outage(down=False)
    assert (await bot.get_me()).username == "levelcheck_test_bot"
    assert await bot.get_updates(timeout=0) == ()


# -- messages, keyboards, callback queries -------------------------------------------------------


async def test_inline_keyboard_press_delivers_a_full_callback_query(
    fake: FakeBotApi, user: FakeUser, bot: Bot
) -> None:
    await confirm_all(bot)
    sent = await bot.send_message(user.user_id, "Agree?", reply_markup=KEYBOARD)
    assert sent.reply_markup == KEYBOARD
    assert sent.from_user.id == 123456
    assert sent.api_kwargs == {}

    query_id = user.press("No")
    (update,) = await bot.get_updates(timeout=1)

    query = update.callback_query
    assert query is not None
    assert query.id == query_id
    assert query.data == "answer:no"
    assert isinstance(query.chat_instance, str)
    assert query.chat_instance
    assert query.from_user.id == user.user_id
    assert query.message.message_id == sent.message_id
    assert query.message.reply_markup == KEYBOARD
    assert query.api_kwargs == {}

    assert await bot.answer_callback_query(query.id, text="Noted", show_alert=True) is True
    assert user.wait_for_callback_answer(timeout=1).text == "Noted"
    assert user.callback_answers[0].show_alert is True
    with pytest.raises(BadRequest, match=api_error("query ID is invalid")):
        await bot.answer_callback_query(query.id)


async def test_press_reports_the_available_buttons_when_missing(user: FakeUser, bot: Bot) -> None:
    await bot.send_message(user.user_id, "Agree?", reply_markup=KEYBOARD)

    with pytest.raises(AssertionError, match=r"'Maybe'.*\('Yes', 'answer:yes'\)"):
        user.press("Maybe")
    user.press("answer:yes")  # callback_data works as well as the label


async def test_edits_return_the_edited_message_and_enforce_not_modified(user: FakeUser, bot: Bot) -> None:
    sent = await bot.send_message(user.user_id, "Step 1", reply_markup=KEYBOARD)

    edited = await bot.edit_message_text("Step 2", chat_id=user.user_id, message_id=sent.message_id)
    assert edited.text == "Step 2"
    assert edited.edit_date is not None
    assert edited.reply_markup is None  # an edit without reply_markup drops the keyboard, as in Telegram

    relabelled = await bot.edit_message_reply_markup(
        chat_id=user.user_id, message_id=sent.message_id, reply_markup=KEYBOARD
    )
    assert relabelled.reply_markup == KEYBOARD
    assert relabelled.edit_date is not None
    assert user.last_message["text"] == "Step 2"
    assert inline_buttons(user.last_message)[0]["text"] == "Yes"

    with pytest.raises(BadRequest, match=api_error("message is not modified")):
        await bot.edit_message_text(
            "Step 2", chat_id=user.user_id, message_id=sent.message_id, reply_markup=KEYBOARD
        )
    with pytest.raises(BadRequest, match=api_error("message to edit not found")):
        await bot.edit_message_text("Step 3", chat_id=user.user_id, message_id=9999)


async def test_delete_message(user: FakeUser, bot: Bot) -> None:
    sent = await bot.send_message(user.user_id, "temporary")

    assert await bot.delete_message(user.user_id, sent.message_id) is True
    assert user.deleted_message_ids == [sent.message_id]
    assert user.messages == []
    with pytest.raises(BadRequest, match=api_error("message to delete not found")):
        await bot.delete_message(user.user_id, sent.message_id)


async def test_reply_keyboards_are_tracked_but_not_echoed(user: FakeUser, bot: Bot) -> None:
    keyboard = ReplyKeyboardMarkup(
        [[KeyboardButton("Level 1"), KeyboardButton("Level 2")]], one_time_keyboard=True
    )

    sent = await bot.send_message(
        user.user_id, "Pick", reply_markup=keyboard, link_preview_options=LinkPreviewOptions(is_disabled=True)
    )
    assert sent.reply_markup is None  # Message.reply_markup only ever holds inline keyboards
    assert sent.link_preview_options == LinkPreviewOptions(is_disabled=True)
    assert user.reply_keyboard is not None
    assert user.reply_keyboard["keyboard"][0][1]["text"] == "Level 2"

    await bot.send_message(user.user_id, "Gone", reply_markup=ReplyKeyboardRemove())
    assert user.reply_keyboard is None


async def test_callback_data_over_64_bytes_is_rejected(user: FakeUser, bot: Bot) -> None:
    fits = InlineKeyboardMarkup([[InlineKeyboardButton("ok", callback_data="é" * 32)]])  # 64 bytes
    too_long = InlineKeyboardMarkup([[InlineKeyboardButton("no", callback_data="é" * 33)]])  # 66 bytes

    await bot.send_message(user.user_id, "fits", reply_markup=fits)
    with pytest.raises(BadRequest, match=api_error("BUTTON_DATA_INVALID")):
        await bot.send_message(user.user_id, "too long", reply_markup=too_long)


async def test_text_limits_and_empty_text(user: FakeUser, bot: Bot) -> None:
    await bot.send_message(user.user_id, "x" * 4096)
    with pytest.raises(BadRequest, match=api_error("message is too long")):
        await bot.send_message(user.user_id, "x" * 4097)
    with pytest.raises(BadRequest, match=api_error("message text is empty")):
        await bot.send_message(user.user_id, "   ")


async def test_html_is_parsed_into_entities_and_bad_html_is_rejected(user: FakeUser, bot: Bot) -> None:
    sent = await bot.send_message(
        user.user_id, "Level <b>2</b> of 5 &lt;ok&gt; 🎉 <i>done</i>", parse_mode=ParseMode.HTML
    )
    assert sent.text == "Level 2 of 5 <ok> 🎉 done"
    assert [(e.type, e.offset, e.length) for e in sent.entities] == [("bold", 6, 1), ("italic", 21, 4)]

    with pytest.raises(BadRequest, match=api_error("can't parse entities: Unsupported start tag")):
        await bot.send_message(user.user_id, "1 < 2", parse_mode=ParseMode.HTML)
    with pytest.raises(BadRequest, match=api_error("Can't find end tag corresponding to start tag")):
        await bot.send_message(user.user_id, "<b>open", parse_mode=ParseMode.HTML)


async def test_markdown_v2_requires_escaping_reserved_characters(user: FakeUser, bot: Bot) -> None:
    sent = await bot.send_message(user.user_id, r"*Level 2*\. Done\!", parse_mode=ParseMode.MARKDOWN_V2)
    assert sent.text == "Level 2. Done!"
    assert [(e.type, e.offset, e.length) for e in sent.entities] == [("bold", 0, 7)]

    with pytest.raises(BadRequest, match=api_error("Character '.' is reserved")):
        await bot.send_message(user.user_id, "Level 2.", parse_mode=ParseMode.MARKDOWN_V2)
    with pytest.raises(BadRequest, match=api_error("Can't find end of Bold entity")):
        await bot.send_message(user.user_id, "*open", parse_mode=ParseMode.MARKDOWN_V2)


async def test_bot_cannot_write_first_or_to_a_blocking_user(fake: FakeBotApi, bot: Bot) -> None:
    stranger = fake.user(2002, "Ren")
    with pytest.raises(Forbidden, match=api_error("bot can't initiate conversation")):
        await bot.send_message(stranger.user_id, "hi")
    with pytest.raises(BadRequest, match=api_error("chat not found")):
        await bot.send_message(424242, "hi")

    stranger.send_text("/start")
    stranger.block()
    with pytest.raises(Forbidden, match=api_error("blocked by the user")):
        await bot.send_message(stranger.user_id, "hi")


# -- files -----------------------------------------------------------------------------------------


async def test_send_document_then_download_returns_the_same_bytes(user: FakeUser, bot: Bot) -> None:
    payload = "Level report\nÜber 9000 ✓\n".encode() + bytes(range(256))

    sent = await bot.send_document(user.user_id, payload, filename="report.txt", caption="Your report")
    document = sent.document
    assert document is not None
    assert (document.file_name, document.mime_type, document.file_size) == (
        "report.txt",
        "text/plain",
        len(payload),
    )
    assert document.file_id
    assert document.file_unique_id
    assert sent.caption == "Your report"

    file = await bot.get_file(document.file_id)
    buffer = io.BytesIO()
    await file.download_to_memory(buffer)
    assert buffer.getvalue() == payload

    (received,) = user.documents
    assert (received.file_name, received.data, received.caption) == ("report.txt", payload, "Your report")


async def test_send_photo_reports_dimensions_and_rejects_non_images(user: FakeUser, bot: Bot) -> None:
    sent = await bot.send_photo(user.user_id, png(3, 2), caption="chart")

    (size,) = sent.photo
    assert (size.width, size.height) == (3, 2)
    assert user.photos[0].data == png(3, 2)
    with pytest.raises(BadRequest, match=api_error("IMAGE_PROCESS_FAILED")):
        await bot.send_photo(user.user_id, b"not an image")


# -- bot configuration -------------------------------------------------------------------------------


async def test_set_and_get_my_commands_per_scope(fake: FakeBotApi, bot: Bot) -> None:
    commands = [BotCommand("start", "Start over"), BotCommand("level", "Check my level")]

    assert await bot.set_my_commands(commands) is True
    assert await bot.get_my_commands() == tuple(commands)
    assert fake.wait_for_call("setMyCommands", timeout=1).ok
    assert fake.commands() == [c.to_dict() for c in commands]

    await bot.set_my_commands(commands[:1], scope=BotCommandScopeAllPrivateChats(), language_code="ru")
    assert await bot.get_my_commands(scope=BotCommandScopeAllPrivateChats(), language_code="ru") == (
        commands[0],
    )

    assert await bot.delete_my_commands() is True
    assert await bot.get_my_commands() == ()
    with pytest.raises(BadRequest, match=api_error("BOT_COMMAND_INVALID")):
        await bot.set_my_commands([BotCommand("Bad Command", "nope")])


async def test_housekeeping_methods(fake: FakeBotApi, user: FakeUser, bot: Bot) -> None:
    assert await bot.delete_webhook(drop_pending_updates=True) is True
    assert fake.pending_updates == []
    info = await bot.get_webhook_info()
    assert (info.url, info.pending_update_count) == ("", 0)
    assert await bot.set_chat_menu_button(menu_button=MenuButtonCommands()) is True
    assert await bot.get_chat_menu_button() == MenuButtonCommands()
    assert await bot.send_chat_action(user.user_id, ChatAction.TYPING) is True
    with pytest.raises(BadRequest, match=api_error("wrong parameter action")):
        await bot.send_chat_action(user.user_id, "dancing")
    assert await bot.log_out() is True
    assert await bot.close() is True


# -- raw wire formats, groups, sync usage --------------------------------------------------------


def test_json_bodies_and_query_strings_are_accepted(fake: FakeBotApi, user: FakeUser) -> None:
    api = f"{fake.base_url}{TOKEN}"
    markup = {"inline_keyboard": [[{"text": "Go", "callback_data": "go"}]]}

    as_json = httpx.post(
        f"{api}/sendMessage", json={"chat_id": user.user_id, "text": "json", "reply_markup": markup}
    )
    as_query = httpx.get(f"{api}/sendMessage", params={"chat_id": user.user_id, "text": "query"})
    as_form = httpx.post(
        f"{api}/sendmessage",
        data={"chat_id": str(user.user_id), "text": "form", "reply_markup": json.dumps(markup)},
    )

    assert [r.status_code for r in (as_json, as_query, as_form)] == [200, 200, 200]
    assert as_json.json()["result"]["reply_markup"] == markup
    assert [m["text"] for m in user.messages] == ["json", "query", "form"]
    assert fake.calls("sendMessage")[-1].params["chat_id"] == user.user_id


def test_waits_follow_a_cursor_and_see_output_from_other_threads(fake: FakeBotApi, user: FakeUser) -> None:
    api = f"{fake.base_url}{TOKEN}"
    httpx.post(f"{api}/sendMessage", data={"chat_id": user.user_id, "text": "one"})
    httpx.post(f"{api}/sendMessage", data={"chat_id": user.user_id, "text": "two"})

    assert user.wait_for_message(timeout=1)["text"] == "one"
    assert user.wait_for_message(timeout=1)["text"] == "two"

    user.send_text("again")  # moves the cursor: older output no longer matches
    with pytest.raises(AssertionError, match=r"Timed out .* Latest bot messages"):
        user.wait_for_text("one", timeout=0.2)

    def late_reply() -> None:
        time.sleep(0.1)
        httpx.post(f"{api}/sendMessage", data={"chat_id": user.user_id, "text": "late reply"})

    threading.Thread(target=late_reply).start()
    assert user.wait_for_text("late", timeout=5)["text"] == "late reply"


async def test_group_privacy_mode_only_delivers_commands_for_this_bot(fake: FakeBotApi, bot: Bot) -> None:
    aiko = fake.user(1001, "Aiko")
    team = fake.group(chat_id=-1001234567890, title="Support team")

    team.send_text(aiko, "just chatting")
    team.send_text(aiko, "/level@other_bot")
    team.send_text(aiko, "/level@levelcheck_test_bot")
    updates = await bot.get_updates(timeout=0)

    assert [u.message.text for u in updates] == ["/level@levelcheck_test_bot"]
    chat = updates[0].message.chat
    assert (chat.type, chat.title, chat.id) == ("supergroup", "Support team", -1001234567890)
    assert updates[0].message.entities[0].length == len("/level@levelcheck_test_bot")

    reply = await bot.send_message(team.chat_id, "Aiko is level 2")
    team.send_text(aiko, "thanks!", reply_to=reply.message_id)
    (follow_up,) = await bot.get_updates(offset=updates[-1].update_id + 1, timeout=0)
    assert follow_up.message.reply_to_message.message_id == reply.message_id


# -- a real PTB Application polling the fake ------------------------------------------------------


async def test_application_polls_the_fake_and_the_user_sees_replies(fake: FakeBotApi) -> None:
    async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await update.message.reply_text(f"Hello, {update.effective_user.first_name}!", reply_markup=KEYBOARD)

    async def answer(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await update.callback_query.answer("Saved")
        await update.callback_query.edit_message_text(f"You said {update.callback_query.data}")

    app = ApplicationBuilder().token(TOKEN).base_url(fake.base_url).base_file_url(fake.base_file_url).build()
    app.add_handler(CommandHandler("start", start))
    app.add_handler(CallbackQueryHandler(answer))
    aiko = fake.user(1001, "Aiko")

    async with app:
        await app.updater.start_polling(poll_interval=0, timeout=1)
        await app.start()
        try:
            aiko.send_text("/start")
            greeting = await aiko.wait_for_text_async("Hello, Aiko!", timeout=5)
            assert [b["text"] for b in inline_buttons(greeting)] == ["Yes", "No"]

            aiko.press("Yes")
            edited = await aiko.wait_for_text_async("You said answer:yes", timeout=5)
            assert "edit_date" in edited
            assert (await aiko.wait_for_callback_answer_async(timeout=5)).text == "Saved"
        finally:
            await app.updater.stop()
            await app.stop()

    assert fake.pending_updates == []  # PTB confirmed everything it processed


# --------------------------------------------------------------------------------------------
# Webhooks: Telegram posts updates until answered 2xx, one chat's in order
# --------------------------------------------------------------------------------------------


class Receiver:
    """A webhook endpoint on loopback that records every POST and answers what ``answer`` says."""

    def __init__(self) -> None:
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        self.posts: list[tuple[str | None, dict]] = []
        self.answer = lambda update: 200
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                with lock:
                    receiver.posts.append((self.headers.get("X-Telegram-Bot-Api-Secret-Token"), body))
                self.send_response(receiver.answer(body))
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/telegram"

    def texts(self) -> list[str]:
        return [body["message"]["text"] for _, body in self.posts if "message" in body]

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    r = Receiver()
    yield r
    r.close()


def wait_for(condition, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


async def test_set_webhook_is_reported_and_refuses_get_updates(fake: FakeBotApi, bot: Bot, receiver) -> None:
    assert await bot.set_webhook(receiver.url, secret_token="s3cret_-X", allowed_updates=["message"])
    info = await bot.get_webhook_info()
    assert (info.url, info.pending_update_count, info.allowed_updates) == (receiver.url, 0, ("message",))
    assert info.api_kwargs == {}
    with pytest.raises(Conflict, match="webhook is active"):
        await bot.get_updates(timeout=0)
    await bot.delete_webhook()
    assert (await bot.get_webhook_info()).url == ""
    assert await bot.get_updates(timeout=0) == ()


async def test_set_webhook_refuses_what_telegram_refuses(bot: Bot) -> None:
    with pytest.raises(BadRequest, match=api_error("an HTTPS URL must be provided")):
        await bot.set_webhook("http://example.org/telegram")
    with pytest.raises(BadRequest, match=api_error("unallowed characters")):
        await bot.set_webhook("https://example.org/telegram", secret_token="no spaces")


def test_updates_are_posted_with_the_secret_until_answered_2xx(fake: FakeBotApi, receiver) -> None:
    fake.webhook_retry(0.01, 0.05)
    answers = iter([500, 502])
    receiver.answer = lambda update: next(answers, 200)
    assert fake.set_webhook(receiver.url, "s3cret").ok
    aiko = fake.user(1001, "Aiko")
    aiko.send_text("hello")
    fake.wait_until_delivered()
    assert [secret for secret, _ in receiver.posts] == ["s3cret"] * 3
    assert receiver.texts() == ["hello"] * 3  # refused twice, then acknowledged
    assert [d.status for d in fake.deliveries] == [500, 502, 200]
    assert fake.pending_updates == []
    _, body = fake._state.call("getWebhookInfo", {})
    info = body["result"]
    assert info["pending_update_count"] == 0 and info["url"] == receiver.url
    assert "502" in info["last_error_message"] and isinstance(info["last_error_date"], int)


def test_one_chats_updates_wait_for_the_one_before_while_other_chats_go_on(
    fake: FakeBotApi, receiver
) -> None:
    fake.webhook_retry(0.02, 0.05)
    held = {"refuse": True}
    receiver.answer = lambda update: 500 if held["refuse"] and update["message"]["text"] == "a1" else 200
    assert fake.set_webhook(receiver.url).ok
    a, b = fake.user(1, "A"), fake.user(2, "B")
    a.send_text("a1")
    a.send_text("a2")
    b.send_text("b1")
    wait_for(lambda: "b1" in receiver.texts() and receiver.texts().count("a1") >= 3)
    assert "a2" not in receiver.texts(), "a chat's next update waits until the one before is acknowledged"
    assert [u["message"]["text"] for u in fake.pending_updates] == ["a1", "a2"]
    held["refuse"] = False
    fake.wait_until_delivered()
    texts = receiver.texts()
    assert texts.index("a2") > max(i for i, t in enumerate(texts) if t == "a1")
    assert receiver.posts[0][0] is None  # no secret registered: no header


def test_a_dead_endpoint_leaves_updates_pending(fake: FakeBotApi, receiver) -> None:
    fake.webhook_retry(0.01, 0.02)
    url = receiver.url
    receiver.close()
    assert fake.set_webhook(url).ok
    fake.user(1, "A").send_text("lost?")
    wait_for(lambda: len(fake.deliveries) >= 3)
    assert {d.status for d in fake.deliveries} == {0}
    assert len(fake.pending_updates) == 1


def test_test_controls_duplicate_reorder_and_balance(fake: FakeBotApi, receiver) -> None:
    other = Receiver()
    try:
        assert fake.set_webhook(receiver.url, "k").ok
        fake.route_webhook(receiver.url, other.url)
        fake.webhook_faults(duplicate=1.0)
        user = fake.user(1, "A")
        for text in ("one", "two", "three"):
            user.send_text(text)
        fake.wait_until_delivered()
        wait_for(lambda: len(receiver.posts) + len(other.posts) == 6)
        assert receiver.posts and other.posts  # the balancer alternates
        assert sorted(receiver.texts() + other.texts()) == sorted(["one", "two", "three"] * 2)
        assert [d.reason for d in fake.deliveries].count("duplicate") == 3
        first = min(fake._state.all_updates)
        assert fake.post_update(first, secret="") == 200  # out of order, without the secret header
        wait_for(lambda: len(receiver.posts) + len(other.posts) == 7)
        stale = [p for p in receiver.posts + other.posts if p[1]["update_id"] == first and p[0] is None]
        assert len(stale) == 1 and stale[0][1]["message"]["text"] == "one"
    finally:
        other.close()
