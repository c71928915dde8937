"""The letter that goes with the office's key file (``reports/key_letter.py``): assembled from the key file itself,
read back and verified against the office's root, so that the letter describes exactly the file that was written.

``export_keys_with_letter`` writes both, side by side: the signed key file and the letter, named after it
(``khoa-68.json`` → ``khoa-68-cong-van.pdf``). Only an
administrator may (``Permission.MANAGE``, as for ``export_keys``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from cds_desktop.core.bundle.keyfiles import MAX_ORG_KEYS_SIZE, verify_org_keys
from cds_desktop.core.errors import InputError
from cds_desktop.core.i18n import translate
from cds_desktop.core.provinces import province
from cds_desktop.core.reports.data import DocumentInfo, Issuer, Signature, WrittenReport
from cds_desktop.core.reports.key_letter import KeyLetterData, render_key_letter
from cds_desktop.core.services.key_files import read_key_file
from cds_desktop.core.services.office.report import CAPACITY_BY_LEVEL, DEFAULT_CAPACITY
from cds_desktop.core.services.office.service import OfficeService
from cds_desktop.core.services.roles import Permission

BLANK_NUMBER = "\u2002" * 8  # written in by hand


@dataclass(frozen=True)
class ExportedKeys:
    key_file: Path
    letter: WrittenReport
    list_version: int
    fingerprint: str  # the office's root key, grouped by four
    plan_files: tuple[Path, ...] = ()  # the office's published plans written beside the key file


def _place(province_code: str | None) -> str | None:
    """The place of the date line: the office's province ("Lâm Đồng", "Hà Nội"), when it is one of the 34."""
    try:
        return province(province_code or "").name.removeprefix("Thành phố ")
    except InputError:
        return None


def letter_path(key_file: Path, language: str = "vi") -> Path:
    """Where the letter of ``key_file`` is written: beside it, named after it."""
    return key_file.with_name(translate("key_letter.file_name", language, stem=key_file.stem))


def key_letter_data(office: OfficeService, key_file: Path, language: str = "vi", *, number: str | None = None,
                    date: dt.date | None = None, place: str | None = None, signer: str = "") -> KeyLetterData:
    """What the letter for the key file at ``key_file`` says; ``BundleError`` when that file is not the office's
    own, valid key file."""
    identity = office.require_identity()
    fingerprint = office.root_fingerprint()
    body = verify_org_keys(read_key_file(key_file, MAX_ORG_KEYS_SIZE), pinned_root=fingerprint,
                           now=office.clock()).body
    subject = translate("key_letter.subject", language)
    document = DocumentInfo(
        issuer=Issuer(name_lines=(identity.name.upper(),), name=identity.name),
        number=number or BLANK_NUMBER,
        place=place or _place(identity.province_code) or identity.name,
        date=date or office.clock().date(),
        subject=subject,
        signature=Signature(capacity_lines=CAPACITY_BY_LEVEL.get(identity.level, DEFAULT_CAPACITY),
                            signer_name=signer),
        recipients=(translate("key_letter.addressees", language),),
    )
    return KeyLetterData(document=document, office_name=identity.name,
                         addressees=translate("key_letter.addressees", language), key_file_name=key_file.name,
                         list_version=body.list_version, valid_until=body.expires_at.astimezone().date(),
                         communes=len(body.communes), fingerprint=fingerprint, language=language)


def export_keys_with_letter(office: OfficeService, key_file: Path, passphrase: str, language: str = "vi", *,
                            number: str | None = None, date: dt.date | None = None, place: str | None = None,
                            signer: str = "") -> ExportedKeys:
    """Write the signed key file at ``key_file`` (``export_keys``), the letter beside it (``letter_path``) and the
    office's published plans (``export_published_plans``: the communes import them with the key file)."""
    office.authorize(Permission.MANAGE)
    key_file = Path(key_file)
    version = office.export_keys(key_file, passphrase)
    plan_files = tuple(office.export_published_plans(key_file.parent))
    data = key_letter_data(office, key_file, language, number=number, date=date, place=place, signer=signer)
    letter = letter_path(key_file, language)
    return ExportedKeys(key_file, WrittenReport(letter, render_key_letter(data, letter)), version, data.fingerprint,
                        plan_files)
