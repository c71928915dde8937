"""The block pipeline gives the same bytes inline (small payloads) and threaded (large ones)."""

import hashlib
import io

import pytest

from cds_desktop.core.bundle.pipeline import run_pipeline
from cds_desktop.core.progress import CancelToken, Cancelled


def _run(data: bytes, size_hint, block_size=1024, cancel=None) -> bytes:
    source, out = io.BytesIO(data), bytearray()

    def transform(block, target):
        target[: len(block)] = bytes(b ^ 0x5A for b in block)
        return len(block)

    run_pipeline(source.readinto, transform, out.extend, block_size=block_size, output_size=block_size,
                 cancel=cancel, size_hint=size_hint)
    return bytes(out)


@pytest.mark.parametrize("size", [0, 1, 1000, 1024, 1025, 5000])
def test_inline_and_threaded_paths_agree(size):
    data = hashlib.sha256(str(size).encode()).digest() * (size // 32 + 1)
    data = data[:size]
    expected = bytes(b ^ 0x5A for b in data)
    assert _run(data, size_hint=len(data)) == expected  # inline when it fits one block
    assert _run(data, size_hint=None) == expected  # threaded


def test_inline_path_honours_cancel():
    token = CancelToken()
    token.cancel()
    with pytest.raises(Cancelled):
        _run(b"x" * 100, size_hint=100, cancel=token)
