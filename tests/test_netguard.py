"""Server-side request forgery: URLs that point inside our network are refused, however they are
written, on every redirect, and at the address actually connected to (DNS rebinding)."""

from __future__ import annotations

import ipaddress

import pytest

from config.settings import HttpSettings
from corpus.http import Fetcher, FetchError
from corpus.netguard import Guard, URLRefused, address_kind, numeric_ipv4
from tests.http_server import Reply

PUBLIC = "93.184.216.34"  # never connected to in these tests


@pytest.mark.parametrize(
    "host, address",
    [
        ("2130706433", "127.0.0.1"),
        ("0x7f.1", "127.0.0.1"),
        ("127.1", "127.0.0.1"),
        ("0x7f000001", "127.0.0.1"),
        ("017700000001", "127.0.0.1"),
        ("0177.0.0.1", "127.0.0.1"),
        ("10.1", "10.0.0.1"),
        ("192.168.257", "192.168.1.1"),
        ("127.0.0.1.", "127.0.0.1"),
        ("1.2.3.4", "1.2.3.4"),
    ],
)
def test_numeric_host_forms_are_read_as_inet_aton_does(host, address):
    assert numeric_ipv4(host) == ipaddress.IPv4Address(address)


@pytest.mark.parametrize("host", ["example.com", "1.2.3.4.5", "256.1.1.1", "08", "127.0.0.1x", "4294967296"])
def test_names_are_not_numeric_hosts(host):
    assert numeric_ipv4(host) is None


@pytest.mark.parametrize(
    "url, kind",
    [
        ("http://127.0.0.1/", "loopback"),
        ("http://2130706433/", "loopback"),
        ("http://0x7f.1/", "loopback"),
        ("http://127.1/", "loopback"),
        ("http://0x7f000001/", "loopback"),
        ("http://127.0.0.1.:443/", "loopback"),
        ("http://[::1]/", "loopback"),
        ("http://[::ffff:127.0.0.1]/", "loopback"),
        ("http://[::ffff:7f00:1]/", "loopback"),
        ("http://[2002:7f00:1::]/", "loopback"),  # 6to4 around 127.0.0.1
        ("http://[64:ff9b::7f00:1]/", "loopback"),  # NAT64 around 127.0.0.1
        ("http://10.0.0.5/", "private"),
        ("http://172.16.3.4/", "private"),
        ("http://192.168.1.1/", "private"),
        ("http://[fc00::1]/", "private"),
        ("http://[::ffff:10.0.0.5]/", "private"),
        ("http://169.254.169.254/latest/meta-data/", "link-local"),
        ("http://[fe80::1]/", "link-local"),
        ("http://[fe80::1%25eth0]/", "link-local"),
        ("http://224.0.0.1/", "multicast"),
        ("http://239.1.2.3/", "multicast"),
        ("http://[ff02::1]/", "multicast"),
        ("http://0.0.0.0/", "unspecified"),
        ("http://0/", "unspecified"),
        ("http://[::]/", "unspecified"),
        ("http://240.0.0.1/", "private"),  # reserved 240/4, which Python also counts as private
        ("http://255.255.255.255/", "private"),
        ("http://100.64.0.1/", "non-public"),  # carrier-grade NAT
        ("http://198.18.0.1/", "private"),  # benchmarking
        ("HTTP://127.0.0.1/", "loopback"),  # upper-case scheme
        ("hTTpS://[::1]/", "loopback"),
        ("http://127。0。0。1/", "loopback"),  # ideographic full stops, read as dots (IDNA)
        ("http://0177.1/", "loopback"),
        ("http://0x7f.0x0.0x0.0x1/", "loopback"),
        ("http://[0:0:0:0:0:ffff:127.0.0.1]/", "loopback"),
        ("http://[::ffff:127.0.0.1%25eth0]/", "loopback"),  # a zone id changes nothing
        ("http://[::127.0.0.1]/", "reserved"),  # IPv4-compatible (deprecated ::/96)
        ("http://[::7f00:1]/", "reserved"),
        ("http://[::0.0.0.0]/", "unspecified"),
        ("http://[fd12:3456::1]/", "private"),  # unique-local fc00::/7, the fd half
        ("http://[fec0::1]/", "site-local"),  # deprecated site-local fec0::/10
        ("http://[feff::1]/", "site-local"),
        ("http://[2001:db8::1]/", "private"),  # documentation
        ("http://[64:ff9b:1::7f00:1]/", "reserved"),  # local-use NAT64
        ("http://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/", "private"),  # Teredo
        ("http://127.0.0.1#@good.example/", "loopback"),  # the host is what comes before the #
    ],
)
def test_inside_addresses_are_refused_however_written(url, kind, http_server):
    err = _refused(Fetcher(HttpSettings()), url)
    assert err.refused and f" {kind} address" in err.reason and err.reason.startswith("refused: ")


