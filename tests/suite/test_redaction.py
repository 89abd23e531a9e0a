"""Secrets are masked wherever the suite writes text."""

import logging

from settings_qa import redaction
from settings_qa.client import Exchange

JWT = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl"


def test_redact_masks_registered_secrets_and_their_json_escapes():
    redaction.register_secret('pa"ss-word-1')
    text = redaction.redact('login with pa"ss-word-1 or {"p": "pa\\"ss-word-1"}')
    assert "ss-word-1" not in text and text.count(redaction.MASK) == 2


def test_redact_masks_unregistered_tokens_by_shape():
    text = redaction.redact(f'Authorization: Bearer abc123 {{"access_token": "{JWT}"}} {JWT}')
    assert "abc123" not in text and JWT not in text


def test_redact_data_masks_secret_keys_recursively():
    data = redaction.redact_data({"email": "a@b.test", "nested": [{"password": "x"}]})
    assert data == {"email": "a@b.test", "nested": [{"password": redaction.MASK}]}


def test_exchange_render_never_shows_the_authorization_header():
    exchange = Exchange("GET", "http://t/api/business/me", redaction.redact_headers({"Authorization": "Bearer s3cr3t"}),
                        "", 200)
    assert "s3cr3t" not in exchange.render()


def test_log_records_are_redacted_by_the_plugin(caplog):
    redaction.register_secret("log-secret-123")
    logging.getLogger("t").warning("token is %s", "log-secret-123")
    assert "log-secret-123" not in caplog.text


def test_redact_bearer_stays_on_its_line():
    text = redaction.redact("WWW-Authenticate: Bearer\n  - Business.name: too long")
    assert text.endswith("\n  - Business.name: too long")
