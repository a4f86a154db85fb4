import click

from app.webhooks import delivery


@click.group("webhooks")
def webhooks_cli() -> None:
    """Webhook deliveries."""


@webhooks_cli.command("deliver")
def deliver() -> None:
    """Send the webhook deliveries that are due (new events and retries), once. Without
    Redis, run it every minute from cron; with RQ workers it is not needed (they send)."""
    sent = delivery.deliver_due()
    click.echo(f"{sent.delivered} delivered, {sent.retrying} to retry later, {sent.failed} failed")
