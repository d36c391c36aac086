"""Request and response models."""

from typing import Annotated, Literal

from pydantic import EmailStr, Field

from synth.contract import DateTime, File, Model, Page, RequestModel, Unique

BookId = Annotated[
    str,
    Field(pattern=r"^bk_[a-z2-7]{16}$", description="bk_ and 16 lowercase base32 characters"),
]
MemberId = Annotated[
    str,
    Field(pattern=r"^mem_[a-z2-7]{16}$", description="mem_ and 16 lowercase base32 characters"),
]
LoanId = Annotated[
    str,
    Field(pattern=r"^[0-7][0-9A-HJKMNP-TV-Z]{25}$", description="A ULID (Crockford base32)"),
]
CopyNo = Annotated[int, Field(ge=1, description="1, 2, 3... within the book")]
Isbn = Annotated[str, Field(pattern=r"^97[89][0-9]{10}$", description="ISBN-13, digits only")]
Title = Annotated[str, Field(min_length=1, max_length=300)]
Author = Annotated[str, Field(min_length=1, max_length=200)]
Year = Annotated[int, Field(ge=1450, le=2100)]
Shelf = Annotated[str, Field(pattern=r"^[A-Z]{1,3}-[0-9]{1,3}$", description="e.g. FIC-12")]
Condition = Literal["new", "good", "worn", "damaged"]
LoanStatus = Literal["active", "returned"]
Cents = Annotated[int, Field(ge=1, le=100_000, description="An amount in cents")]


class BookCreate(RequestModel):
    isbn: Isbn
    title: Title
    author: Author
    year: Year | None = None


class BookUpdate(RequestModel):
    """The whole editable state of a book (PUT replaces it; the ISBN stays)."""

    title: Title
    author: Author
    year: Year | None = None


class Book(Model):
    id: BookId
    isbn: Isbn
    title: str
    author: str
    year: int | None
    created_at: DateTime
    updated_at: DateTime


class BookPage(Page[Book]):
    pass


CoverImage = Annotated[bytes, File(media_types=("image/png", "image/jpeg"), max_size=65_536)]
CoverMediaType = Literal["image/png", "image/jpeg"]


class CoverUpload(RequestModel):
    """A book's cover, sent as multipart/form-data: the image file and an optional caption."""

    image: CoverImage
    caption: Annotated[str, Field(max_length=200)] = ""


class Cover(Model):
    book_id: BookId
    media_type: CoverMediaType
    size: Annotated[int, Field(ge=0, description="The image's size in bytes")]
    sha256: Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]
    caption: str
    uploaded_at: DateTime


Channel = Literal["email", "post"]


class NoticeForm(RequestModel):
    """A notice to a member, sent as an HTML form (application/x-www-form-urlencoded):
    ``channels`` is the repeated field (``channels=email&channels=post``)."""

    subject: Annotated[str, Field(min_length=1, max_length=120)]
    channels: Annotated[list[Channel], Field(min_length=1, max_length=2)]
    urgent: bool = False
    copies: Annotated[int, Field(ge=1, le=3)] = 1


class Notice(Model):
    member_id: MemberId
    subject: str
    channels: list[Channel]
    urgent: bool
    copies: int
    sent_at: DateTime


class CopyCreate(RequestModel):
    shelf: Shelf
    condition: Condition = "good"


class Copy(Model):
    book_id: BookId
    copy_no: CopyNo
    shelf: str
    condition: Condition
    on_loan: bool
    created_at: DateTime


class CopyPage(Page[Copy]):
    pass


class LoanCreate(RequestModel):
    member_id: MemberId
    days: Annotated[int, Field(ge=1, le=60)] = 21


class Loan(Model):
    id: LoanId
    book_id: BookId
    copy_no: CopyNo
    member_id: MemberId
    status: LoanStatus
    loaned_at: DateTime
    due_at: DateTime
    returned_at: DateTime | None


class LoanPage(Page[Loan]):
    pass


class MemberCreate(RequestModel):
    name: Annotated[str, Field(min_length=1, max_length=200)]
    email: Annotated[EmailStr, Unique()]  # within the library: a duplicate is 409 email_taken


class Member(Model):
    id: MemberId
    name: str
    email: EmailStr
    fine_balance_cents: Annotated[int, Field(description="Owed fines; negative is credit")]
    joined_at: DateTime


class MemberPage(Page[Member]):
    pass


class FinePayment(RequestModel):
    amount_cents: Cents


class CatalogueEntry(Model):
    isbn: Isbn
    title: str
    author: str
    libraries: Annotated[int, Field(ge=1, description="How many libraries hold the book")]


class CatalogueResults(Model):
    items: Annotated[list[CatalogueEntry], Field(max_length=20)]


class Health(Model):
    status: Literal["ok"]
    version: str
