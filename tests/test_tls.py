"""HTTPS through the guarded transport: the connection goes to the vetted address while TLS still
checks the certificate against the host name of the URL. A real TLS server on 127.0.0.1."""

from __future__ import annotations

import shutil
import ssl
import subprocess

import pytest

from config.settings import HttpSettings
from corpus.http import Fetcher, FetchError
from corpus.netguard import Guard
from tests.http_server import LocalHTTPServer, Reply

pytestmark = pytest.mark.skipif(shutil.which("openssl") is None, reason="needs the openssl command to make a test certificate")


@pytest.fixture(scope="module")
def cert(tmp_path_factory):
    d = tmp_path_factory.mktemp("tls")
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=feeds.test",
         "-addext", "subjectAltName=DNS:feeds.test", "-keyout", str(d / "key.pem"), "-out", str(d / "cert.pem")],
        check=True, capture_output=True,
    )  # fmt: skip
    return d / "cert.pem", d / "key.pem"


@pytest.fixture
def tls_server(cert):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(*cert)
    srv = LocalHTTPServer(tls=ctx)
    srv.route("/feed", Reply(body=b"<rss/>"))
    yield srv
    srv.close()


def fetcher(server, cert=None) -> Fetcher:
    guard = Guard(extra_ports=[server.port], resolver=lambda host, port: ["127.0.0.1"], allowed_networks=["127.0.0.1/32"])
    ctx = ssl.create_default_context(cafile=str(cert[0])) if cert else None
    return Fetcher(HttpSettings(extra_ports=[server.port], total_timeout=5), guard=guard, ssl_context=ctx)


def test_certificate_is_checked_against_the_url_host_not_the_address(tls_server, cert):
    r = fetcher(tls_server, cert).fetch(f"https://feeds.test:{tls_server.port}/feed")
    assert r.body == b"<rss/>" and tls_server.requests[-1].headers["Host"] == f"feeds.test:{tls_server.port}"
    with pytest.raises(FetchError) as err:  # same address, another name: the certificate doesn't cover it
        fetcher(tls_server, cert).fetch(f"https://other.test:{tls_server.port}/feed")
    assert err.value.reason == "the server's TLS certificate could not be verified"


def test_untrusted_certificate_is_refused(tls_server):
    with pytest.raises(FetchError) as err:
        fetcher(tls_server).fetch(f"https://feeds.test:{tls_server.port}/feed")
    assert err.value.reason == "the server's TLS certificate could not be verified"
    assert tls_server.requests == []
