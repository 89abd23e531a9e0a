"""A deployment behind TLS signed by a private certificate authority, and behind an HTTP proxy:
both work with the usual settings (SSL_CERT_FILE or --ca-bundle; HTTP_PROXY), for the suite,
its fuzzer and `settings-e2e`, and an untrusted certificate is one clear line."""

from __future__ import annotations

import ssl

import pytest
import trustme
from gateway import Gateway
from network_runs import run_e2e, run_restore, run_suite

pytestmark = pytest.mark.slow
FETCH_AND_FUZZ = ("features", "contracts/test_fuzz.py", "-k", "fetch or (GET and coverage)")


@pytest.fixture(scope="module")
def private_ca(tmp_path_factory):
    ca = trustme.CA()
    path = tmp_path_factory.mktemp("ca") / "ca.pem"
    ca.cert_pem.write_to_path(str(path))
    return ca, path


@pytest.fixture
def https(reference, private_ca):
    """The reference backend behind a TLS gateway whose certificate the private CA signed."""
    ca, _ = private_ca
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ca.issue_cert("localhost").configure_cert(context)
    with Gateway(reference.base_url, tls=context, host="localhost") as gateway:
        yield gateway


def test_ssl_cert_file_trusts_a_private_ca_for_the_suite_and_settings_e2e(reference, https, private_ca):
    _, ca_file = private_ca
    run = run_suite(https.url, reference, *FETCH_AND_FUZZ, SSL_CERT_FILE=str(ca_file))
    e2e = run_e2e(https.url, reference, SSL_CERT_FILE=str(ca_file))
    assert run.code == 0 and "passed" in run.last_line, run.output[-3000:]
    assert e2e.code == 0, e2e.output
    assert https.stats["forwarded"] > 10


def test_ca_bundle_option_trusts_a_private_ca(reference, https, private_ca):
    _, ca_file = private_ca
    assert run_e2e(https.url, reference, "--ca-bundle", str(ca_file)).code == 0
    run = run_suite(https.url, reference, "features", "-m", "fetch", "--ca-bundle", str(ca_file))
    assert run.code == 0, run.output[-3000:]


def test_an_untrusted_certificate_is_one_clear_line(reference, https):
    e2e = run_e2e(https.url, reference)
    assert e2e.code == 69 and "TLS error" in e2e.stderr and "CERTIFICATE_VERIFY_FAILED" in e2e.stderr, e2e.output
    assert e2e.stderr.count("\n") == 1
    run = run_suite(https.url, reference, "features", "-m", "fetch")
    assert run.code == 69 and run.stderr.count("\n") == 1 and "TLS error" in run.stderr, run.output


def test_an_http_proxy_from_the_environment_carries_every_request(reference):
    with Gateway(reference.base_url) as proxy:
        run = run_suite(reference.base_url, reference, *FETCH_AND_FUZZ, HTTP_PROXY=proxy.url)
        e2e = run_e2e(reference.base_url, reference, HTTP_PROXY=proxy.url)
        through = proxy.stats["forwarded"]
    assert run.code == 0, run.output[-3000:]
    assert e2e.code == 0, e2e.output
    assert through > 20  # the suite's, the fuzzer's and settings-e2e's requests all went through it


def test_a_file_that_is_not_pem_certificates_is_one_clear_line_for_every_tool(reference, tmp_path):
    not_pem = tmp_path / "ca.pem"
    not_pem.write_text("these are not certificates\n")
    message = "is not a PEM file of certificates the TLS library can load"
    for run, code in [(run_e2e(reference.base_url, reference, "--ca-bundle", str(not_pem)), 64),
                      (run_e2e(reference.base_url, reference, SSL_CERT_FILE=str(not_pem)), 64),
                      (run_suite(reference.base_url, reference, "features", "-m", "fetch", "--ca-bundle", str(not_pem)), 4),
                      (run_restore(reference, tmp_path / "journal.json", "--ca-bundle", str(not_pem)), 64)]:
        assert run.code == code and message in run.stderr, run.output[-3000:]
        assert "Traceback" not in run.output


def test_a_journal_path_that_cannot_be_a_file_is_a_usage_error_not_a_pending_restore(reference, tmp_path):
    (tmp_path / "a-file").write_text("")
    journal = tmp_path / "a-file" / "journal.json"
    e2e = run_e2e(reference.base_url, reference, journal=journal)
    suite = run_suite(reference.base_url, reference, "features", "-m", "fetch", journal=journal)
    assert e2e.code == 64 and "is not a folder" in e2e.stderr, e2e.output
    assert suite.code == 4 and "is not a folder" in suite.stderr, suite.output[-3000:]
