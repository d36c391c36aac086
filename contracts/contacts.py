"""Contacts: create, list, read, update and delete."""

from typing import Annotated

from synth.contract import UUID, Cursor, Example, Filter, Latency, Limit, ResponseHeader

from .api import EMAIL_TAKEN, api
from .models import Contact, ContactCreate, ContactPage, ContactUpdate, Tag


@api.post(
    "/contacts",
    status=201,
    idempotent=True,
    errors=[EMAIL_TAKEN],
    tags=["contacts"],
    headers=[ResponseHeader("Location", description="The new contact's URL.")],
    examples=[
        Example(
            "A name only",
            body={"name": "Ada Lovelace"},
            response={
                "id": "4b1c8a52-6f0e-4d3a-9c57-2e8f1d0a7b36",
                "name": "Ada Lovelace",
                "email": None,
                "phone": None,
                "tags": [],
                "created_at": "2024-05-01T12:00:00Z",
                "updated_at": "2024-05-01T12:00:00Z",
            },
        ),
        Example(
            "Every field",
            body={
                "name": "Grace Hopper",
                "email": "grace@example.com",
                "phone": "+14155550123",
                "tags": ["customer", "vip"],
            },
            response={
                "id": "9e2d7c41-0b6a-4f85-8d13-5a7c9e3f2b60",
                "name": "Grace Hopper",
                "email": "grace@example.com",
                "phone": "+14155550123",
                "tags": ["customer", "vip"],
                "created_at": "2024-05-01T12:05:00Z",
                "updated_at": "2024-05-01T12:05:00Z",
            },
        ),
    ],
)
def create_contact(body: ContactCreate) -> Contact:
    """Create a contact.

    Emails are unique per tenant: a second contact with the same email gets `email_taken`.
    """


@api.get(
    "/contacts",
    paginated=Cursor(order=("-created_at", "-id"), limit=Limit(default=20, max=100)),
    tags=["contacts"],
    slo=Latency(p95="300ms", p99="1s"),
)
def list_contacts(
    tag: Annotated[Tag | None, Filter("tags", "contains")] = None,
    q: Annotated[str | None, Filter("name", "icontains")] = None,
) -> ContactPage:
    """List contacts, newest first.

    `tag` keeps contacts that carry the tag; `q` keeps contacts whose name contains it,
    ignoring case.
    """


@api.get("/contacts/{contact_id}", cacheable=True, tags=["contacts"], slo=Latency(p95="200ms"))
def get_contact(contact_id: UUID) -> Contact:
    """Get a contact."""


@api.patch("/contacts/{contact_id}", cacheable=True, errors=[EMAIL_TAKEN], tags=["contacts"])
def update_contact(contact_id: UUID, body: ContactUpdate) -> Contact:
    """Update a contact.

    Send `If-Match` with the ETag you read to refuse the change if someone else changed it first.
    """


@api.delete("/contacts/{contact_id}", tags=["contacts"])
def delete_contact(contact_id: UUID) -> None:
    """Delete a contact and its interactions."""
