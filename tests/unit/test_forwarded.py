"""The client address behind a trusted reverse proxy (issue 16): taken from X-Forwarded-For as the proxy
wrote it, never from what the client wrote there itself, and ignored from a peer that is no proxy."""

from __future__ import annotations

import dataclasses

import pytest

from app.web import middleware


@pytest.fixture
def proxies(monkeypatch):
    def use(*nets: str) -> None:
        monkeypatch.setattr(
            middleware, "settings", dataclasses.replace(middleware.settings, trusted_proxies=nets)
        )
        middleware._trusted_networks.cache_clear()

    yield use
    middleware._trusted_networks.cache_clear()


def test_the_proxy_s_entry_is_the_client(proxies):
    proxies("10.0.0.0/24")
    assert middleware.forwarded_client("10.0.0.5", "203.0.113.9") == "203.0.113.9"


def test_a_forged_entry_to_the_left_is_not_taken(proxies):
    proxies("10.0.0.5")
    # The client sent "X-Forwarded-For: 1.2.3.4"; nginx appended the address it saw.
    assert middleware.forwarded_client("10.0.0.5", "1.2.3.4, 198.51.100.7") == "198.51.100.7"


def test_chained_proxies_are_skipped_from_the_right(proxies):
    proxies("10.0.0.0/8")
    assert middleware.forwarded_client("10.0.0.5", "1.2.3.4, 198.51.100.7, 10.1.2.3") == "198.51.100.7"


def test_an_untrusted_peer_s_header_is_ignored(proxies):
    proxies("10.0.0.5")
    assert middleware.forwarded_client("192.0.2.1", "198.51.100.7") == "192.0.2.1"


def test_garbage_in_the_header_keeps_the_peer(proxies):
    proxies("10.0.0.5")
    assert middleware.forwarded_client("10.0.0.5", "1.2.3.4, not-an-ip") == "10.0.0.5"


def test_without_proxies_nothing_is_trusted(proxies):
    proxies()
    assert middleware.forwarded_client("127.0.0.1", "198.51.100.7") == "127.0.0.1"
