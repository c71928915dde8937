"""Keys: ids, fingerprints, seeds, and private key files sealed with a passphrase."""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

import pytest
from bundle_helpers import COMMUNE_KEY, OFFICE_KEY, Entropy, refusal

from cds_desktop.core.bundle import (
    Code,
    EncryptionKey,
    KeyKind,
    PublicKey,
    SigningKey,
    group_for_reading,
    load_encryption_key,
    load_signing_key,
    normalize_fingerprint,
    open_private_key,
    save_private_key,
    seal_private_key,
)
from cds_desktop.core.bundle.canonical import encode

PASSPHRASE = "Mật khẩu của xã 2023"


def test_key_id_depends_on_kind_and_key() -> None:
    assert COMMUNE_KEY.public.key_id != OFFICE_KEY.public.key_id
    assert len(COMMUNE_KEY.public.key_id) == 32
    assert PublicKey(KeyKind.ED25519, COMMUNE_KEY.public.raw) == COMMUNE_KEY.public


def test_fingerprint_is_read_in_groups_of_four() -> None:
    fingerprint = OFFICE_KEY.public.fingerprint

    assert fingerprint == group_for_reading(OFFICE_KEY.public.key_id)
    assert [len(group) for group in fingerprint.split(" ")] == [4] * 8


def test_typed_fingerprint_is_normalised() -> None:
    typed = OFFICE_KEY.public.fingerprint.lower().replace(" ", "-")

    assert normalize_fingerprint(typed) == OFFICE_KEY.public.key_id


def test_public_key_of_the_wrong_length_is_refused() -> None:
    with pytest.raises(ValueError):
        PublicKey(KeyKind.ED25519, bytes(31))


def test_keys_are_rebuilt_from_their_seeds() -> None:
    assert SigningKey.from_seed(COMMUNE_KEY.seed).public == COMMUNE_KEY.public
    assert EncryptionKey.from_seed(OFFICE_KEY.seed).public == OFFICE_KEY.public


def test_signatures_verify_only_with_the_signing_key() -> None:
    signature = COMMUNE_KEY.sign(b"message")

    assert COMMUNE_KEY.public.verify(signature, b"message")
    assert not COMMUNE_KEY.public.verify(signature, b"messagE")
    assert not OFFICE_KEY.public.verify(signature, b"message")


@pytest.fixture(scope="module")
def sealed_signing_key() -> bytes:
    return seal_private_key(COMMUNE_KEY, PASSPHRASE, entropy=Entropy(b"test key file"))


def test_key_file_opens_with_the_passphrase_in_either_unicode_form(sealed_signing_key: bytes) -> None:
    decomposed = unicodedata.normalize("NFD", PASSPHRASE)

    assert open_private_key(sealed_signing_key, decomposed).seed == COMMUNE_KEY.seed


def test_key_file_does_not_contain_the_seed(sealed_signing_key: bytes) -> None:
    assert COMMUNE_KEY.seed not in sealed_signing_key
    assert COMMUNE_KEY.seed.hex().encode() not in sealed_signing_key


def test_wrong_passphrase(sealed_signing_key: bytes) -> None:
    assert refusal(open_private_key, sealed_signing_key, "mật khẩu sai").code == Code.WRONG_PASSPHRASE


def test_changed_field_breaks_the_seal(sealed_signing_key: bytes) -> None:
    document = json.loads(sealed_signing_key)
    document["kind"] = "mlkem768-x25519"

    assert refusal(open_private_key, encode(document), PASSPHRASE).code == Code.WRONG_PASSPHRASE


def test_weakened_kdf_is_refused_without_trying(sealed_signing_key: bytes) -> None:
    document = json.loads(sealed_signing_key)
    document["kdf"]["log_n"] = 10

    assert refusal(open_private_key, encode(document), PASSPHRASE).code == Code.KEYFILE_INVALID


def test_garbage_is_not_a_key_file() -> None:
    assert refusal(open_private_key, b"-----BEGIN PRIVATE KEY-----", PASSPHRASE).code == Code.KEYFILE_INVALID


def test_short_passphrase_is_refused() -> None:
    assert refusal(seal_private_key, COMMUNE_KEY, "1234567").code == Code.PASSPHRASE_TOO_SHORT


def test_saved_keys_load_by_kind(tmp_path: Path) -> None:
    save_private_key(tmp_path / "office.key", OFFICE_KEY, PASSPHRASE)

    assert load_encryption_key(tmp_path / "office.key", PASSPHRASE).public == OFFICE_KEY.public
    error = refusal(load_signing_key, tmp_path / "office.key", PASSPHRASE)
    assert error.code == Code.KEYFILE_KIND


def test_missing_key_file(tmp_path: Path) -> None:
    assert refusal(load_signing_key, tmp_path / "absent.key", PASSPHRASE).code == Code.UNREADABLE
