"""The reviewer's workbench: ``perfscore serve``, a local page and an HTTP API (the ``web`` extra).

``app`` builds the ASGI application from the page's routes (``pages``: upload, summary, one
table, downloads) and the API's (``api``), behind ``guard`` (the token and the body limit).
Uploads are checked and reviewed by ``service`` through ``worker`` (a child process per job
stream, bounded in time and memory, each file in a private temporary folder); ``results`` makes
one line per table, ``summary`` the batch workbook, ``detail`` one table's breakdown.
"""

from .app import create_app
from .settings import Settings
from .worker import safe_name

__all__ = ["Settings", "create_app", "safe_name"]
