"""The admins' and leads' web page: interviews, transcripts, results, teams, CSV export, audit log.

Starlette and Jinja2, no JavaScript; served in the bot's own process (``bot.web.server``) when
``WEB_PORT`` is set. Every decision about who may see what is ``AdminService``'s; this package only
signs people in (one-time links from ``/web``) and renders.
"""

from bot.web.app import create_web_app
from bot.web.server import WebServer, serve_web

__all__ = ["WebServer", "create_web_app", "serve_web"]
