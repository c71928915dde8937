"""The golden files in ``tests/fixtures/bundles``: how they are made, and how to remake them.

A golden bundle cannot be fully reproduced (HPKE encapsulation and the Cobblestone nonce draw their own
randomness), so ``golden.cdsb`` is kept as written once; the tests check that it still verifies to the expected
records and attachment, and that the writer's deterministic parts (header core, manifest) still come out as the
bytes in ``golden-header-core.json`` and ``golden-manifest.json``. Signed documents and the private key file are
fully deterministic and compared byte for byte.

Only after a deliberate format change (and a new section in docs/bundle-format.md)::

    uv run python tests/core/bundle/bundle_golden.py
"""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

from bundle_helpers import (
    COMMUNE,
    COMMUNE_KEY,
    COMMUNE_NEXT_KEY,
    CREATED_AT,
    FIXTURES,
    OFFICE,
    OFFICE_KEY,
    OFFICE_NEXT_KEY,
    OFFICE_ROOT,
    SERIES,
    Entropy,
    pattern_bytes,
    verify,
    write_sample,
)

from cds_desktop.core.bundle import (
    Commune,
    EncryptionKeyStatus,
    Office,
    OfficeLevel,
    ReceiptDecision,
    Recipient,
    WrittenBundle,
    make_enrollment,
    make_receipt,
    seal_private_key,
    sign_org_keys,
)

GOLDEN_ENTROPY = b"cds golden bundle v1"
GOLDEN_RECORDS = {
    "records/indicators.json": {"fibre_households": "75", "smartphone_ratio": "80.5", "unit": "Xã Nhân Cơ"},
    "records/tasks.json": [{"code": "3a", "progress_pct": 100, "result": "Đã hoàn thành"}],
}
GOLDEN_ATTACHMENT_NAME = "evidence/Biên bản họp.pdf"
GOLDEN_ATTACHMENT = pattern_bytes(40_000, b"golden attachment")
GOLDEN_PASSPHRASE = "mật khẩu thử nghiệm"
ISSUED_AT = dt.datetime(2023, 1, 5, 9, 0, tzinfo=dt.timezone.utc)
EXPIRES_AT = dt.datetime(2033, 1, 5, 9, 0, tzinfo=dt.timezone.utc)
OFFICE_INFO = Office(code=OFFICE, name="Sở Thông tin và Truyền thông tỉnh Đắk Nông", level=OfficeLevel.PROVINCE)
COMMUNES = [Commune(code=COMMUNE, name="Xã Nhân Cơ"), Commune(code="24752", name="Xã Nghĩa Thắng")]


def write_golden_bundle(folder: Path) -> WrittenBundle:
    """The golden bundle's content, written now (deterministic except for HPKE and Cobblestone randomness)."""
    return write_sample(
        folder,
        attachments={GOLDEN_ATTACHMENT_NAME: GOLDEN_ATTACHMENT},
        records=GOLDEN_RECORDS,
        recipients=[Recipient(OFFICE, OFFICE_KEY.public), Recipient(OFFICE, OFFICE_NEXT_KEY.public)],
        entropy=Entropy(GOLDEN_ENTROPY),
        created_at=CREATED_AT,
    )


def golden_documents() -> dict[str, bytes]:
    """Every fully deterministic golden file, by file name."""
    return {
        "golden-org-keys.json": sign_org_keys(
            OFFICE_ROOT,
            office=OFFICE_INFO,
            list_version=3,
            issued_at=ISSUED_AT,
            expires_at=EXPIRES_AT,
            encryption_keys=[
                (OFFICE_KEY.public, EncryptionKeyStatus.ACTIVE),
                (OFFICE_NEXT_KEY.public, EncryptionKeyStatus.RETIRED),
            ],
            communes=COMMUNES,
        ),
        "golden-enrollment.json": make_enrollment(
            COMMUNE_KEY, org=COMMUNE, org_name="Xã Nhân Cơ", created_at=ISSUED_AT
        ),
        "golden-rotation.json": make_enrollment(
            COMMUNE_NEXT_KEY, org=COMMUNE, org_name="Xã Nhân Cơ", created_at=ISSUED_AT, previous_key=COMMUNE_KEY
        ),
        "golden-receipt.json": make_receipt(
            OFFICE_ROOT,
            office=OFFICE,
            series=SERIES,
            revision=2,
            bundle_id="00112233445566778899aabbccddeeff",
            manifest_sha256="ab" * 32,
            decision=ReceiptDecision.RETURNED,
            reason="Thiếu biên bản kiểm tra hạ tầng cáp quang.",
            issued_at=ISSUED_AT,
        ),
        "golden-private-key.json": seal_private_key(
            COMMUNE_KEY, GOLDEN_PASSPHRASE, entropy=Entropy(b"golden key file")
        ),
    }


def main() -> None:
    with tempfile.TemporaryDirectory() as temp:
        written = write_golden_bundle(Path(temp))
        (FIXTURES / "golden.cdsb").write_bytes(written.path.read_bytes())
        verified = verify(FIXTURES / "golden.cdsb", Path(temp) / "quarantine")
    (FIXTURES / "golden-header-core.json").write_bytes(verified.header.core.canonical())
    (FIXTURES / "golden-manifest.json").write_bytes(verified.manifest.canonical())
    for name, data in golden_documents().items():
        (FIXTURES / name).write_bytes(data)
    print(f"golden files written to {FIXTURES}")


if __name__ == "__main__":
    main()