def test_refusal_names_the_address():
    err = _refused(Fetcher(HttpSettings()), "http://10.0.0.5/feed")
    assert err.reason == "refused: 10.0.0.5 is a private address"
    err = _refused(Fetcher(HttpSettings()), "http://[::ffff:127.0.0.1]/")
    assert err.reason == "refused: ::ffff:127.0.0.1 is a loopback address"


def test_names_that_resolve_inside_are_refused():
    guard = Guard(resolver=_table({"intranet.example": ["10.2.3.4"], "mixed.example": [PUBLIC, "192.168.0.9"]}))
    fetcher = Fetcher(HttpSettings(), guard=guard)
    assert _refused(fetcher, "http://intranet.example/").reason == "refused: 10.2.3.4 is a private address"
    # One inside address among public ones refuses the name: the connection could pick either.
    assert _refused(fetcher, "https://mixed.example/").reason == "refused: 192.168.0.9 is a private address"
    assert _refused(Fetcher(HttpSettings()), "http://localhost/").reason == "refused: 127.0.0.1 is a loopback address"


@pytest.mark.parametrize(
    "url, reason",
    [
        ("ftp://example.com/feed", "only http:// and https:// URLs can be fetched, not ftp://"),
        ("file:///etc/passwd", "only http:// and https:// URLs can be fetched, not file://"),
        ("gopher://example.com:70/", "only http:// and https:// URLs can be fetched, not gopher://"),
        ("example.com/feed", "not a URL: it needs http:// or https://"),
        ("http://example.com:22/", "port 22 is not allowed (allowed: 80, 443; add ports to http.extra_ports)"),
        ("http://example.com:6379/", "port 6379 is not allowed (allowed: 80, 443; add ports to http.extra_ports)"),
        ("http://user:secret@example.com/", "URLs with a user name or password are not supported (they would be shown and stored)"),
        ("http:///nohost", "the URL has no host name"),
        ("http://" + "a" * 3000 + ".com/", "URL longer than 2048 characters"),
        # A user name before the host is refused outright, whatever the host looks like.
        ("http://good.example@127.0.0.1/", "URLs with a user name or password are not supported (they would be shown and stored)"),
        ("http://good.example\\@127.0.0.1/", "URLs with a user name or password are not supported (they would be shown and stored)"),
        ("http://1.1.1.1 &@2.2.2.2# @3.3.3.3/", "URLs with a user name or password are not supported (they would be shown and stored)"),
        # Percent-encoded hosts: some resolvers decode them, so none is taken.
        ("http://%31%32%37.0.0.1/", "not a valid host name (only letters, digits, dots and hyphens)"),
        ("http://127%2e0%2e0%2e1/", "not a valid host name (only letters, digits, dots and hyphens)"),
        ("http://127.0.0.1%09/", "not a valid host name (only letters, digits, dots and hyphens)"),
        ("http://a!b.example/", "not a valid host name (only letters, digits, dots and hyphens)"),
        ("http://１２７.０.０.１/", "not a valid URL (Invalid IDNA hostname: '１２７.０.０.１')"),  # full-width digits
        ("http://127.000.000.001/", "not a valid URL (Invalid IPv4 address: '127.000.000.001')"),
        ("//127.0.0.1/", "not a URL: it needs http:// or https://"),
        ("http:/127.0.0.1/", "the URL has no host name"),
        ("javascript:alert(1)", "only http:// and https:// URLs can be fetched, not javascript://"),
        ("HTTP://example.com:8080/", "port 8080 is not allowed (allowed: 80, 443; add ports to http.extra_ports)"),
    ],
)
def test_schemes_ports_and_credentials(url, reason):
    assert _refused(Fetcher(HttpSettings()), url).reason == reason


