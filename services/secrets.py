"""The configured secrets, in one list: the log redactor and the admin alerts scrub them."""

from __future__ import annotations

from sqlalchemy.engine import make_url

from services.config import Settings


def secret_values(settings: Settings) -> list[str]:
    """Bot token, LLM key, webhook secret, and the passwords in the database and LLM URLs."""
    secrets = [settings.bot_token.get_secret_value()]
    for secret in (settings.openai_api_key, settings.webhook_secret):
        if secret is not None:
            secrets.append(secret.get_secret_value())
    password = make_url(settings.database_url).password
    if password:
        secrets.append(str(password))
    if settings.openai_base_url:
        from urllib.parse import urlsplit

        llm_password = urlsplit(settings.openai_base_url).password
        if llm_password:
            secrets.append(llm_password)
    return secrets
