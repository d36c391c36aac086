"""Tricky pydantic models for the Zod emitter: each exercises something peers get wrong.

Models are strict, as contract models are. ``MODELS`` lists the corpus; the parity harness
and the tsc test take any such list (the example contracts are one more line there).
"""

from __future__ import annotations

import re
from datetime import date, time
from enum import Enum, IntEnum
from ipaddress import IPv4Address, IPv6Address
from typing import Annotated, Any, Literal
from uuid import UUID

from pydantic import (
    AwareDatetime,
    BaseModel,
    ConfigDict,
    EmailStr,
    Field,
    Strict,
    StringConstraints,
    WrapValidator,
)

_RFC3339 = re.compile(
    r"\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})", re.ASCII
)
_UUID = re.compile(r"[0-9a-fA-F]{8}(-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}", re.ASCII)


def _exact(pattern: re.Pattern[str]) -> Any:
    def check(value: Any, handler: Any) -> Any:
        if not isinstance(value, str) or not pattern.fullmatch(value):
            raise ValueError("not in the documented format")
        return handler(value)

    return WrapValidator(check)


# Exact-format types: what the JSON Schema format says, nothing more. (A strict field behind
# a before/wrap validator validates in Python mode, where strict refuses strings, hence
# Strict(False) on the inner type: the wrapper already restricts the input to a string.)
DateTime = Annotated[AwareDatetime, Strict(False), _exact(_RFC3339)]
ExactUUID = Annotated[UUID, Strict(False), _exact(_UUID)]


class Strict_(BaseModel):
    model_config = ConfigDict(strict=True)


class Forbid(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid")


class Color(str, Enum):  # noqa: UP042 (the str-mixin enum is what contracts use)
    """A colour; the value is the name."""

    red = "red"
    green = "green"


class Level(IntEnum):
    low = 1
    high = 2


class Scalars(Forbid):
    """Bounds, exclusive bounds and multiples. Says */ to test comment escaping."""

    small: Annotated[int, Field(ge=-5, le=5)]
    positive: Annotated[int, Field(gt=0)]
    ratio: Annotated[float, Field(gt=0.0, lt=1.0)]
    step: Annotated[int, Field(multiple_of=3)]
    tenth: Annotated[float, Field(multiple_of=0.1, ge=0, le=100)]
    flag: bool
    anything: Any = None
    big: int = 0


class Strings(Forbid):
    name: Annotated[str, StringConstraints(min_length=1, max_length=5)]
    digits: Annotated[str, StringConstraints(pattern=r"^\d{2,4}$")]
    word: Annotated[str, StringConstraints(pattern=r"\A\w+\z")]
    dotted: Annotated[str, StringConstraints(pattern=r"^a.c$")]
    phone: Annotated[str, StringConstraints(pattern=r"^\+[1-9][0-9]{6,14}$")] | None = None
    code: Annotated[str, StringConstraints(pattern=r"(?i)^ab[c-e]$")] = "abc"


class Formats(Strict_):
    id: ExactUUID
    at: DateTime
    day: date
    email: EmailStr
    v4: IPv4Address
    v6: IPv6Address
    clock: time | None = None


class Collections(Forbid):
    pair: tuple[int, str]
    many: tuple[int, ...] = ()
    tags: Annotated[list[Annotated[str, StringConstraints(max_length=3)]], Field(max_length=3)]
    scores: dict[str, float]
    keyed: dict[Annotated[str, StringConstraints(pattern=r"^k[0-9]+$")], int] = {}
    matrix: list[list[int]] = []


class Enums(Forbid):
    color: Color
    level: Level
    mode: Literal["fast", "slow"] = "fast"
    answer: Literal[42] | None = None
    mixed: Literal["a", 1, True] = "a"


class Reserved(Strict_):
    """Field names that are reserved words or Object.prototype members."""

    class_: str = Field(alias="class")
    constructor: int | None = None
    default: bool = False
    to_string: str | None = Field(default=None, alias="toString")
    delete: list[int] = []


class Cat(Strict_):
    kind: Literal["cat"]
    lives: Annotated[int, Field(ge=0, le=9)]


class Dog(Strict_):
    kind: Literal["dog"]
    good: bool = True


Pet = Annotated[Cat | Dog, Field(discriminator="kind")]


class Owner(Forbid):
    pets: list[Pet]
    favourite: Pet | None = None
    either: int | str = 0
    shape: list[int] | dict[str, int] = []


class Tree(Strict_):
    """A recursive model."""

    value: int
    children: list[Tree] = []
    parent: Tree | None = None


class Num(Strict_):
    op: Literal["num"]
    value: float


class Add(Strict_):
    op: Literal["add"]
    left: Expr
    right: Expr


Expr = Annotated[Num | Add, Field(discriminator="op")]


class Calc(Forbid):
    """A recursive discriminated union."""

    expr: Expr


class Loose(BaseModel):
    """Unknown keys allowed and kept."""

    model_config = ConfigDict(strict=True, extra="allow")

    id: int


for _model in (Tree, Add, Calc):
    _model.model_rebuild()

MODELS: list[type[BaseModel]] = [
    Scalars,
    Strings,
    Formats,
    Collections,
    Enums,
    Reserved,
    Owner,
    Tree,
    Calc,
    Loose,
]
