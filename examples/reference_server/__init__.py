"""The reference server: the example API implemented correctly, with planted-bug switches.

In-process: ``create_app(bugs=frozenset({"page-offset"}))`` is an ASGI app.
As a process: ``python -m examples.reference_server --port 0`` prints
``listening on http://127.0.0.1:PORT`` once it accepts connections.
"""

from .app import DEFAULT_TOKENS, app_from_env, create_app
from .bugs import BUGS, Bug, parse_bugs

__all__ = ["BUGS", "DEFAULT_TOKENS", "Bug", "app_from_env", "create_app", "parse_bugs"]
