import click
from flask import current_app

from app import job_queue


@click.command("worker")
@click.option("--burst", is_flag=True, help="Run the queued jobs, then exit.")
def worker_command(burst: bool) -> None:
    """Run background jobs (reports, exports) from the RQ queue on REDIS_URL; start as many
    as the machine has cores to spare. Stop it with Ctrl-C or SIGTERM: it finishes its job."""
    if not job_queue.enabled():
        raise click.ClickException(
            "REDIS_URL is not set: jobs run inline in the web process, no worker is needed."
        )
    click.echo(
        f"worker on queue {current_app.config['JOBS_QUEUE']!r} at {current_app.config['REDIS_URL']}"
    )
    job_queue.work(burst=burst)
