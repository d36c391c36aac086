"""Kennels and their runs."""

from synth.contract import Limit, Offset, PageNumber

from .api import api
from .models import Kennel, KennelCode, KennelPage, KennelPut, Run, RunCreate, RunNo, RunPage


@api.put("/kennels/{kennel_code}", upsert=True, tags=["kennels"])
def put_kennel(kennel_code: KennelCode, body: KennelPut) -> Kennel:
    """Create the kennel with this code (201) or replace it (200)."""


@api.get("/kennels/{kennel_code}", cacheable=True, tags=["kennels"])
def get_kennel(kennel_code: KennelCode) -> Kennel:
    """Get a kennel, with an ETag; `If-None-Match` with the current one is 304."""


@api.get(
    "/kennels",
    paginated=PageNumber(order=("kennel_code",), limit=Limit(default=10, max=50)),
    tags=["kennels"],
)
def list_kennels() -> KennelPage:
    """List every kennel of the tenant by code."""


@api.post("/kennels/{kennel_code}/runs", status=201, tags=["runs"])
def create_run(kennel_code: KennelCode, body: RunCreate) -> Run:
    """Add a run to a kennel; its number is the next free one in that kennel."""


@api.get("/kennels/{kennel_code}/runs/{run_no}", tags=["runs"])
def get_run(kennel_code: KennelCode, run_no: RunNo) -> Run:
    """Get a run."""


@api.get(
    "/kennels/{kennel_code}/runs",
    paginated=Offset(order=("run_no",), limit=Limit(default=10, max=50)),
    tags=["runs"],
)
def list_runs(kennel_code: KennelCode) -> RunPage:
    """List a kennel's runs by number."""
