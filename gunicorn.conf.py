"""gunicorn settings for production (docker-compose.yml and the Dockerfile use them)."""

bind = "0.0.0.0:8000"
workers = 3
threads = 4
timeout = 60


def post_worker_init(worker):
    """Start the PDF check's sandbox workers before the first upload, not during it."""
    from submissions.pdfcheck import warm_up

    warm_up()
