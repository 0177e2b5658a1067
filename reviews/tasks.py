"""Thin Celery tasks: a job id in, the service run under reviews.jobs, nothing else."""

from celery import shared_task

from reviews import jobs
from reviews.affinity_sync import compute_conference_affinity
from reviews.assignment_service import run_assignment
from reviews.conflict_sync import recompute_conflicts


def _recompute(job, progress):
    counts = recompute_conflicts(conference=job.conference, actor=job.created_by, progress=progress)
    return {
        **counts,
        "message": f"{counts['total']} conflict{'' if counts['total'] == 1 else 's'}: "
        f"{counts['created']} new, "
        f"{counts['updated']} with new evidence, {counts['removed']} no longer found.",
    }


@shared_task(acks_late=True)
def recompute_conflicts_task(*, job_id):
    jobs.run_job(job_id=job_id, work=_recompute)


@shared_task(acks_late=True)
def compute_affinity_task(*, job_id):
    jobs.run_job(
        job_id=job_id,
        work=lambda job, progress: compute_conference_affinity(
            conference=job.conference, progress=progress
        ),
    )


@shared_task(acks_late=True)
def run_assignment_task(*, job_id):
    jobs.run_job(
        job_id=job_id, work=lambda job, progress: run_assignment(job=job, progress=progress)
    )
