"""A test run against one target: the loaded contracts, the HTTP client and run-wide state."""

from __future__ import annotations

import contextlib
import secrets
import threading
from urllib.parse import quote

from .. import loader
from ..spec import ApiSpec
from ._config import TargetConfig
from ._curl import Redactor
from ._data import Schemas
from ._graph import Graph
from ._http import Client, Request, TransportFault
from ._violation import Finding

__all__ = ["Target"]


class Target:
    """The server under test, as every check sees it. One per run; ``close`` cleans up."""

    def __init__(self, config: TargetConfig, api: ApiSpec | None = None) -> None:
        self.config = config
        self.api = api if api is not None else loader.load(config.contracts)
        self.graph = Graph(self.api)
        self.schemas = Schemas(self.api)
        # A run id in every name and tag the run writes makes its data recognisable.
        self.run_id = "s" + secrets.token_hex(4)
        self.redact = Redactor(config.secrets)
        self.findings: list[Finding] = []
        self.created: list[tuple[str, str]] = []
        self._counter = 0
        self._lock = threading.Lock()
        self._client: Client | None = None
        self.requests = 0

    @property
    def client(self) -> Client:
        if self._client is None:
            self._client = Client(self.config)
        return self._client

    @property
    def url(self) -> str:
        """Base URL plus the API's base path (unless the base URL already ends with it)."""
        base = self.config.url
        path = self.api.base_path.rstrip("/")
        return base if not path or base.endswith(path) else base + path

    @property
    def tenants(self) -> list[str]:
        return [t.name for t in self.config.tenants]

    def marker(self) -> str:
        """A fresh run-unique marker: lower-case letters, digits and '-', 12 characters at most."""
        with self._lock:
            self._counter += 1
            return f"{self.run_id}-{self._counter:x}"

    def path(self, template: str, params: dict[str, str]) -> str:
        path = template
        for name, value in params.items():
            path = path.replace("{" + name + "}", quote(str(value), safe=""))
        prefix = self.url[len(self.config.url) :]
        return prefix + path

    def close(self) -> None:
        """Delete what the run created (where the API allows it), then close the client."""
        if self._client is None:
            return
        if self.config.cleanup:
            for tenant, path in reversed(self.created):
                token = self.config.tenant(tenant).token
                with contextlib.suppress(TransportFault):
                    self._client.send(Request(tenant, "DELETE", path, token=token))
        self.requests = self._client.requests
        self._client.close()
        self._client = None
