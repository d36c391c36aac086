"""Books and their numbered copies."""

from typing import Annotated

from synth.contract import Conditional, Cursor, Filter, Limit, Multipart

from .api import PRECONDITION_REQUIRED, api
from .models import (
    Book,
    BookCreate,
    BookId,
    BookPage,
    BookUpdate,
    Condition,
    Copy,
    CopyCreate,
    CopyNo,
    CopyPage,
    Cover,
    CoverUpload,
    Isbn,
)


@api.post("/books", status=201, idempotent=True, tags=["books"])
def create_book(body: BookCreate) -> Book:
    """Add a book to the library's catalogue."""


@api.get(
    "/books",
    paginated=Cursor(order=("title", "id"), limit=Limit(default=20, max=50)),
    tags=["books"],
)
def list_books(isbn: Annotated[Isbn | None, Filter("isbn", "eq")] = None) -> BookPage:
    """List books by title, then id."""


@api.get("/books/{book_id}", cacheable=True, tags=["books"])
def get_book(book_id: BookId) -> Book:
    """Get a book."""


@api.route(
    "PUT",
    "/books/{book_id}",
    cacheable=Conditional.REQUIRED,
    errors=[PRECONDITION_REQUIRED],
    tags=["books"],
)
def update_book(book_id: BookId, body: BookUpdate) -> Book:
    """Replace a book's title, author and year; requires If-Match."""


@api.post("/books/{book_id}/cover", status=200, tags=["books"])
def upload_book_cover(book_id: BookId, body: Annotated[CoverUpload, Multipart()]) -> Cover:
    """Upload (or replace) a book's cover image: PNG or JPEG, at most 64 KiB."""


@api.post("/books/{book_id}/copies", status=201, tags=["copies"])
def create_copy(book_id: BookId, body: CopyCreate) -> Copy:
    """Add a copy; it gets the book's next copy number."""


@api.get(
    "/books/{book_id}/copies",
    paginated=Cursor(order=("copy_no",), limit=Limit(default=20, max=50)),
    tags=["copies"],
)
def list_copies(
    book_id: BookId,
    condition: Annotated[Condition | None, Filter("condition", "eq")] = None,
) -> CopyPage:
    """List a book's copies by number."""


@api.get("/books/{book_id}/copies/{copy_no}", cacheable=True, tags=["copies"])
def get_copy(book_id: BookId, copy_no: CopyNo) -> Copy:
    """Get a copy."""
