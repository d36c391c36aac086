"""What every example API exports (a minimal version; the shared module may extend it)."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Bug:
    """A planted defect behind `--bug ID`, and the invariant that should report it."""

    id: str
    invariant: str
    description: str
