"""Background jobs, declared with the CRUD resource helper."""

from synth.contract import Filter

from .api import api
from .models import Job, JobCreate, JobPage

jobs = api.resource("/jobs", Job, id_param="job_id", tag="jobs")

jobs.create(JobCreate, status=202, idempotent=True, summary="Enqueue a job")
jobs.list(JobPage, order=("-created_at", "-id"), filters={"status": Filter("status")})
jobs.get(summary="Get a job and its progress")
