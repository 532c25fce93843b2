"""Host header parsing, the allowed-host policy, the token's sources and log redaction."""

from __future__ import annotations

import logging

import pytest

from app.settings import Settings
from app.web.access import AccessToken, RedactTokens, resolve_token
from app.web.hosts import HostPolicy, binds_loopback, split_host, startup_warnings


@pytest.mark.parametrize("value, expected", [
    ("localhost:5000", ("localhost", 5000)), ("LocalHost.", ("localhost", None)),
    ("[::1]:80", ("[::1]", 80)), ("::1", ("[::1]", None)), ("10.0.0.2", ("10.0.0.2", None)),
    (".lan.example", (".lan.example", None)), ("a:b", None), ("a:0", None), ("a:70000", None),
    ("evil.example:5000/x", None), ("ex ample", None), ("", None), ("[::1", None), ("a@b", None)])
def test_split_host(value: str, expected: object) -> None:
    assert split_host(value) == expected


def test_policy_defaults_follow_the_bound_address() -> None:
    loopback = HostPolicy.from_settings(Settings(HOST="127.0.0.1"))
    assert loopback.allows("localhost:1") and loopback.allows("[::1]:5000") and loopback.allows("127.0.0.1")
    assert not loopback.allows("evil.example:5000") and not loopback.allows(None) and not loopback.allows("")
    lan = HostPolicy.from_settings(Settings(HOST="192.168.1.5", PUBLIC_URL="https://flows.example.org/app"))
    assert lan.allows("192.168.1.5:5000") and lan.allows("flows.example.org") and lan.allows("localhost:5000")
    assert not lan.allows("192.168.1.6:5000")
    wildcard = HostPolicy.from_settings(Settings(HOST="0.0.0.0"))
    assert wildcard.allows("localhost:5000") and not wildcard.allows("0.0.0.0:5000")


def test_policy_from_allowed_hosts() -> None:
    policy = HostPolicy.from_settings(Settings(ALLOWED_HOSTS="flows.example, .lan.example, box.example:8443"))
    assert policy.allows("flows.example:1") and policy.allows("lan.example") and policy.allows("a.b.lan.example")
    assert policy.allows("box.example:8443") and not policy.allows("box.example:5000")
    assert not policy.allows("evillan.example") and not policy.allows("flows.example.evil")
    assert policy.allows_origin("http://flows.example:5173") and not policy.allows_origin("null")
    assert not policy.allows_origin("file://flows.example") and not policy.allows_origin("http://evil.example")
    assert HostPolicy.from_settings(Settings(ALLOWED_HOSTS="*")).allows("anything.example")


@pytest.mark.parametrize("host, expected", [("127.0.0.1", True), ("localhost", True), ("::1", True),
                                            ("0.0.0.0", False), ("::", False), ("192.168.1.5", False)])
def test_binds_loopback(host: str, expected: bool) -> None:
    assert binds_loopback(Settings(HOST=host)) is expected


def test_resolve_token() -> None:
    assert resolve_token(Settings(HOST="127.0.0.1")) is None
    generated = resolve_token(Settings(HOST="0.0.0.0"))
    assert generated is not None and generated.generated and len(generated.value) >= 32
    assert resolve_token(Settings(HOST="0.0.0.0")) != generated  # new at every start
    fixed = resolve_token(Settings(HOST="127.0.0.1", AUTH_TOKEN="s3cret"))
    assert fixed is not None and fixed.value == "s3cret" and not fixed.generated


def test_token_sources_and_verdicts() -> None:
    token = AccessToken("s3cret", cookie_name="c")
    assert token.verdict({}) == "missing"
    assert token.verdict({"HTTP_AUTHORIZATION": "Bearer s3cret"}) == "ok"
    assert token.verdict({"HTTP_AUTHORIZATION": "Basic s3cret"}) == "missing"
    assert token.verdict({"QUERY_STRING": "a=1&token=s3cret"}) == "ok"
    assert token.verdict({"HTTP_COOKIE": "c=s3cret; d=1"}) == "ok"
    assert token.verdict({"HTTP_COOKIE": "c=old", "QUERY_STRING": "token=s3cret"}) == "ok"
    assert token.verdict({"HTTP_COOKIE": "c=old"}) == "wrong"
    assert token.admits_socket({}, {"token": "s3cret"}) and not token.admits_socket({}, {"token": 1})
    assert not token.matches("s3cret ") and not token.matches(None)


def test_redaction_hides_token_values() -> None:
    record = logging.LogRecord("x", logging.INFO, __file__, 1, '"GET /?tab=1&token=%s HTTP/1.1" 302', ("abc",), None)
    RedactTokens().filter(record)
    assert record.getMessage() == '"GET /?tab=1&token=[redacted] HTTP/1.1" 302'


def test_startup_warnings() -> None:
    assert startup_warnings(Settings(HOST="127.0.0.1")) == []
    assert "not set" in startup_warnings(Settings(HOST="0.0.0.0"))[0]
    assert "evil/path" in startup_warnings(Settings(ALLOWED_HOSTS="ok.example, evil/path, *"))[0]
