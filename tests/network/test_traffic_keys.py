"""Traffic keys with packet headers: protocol, dstPort, srcPort (docs/formats.md)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from hypothesis import given
from hypothesis import strategies as st

from rela.network import load_change
from rela.network.formats.common import FecProblem
from rela.network.formats.keys import parse_traffic
from rela.network.formats.snapshot import snapshot_schema
from rela.network.model import TrafficKey

from .conftest import rela_fec, write


def test_rela_json_keys_with_headers(tmp_path: Path) -> None:
    fec = rela_fec()
    fec["ipTrafficKeys"] = [
        {"dstIp": "10.0.0.0/24", "protocol": "tcp", "dstPort": 80, "srcPort": "1024-65535"},
        {"dstIp": "10.0.0.0/24", "protocol": 17, "dstPort": "53-53"},
        {"protocol": "ICMP"},
    ]
    (loaded,) = load_change(change=write(tmp_path / "c.json", [fec]))
    assert loaded.problem is None
    assert loaded.traffic == (
        TrafficKey(dst="10.0.0.0/24", protocol=6, dst_ports=(80, 80), src_ports=(1024, 65535)),
        TrafficKey(dst="10.0.0.0/24", protocol=17, dst_ports=(53, 53)),
        TrafficKey(protocol=1),
    )
    assert loaded.traffic[0].describe() == "dst 10.0.0.0/24, tcp, dport 80, sport 1024-65535"


def test_snapshot_keys_with_headers_and_unknown_fields(tmp_path: Path) -> None:
    good = {"key": "k", "traffic": [{"protocol": "udp", "srcPort": 123}], "paths": [["a"]]}
    bad = {"key": "j", "traffic": [{"proto": "udp"}], "paths": [["a"]]}
    path = write(tmp_path / "s.json", {"fecs": [good, bad]})
    first, second = load_change(before=path, after=path)
    assert first.traffic == (TrafficKey(protocol=17, src_ports=(123, 123)),)
    assert second.problem is not None
    assert "traffic[0]: unknown field 'proto' (allowed: dstIp, srcIp, qos, protocol, " in (
        second.problem
    )


def test_an_fec_without_keys_is_every_packet(tmp_path: Path) -> None:
    fec = rela_fec()
    fec["ipTrafficKeys"] = []
    (loaded,) = load_change(change=write(tmp_path / "c.json", [fec]))
    assert loaded.problem is None and loaded.traffic == ()


@pytest.mark.parametrize(
    ("key", "field", "message"),
    [
        ({"protocol": "sctp"}, "protocol", "unknown protocol 'sctp' (a number 0-255 or icmp"),
        ({"protocol": True}, "protocol", "got a boolean True"),
        ({"dstPort": "80"}, "dstPort", "expected a port 0-65535 or a range \"lo-hi\", got '80'"),
        ({"dstPort": "80-"}, "dstPort", "got '80-'"),
        ({"srcPort": " 1-2"}, "srcPort", "got ' 1-2'"),
        ({"srcPort": [1, 2]}, "srcPort", "got a list [1, 2]"),
        ({"qos": 10**30}, "qos", "1000000000000000000000000000000 is out of range"),
        ({"dstIp": "x" * 10_000}, "dstIp", "'xxxxxxxx"),
    ],
)
def test_bad_header_values_are_located(key: dict[str, Any], field: str, message: str) -> None:
    with pytest.raises(FecProblem) as info:
        parse_traffic([{"dstIp": "10.0.0.1"}, key], "ipTrafficKeys")
    assert info.value.field == f"ipTrafficKeys[1].{field}"
    assert message in info.value.message
    assert len(info.value.message) < 200  # a huge value is cut, not copied into the message


_ports = st.tuples(st.integers(0, 65535), st.integers(0, 65535)).map(lambda t: tuple(sorted(t)))
_keys = st.builds(
    TrafficKey,
    dst=st.none() | st.sampled_from(["10.0.0.0/8", "10.1.2.3", "2001:db8::/32"]),
    src=st.none() | st.just("192.0.2.0/24"),
    qos=st.none() | st.integers(0, 255),
    protocol=st.none() | st.integers(0, 255),
    dst_ports=st.none() | _ports,
    src_ports=st.none() | _ports,
)


@given(st.lists(_keys, max_size=4))
def test_to_dict_round_trips_through_the_loader(keys: list[TrafficKey]) -> None:
    """What the reports write (``TrafficKey.to_dict``) reads back as the same keys."""
    as_json = json.loads(json.dumps([k.to_dict() for k in keys]))
    assert parse_traffic(as_json, "traffic", strict=True) == tuple(keys)


VALID_HEADERS = [
    {"protocol": 6, "dstPort": 443},
    {"protocol": "Tcp", "srcPort": "0-65535"},
    {"protocol": "icmpv6"},
    {"dstIp": "10.0.0.0/8", "qos": 255},
]
INVALID_HEADERS = [
    {"protocol": 256},
    {"protocol": "gre"},
    {"dstPort": 70000},
    {"dstPort": "1-70000"},
    {"srcPort": "x-y"},
    {"qos": 256},
    {"qos": 99999999999999999999},
]


@pytest.mark.parametrize("key", VALID_HEADERS)
def test_schema_and_loader_accept_header_keys(tmp_path: Path, key: dict[str, Any]) -> None:
    document = {"fecs": [{"key": "k", "traffic": [key], "paths": [["a"]]}]}
    jsonschema.validate(document, snapshot_schema())
    path = write(tmp_path / "s.json", document)
    (fec,) = load_change(before=path, after=path)
    assert fec.problem is None


@pytest.mark.parametrize("key", INVALID_HEADERS)
def test_schema_and_loader_refuse_bad_header_keys(tmp_path: Path, key: dict[str, Any]) -> None:
    document = {"fecs": [{"key": "k", "traffic": [key], "paths": [["a"]]}]}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(document, snapshot_schema())
    path = write(tmp_path / "s.json", document)
    (fec,) = load_change(before=path, after=path)
    assert fec.problem is not None and "traffic[0]." in fec.problem
