"""Background jobs, declared with the CRUD resource helper."""

from synth.contract import Filter, RateLimit

from .api import api
from .models import Job, JobCreate, JobPage

jobs = api.resource("/jobs", Job, id_param="job_id", tag="jobs")

jobs.create(JobCreate, status=202, idempotent=True, summary="Enqueue a job")
jobs.list(JobPage, order=("-created_at", "-id"), filters={"status": Filter("status")})
# Clients poll a job's progress; the limit keeps a busy poller from starving the others.
jobs.get(
    summary="Get a job and its progress",
    rate_limit=RateLimit(limit=20, window="5s", key="tenant"),
)