def test_extra_ports_are_allowed():
    guard = Guard(extra_ports=[8080], resolver=_table({"feeds.example": [PUBLIC]}))
    assert guard.check_url("http://feeds.example:8080/rss").port == 8080
    with pytest.raises(URLRefused):
        guard.check_url("http://feeds.example:8081/rss")


def test_the_extra_ports_setting_reaches_the_fetcher(settings, monkeypatch):
    from config import load_settings

    assert _refused(Fetcher(settings.http), "http://feeds.example:8080/rss").reason.startswith("port 8080 is not allowed")
    monkeypatch.setenv("NEWSBOT_HTTP__EXTRA_PORTS", "[8080, 8443]")
    http = load_settings().http
    assert http.extra_ports == [8080, 8443]
    fetcher = Fetcher(http)
    assert fetcher.guard.check_url("https://feeds.example:8443/rss").port == 8443
    assert _refused(fetcher, "http://feeds.example:8081/rss").reason == "port 8081 is not allowed (allowed: 80, 443, 8080, 8443; add ports to http.extra_ports)"
    # An extra port opens no address: loopback on it is still refused.
    assert _refused(fetcher, "http://127.0.0.1:8080/rss").reason == "refused: 127.0.0.1 is a loopback address"


def test_a_trailing_dot_changes_nothing():
    """"localhost." and "intranet.example." are the same names: whatever they resolve to is vetted."""
    guard = Guard(resolver=_table({"localhost.": ["127.0.0.1"], "intranet.example.": ["10.1.1.1"]}))
    fetcher = Fetcher(HttpSettings(), guard=guard)
    assert _refused(fetcher, "http://localhost./").reason == "refused: 127.0.0.1 is a loopback address"
    assert _refused(fetcher, "http://INTRANET.example./").reason == "refused: 10.1.1.1 is a private address"


def test_loopback_server_is_refused_by_default_and_reached_with_the_setting(http_server):
    url = http_server.route("/feed", Reply(body=b"<rss/>"))
    port = http_server.port
    guarded = Fetcher(HttpSettings(extra_ports=[port]))
    for form in (url, f"http://127.1:{port}/feed", f"http://2130706433:{port}/feed", f"http://0x7f.1:{port}/feed", f"http://localhost:{port}/feed"):
        assert _refused(guarded, form).reason == "refused: 127.0.0.1 is a loopback address"
    assert http_server.requests == []  # nothing reached the server

    allowed = Fetcher(HttpSettings(extra_ports=[port], allow_private_addresses=True))
    for form in (url, f"http://127.1:{port}/feed", f"http://2130706433:{port}/feed", f"http://0x7f.1:{port}/feed"):
        assert allowed.fetch(form).body == b"<rss/>"
    assert http_server.hits("/feed") == 4


def test_allow_private_addresses_is_off_by_default():
    from config import load_settings

    assert HttpSettings().allow_private_addresses is False
    assert load_settings().http.allow_private_addresses is False  # config/default.toml


@pytest.mark.parametrize("target", ["http://10.0.0.5/", "http://127.0.0.2:{port}/", "http://[::1]:{port}/", "http://169.254.169.254/"])
def test_redirect_to_an_inside_address_is_refused(http_server, target):
    """The first hop is allowed (127.0.0.1 only, for the test); the redirect must pass the guard again."""
    port = http_server.port
    start = http_server.route("/go", Reply(302, headers={"Location": target.format(port=port)}))
    guard = Guard(extra_ports=[port], allowed_networks=["127.0.0.1/32"])
    err = _refused(Fetcher(HttpSettings(extra_ports=[port]), guard=guard), start)
    assert err.refused and err.reason.startswith("refused: ")
    assert [r.path for r in http_server.requests] == ["/go"]


