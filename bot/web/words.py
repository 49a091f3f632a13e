"""The page's words: the person's language, else the browser's, and labels for stored values."""

from __future__ import annotations

from starlette.requests import Request

from dialogs import DEFAULT_LANGUAGE, Messages, supported_language


def browser_words(request: Request) -> Messages:
    """For pages shown before anyone is signed in: the first language the browser asks for that we have."""
    for part in request.headers.get("accept-language", "").split(","):
        language = supported_language(part.split(";")[0].strip())
        if language is not None:
            return Messages(language)
    return Messages(DEFAULT_LANGUAGE)


def status_label(msg: Messages, status: str) -> str:
    return msg(f"web.status.{status}") if msg.has(f"web.status.{status}") else status


def role_label(msg: Messages, role: str) -> str:
    return msg(f"web.role.{role}") if msg.has(f"web.role.{role}") else role


def action_label(msg: Messages, action: str) -> str:
    """What was seen; actions recorded by other parts of the bot that have no words here show as stored."""
    return msg(f"web.action.{action}") if msg.has(f"web.action.{action}") else action


def channel_label(msg: Messages, channel: str) -> str:
    return msg(f"web.channel.{channel}") if msg.has(f"web.channel.{channel}") else channel


def direction_label(msg: Messages, direction: str) -> str:
    return msg(f"web.direction.{direction}") if msg.has(f"web.direction.{direction}") else direction
