"""Property: no flip, truncation or insertion of bytes anywhere in a valid bundle ever verifies, and every
refusal is a ``BundleError`` with a known code (never a crash, never a partially imported quarantine)."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from bundle_helpers import OFFICE, OFFICE_KEY, OFFICE_NEXT_KEY, pattern_bytes, verify, write_sample
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cds_desktop.core.bundle import Code, Recipient
from cds_desktop.core.errors import BundleError

KNOWN_CODES = set(Code)
PROPERTY_SETTINGS = settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@pytest.fixture(scope="module")
def original(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """A valid bundle with two recipients, two records and an attachment spanning a few chunks."""
    written = write_sample(
        tmp_path_factory.mktemp("original"),
        attachments={"evidence/a.pdf": pattern_bytes(50_000)},
        recipients=[Recipient(OFFICE, OFFICE_KEY.public), Recipient(OFFICE, OFFICE_NEXT_KEY.public)],
    )
    return written.path.read_bytes()


def assert_refused(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as temp:
        path = Path(temp) / "mutated.cdsb"
        path.write_bytes(data)
        with pytest.raises(BundleError) as caught:
            verify(path, Path(temp) / "q")
        assert caught.value.code in KNOWN_CODES
        assert not (Path(temp) / "q").exists()


def test_the_original_verifies(original: bytes, tmp_path: Path) -> None:
    path = tmp_path / "original.cdsb"
    path.write_bytes(original)

    verify(path, tmp_path / "q")


@PROPERTY_SETTINGS
@given(data=st.data())
def test_any_bit_flip_is_refused(original: bytes, data: st.DataObject) -> None:
    position = data.draw(st.integers(0, len(original) - 1), label="position")
    bit = data.draw(st.integers(0, 7), label="bit")
    mutated = bytearray(original)
    mutated[position] ^= 1 << bit

    assert_refused(bytes(mutated))


@PROPERTY_SETTINGS
@given(data=st.data())
def test_any_truncation_is_refused(original: bytes, data: st.DataObject) -> None:
    length = data.draw(st.integers(0, len(original) - 1), label="length")

    assert_refused(original[:length])


@PROPERTY_SETTINGS
@given(data=st.data())
def test_any_insertion_is_refused(original: bytes, data: st.DataObject) -> None:
    position = data.draw(st.integers(0, len(original)), label="position")
    inserted = data.draw(st.binary(min_size=1, max_size=64), label="inserted")

    assert_refused(original[:position] + inserted + original[position:])