def test_redirect_to_another_scheme_or_port_is_refused(http_server):
    port = http_server.port
    guard = Guard(extra_ports=[port], allowed_networks=["127.0.0.1/32"])
    fetcher = Fetcher(HttpSettings(extra_ports=[port]), guard=guard)
    http_server.route("/file", Reply(302, headers={"Location": "file:///etc/passwd"}))
    http_server.route("/gopher", Reply(307, headers={"Location": "gopher://127.0.0.1:70/_SET%20x"}))
    http_server.route("/port", Reply(301, headers={"Location": "http://127.0.0.1:22/"}))
    http_server.route("/relative", Reply(302, headers={"Location": "//10.0.0.5/inside"}))  # scheme-relative
    http_server.route("/userinfo", Reply(302, headers={"Location": f"http://good.example@127.0.0.1:{port}/"}))
    assert _refused(fetcher, http_server.url("/file")).reason == "only http:// and https:// URLs can be fetched, not file://"
    assert _refused(fetcher, http_server.url("/gopher")).reason == "only http:// and https:// URLs can be fetched, not gopher://"
    assert _refused(fetcher, http_server.url("/port")).reason.startswith("port 22 is not allowed")
    assert _refused(fetcher, http_server.url("/relative")).reason == "refused: 10.0.0.5 is a private address"
    assert _refused(fetcher, http_server.url("/userinfo")).reason.startswith("URLs with a user name or password")
    assert {r.path for r in http_server.requests} == {"/file", "/gopher", "/port", "/relative", "/userinfo"}


def test_dns_rebinding_is_caught_at_connect_time(http_server):
    """The name resolves to a public address when the URL is checked and to 127.0.0.1 when the
    connection is made: the connection is refused, and the server never sees a request."""
    calls = []

    def rebinding(host, port):
        calls.append(host)
        return [PUBLIC] if len(calls) == 1 else ["127.0.0.1"]

    port = http_server.port
    http_server.route("/secret", Reply(body=b"internal"))
    fetcher = Fetcher(HttpSettings(extra_ports=[port]), guard=Guard(extra_ports=[port], resolver=rebinding))
    err = _refused(fetcher, f"http://rebind.example:{port}/secret")
    assert err.reason == "refused: 127.0.0.1 is a loopback address"
    assert len(calls) == 2  # once to check the URL, once when connecting
    assert http_server.requests == []


def test_connection_goes_to_the_vetted_address_not_a_fresh_lookup(http_server):
    """With the guard allowing only 127.0.0.1, a name that resolves there is reached through the
    guarded backend: the address the resolver hook returned is the one connected to."""
    port = http_server.port
    http_server.route("/x", Reply(body=b"ok"))
    seen = []

    def resolver(host, port_):
        seen.append((host, port_))
        return ["127.0.0.1"]

    guard = Guard(extra_ports=[port], resolver=resolver, allowed_networks=["127.0.0.1/32"])
    r = Fetcher(HttpSettings(extra_ports=[port]), guard=guard).fetch(f"http://no-such-name.invalid:{port}/x")
    assert r.body == b"ok" and ("no-such-name.invalid", port) in seen
    assert http_server.requests[-1].headers["Host"] == f"no-such-name.invalid:{port}"


def test_unresolvable_name_is_a_plain_failure_not_a_refusal():
    guard = Guard(resolver=_table({}))
    err = _refused(Fetcher(HttpSettings(), guard=guard), "http://nowhere.invalid/")
    assert err.reason == "could not find the server nowhere.invalid (no such host name)" and not err.refused


def test_address_kinds():
    assert address_kind(ipaddress.ip_address(PUBLIC)) is None
    assert address_kind(ipaddress.ip_address("2606:4700:4700::1111")) is None
    assert address_kind(ipaddress.ip_address("::ffff:8.8.8.8")) is None  # an IPv4-mapped address is its IPv4 one
    assert address_kind(ipaddress.ip_address("::ffff:169.254.1.1")) == "link-local"


def _refused(fetcher: Fetcher, url: str) -> FetchError:
    with pytest.raises(FetchError) as err:
        fetcher.fetch(url)
    return err.value


def _table(names: dict[str, list[str]]):
    import socket

    def resolve(host, port):
        if host not in names:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return names[host]

    return resolve


def test_a_resolver_that_never_answers_is_bounded():
    import threading
    import time

    release = threading.Event()

    def stuck(host, port):
        release.wait(10)
        return [PUBLIC]

    guard = Guard(resolver=stuck, resolve_timeout=0.3)
    t = time.monotonic()
    try:
        err = _refused(Fetcher(HttpSettings(), guard=guard), "http://slow-dns.example/")
    finally:
        release.set()
    assert err.reason == "could not find the server slow-dns.example (no answer within 0.3 s)"
    assert time.monotonic() - t < 1
