"""What every example API exports about itself (minimal: the planted-bug record)."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Bug:
    """A defect the example's server plants behind --bug ID, and the invariant that reports it."""

    id: str
    invariant: str
    description: str
