"""Names that SDKs derive from the spec: packages, methods, error classes."""

from __future__ import annotations

import keyword
import re

__all__ = [
    "camel",
    "iterator_name",
    "npm_name",
    "package_name",
    "pascal",
    "python_identifier",
    "snake",
]

_WORD = re.compile(r"[A-Z]+(?=[A-Z][a-z]|[0-9]|\b)|[A-Z]?[a-z]+|[A-Z]+|[0-9]+")


def snake(text: str) -> str:
    """``"listContacts"``, ``"Contacts CRM"``, ``"If-None-Match"`` → snake_case."""
    return "_".join(w.lower() for w in _WORD.findall(text))


def pascal(text: str) -> str:
    """``"email_taken"`` → ``"EmailTaken"``."""
    return "".join(w[:1].upper() + w[1:].lower() for w in _WORD.findall(text.replace("_", " ")))


def camel(text: str) -> str:
    """``"list_contacts"`` → ``"listContacts"``."""
    name = pascal(text)
    return name[:1].lower() + name[1:]


def python_identifier(name: str) -> str:
    """A usable Python parameter name: keywords get a trailing underscore."""
    ident = re.sub(r"\W", "_", name)
    if ident[:1].isdigit():
        ident = f"_{ident}"
    return f"{ident}_" if keyword.iskeyword(ident) or ident in ("self", "body") else ident


def package_name(title: str) -> str:
    """The Python package of an API's SDK: ``"Contacts CRM"`` → ``"contacts_crm_client"``."""
    return f"{snake(title) or 'api'}_client"


def npm_name(title: str) -> str:
    """The npm package of an API's TypeScript client: ``"Contacts CRM"`` →
    ``"contacts-crm-client"``, the name the Python SDK's distribution has."""
    return f"{snake(title).replace('_', '-') or 'api'}-client"


def iterator_name(operation_name: str) -> str:
    """``list_contacts`` → ``iter_contacts``; any other name gets an ``iter_`` prefix."""
    rest = operation_name.removeprefix("list_")
    return f"iter_{rest}"
