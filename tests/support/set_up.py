"""What the first-run tests share — headless (``tests/core/test_setup.py``, ``test_office_setup.py``) and through the
wizard's widgets (``tests/ui/test_setup_wizard*.py``): a real receiving office and the key file it hands to its
communes, the commune's first two accounts, and the wizard itself, made and pressed through.

The fixtures are imported by the modules that use them (``from support.set_up import keys_office  # noqa: F401``).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication, QWizard

from cds_desktop.core.paths import DataDir
from cds_desktop.core.plans.loader import PlanCatalog
from cds_desktop.core.services.accounts import NewUser
from cds_desktop.core.services.office.service import OfficeService
from cds_desktop.core.services.roles import Role
from cds_desktop.core.services.setup import CommuneSetup
from cds_desktop.ui.setup_wizard.kind_page import Kind
from cds_desktop.ui.setup_wizard.wizard import Page, SetupWizard
from cds_desktop.ui.shell.qt_translator import QtLanguage

OFFICE_NAME = "Sở Khoa học và Công nghệ tỉnh Lâm Đồng"
PASS_OFFICE = "mật khẩu sở KHCN 2025"
COMMUNES_CSV = "code,name,province\n24751,Xã Nhân Cơ,68\n24752,Phường Bắc Gia Nghĩa,68\n"
ADMIN = NewUser("quan_tri", "Trần Văn Quản", frozenset({Role.ADMIN}), "quản trị 2025!")  # a commune's administrator
LEADER = NewUser("chu_tich", "Nguyễn Văn Chủ", frozenset({Role.LEADER}), "Chủ tịch xã 2025")
PASS_SIGNING = "khóa ký xã Nhân Cơ 2025"
# a commune's set-up answers, its office's key file left for later
COMMUNE_WITHOUT_OFFICE = CommuneSetup("vi", "68", "24751", "Xã Nhân Cơ", None, None, (ADMIN, LEADER), PASS_SIGNING)
SIGNING_PASSPHRASE = "Cau mat khau rat dai cua xa Nhan Co 2025"  # the commune's signing key, typed: ASCII
NEXT, BACK, FINISH = QWizard.WizardButton.NextButton, QWizard.WizardButton.BackButton, QWizard.WizardButton.FinishButton


@pytest.fixture(scope="module")
def keys_office(tmp_path_factory):
    """A real province office of Lâm Đồng (68) receiving from 24751 Xã Nhân Cơ and 24752 Phường Bắc Gia Nghĩa,
    made once per module (its keys take a few seconds); its key file is ``org_keys``. It runs on the real clock:
    the wizard checks the key file's expiry against today."""
    folder = tmp_path_factory.mktemp("office")
    service = OfficeService(DataDir(folder / "data"), PlanCatalog([]))
    service.init_office("68", OFFICE_NAME, "province", PASS_OFFICE)
    communes = folder / "communes.csv"
    communes.write_text(COMMUNES_CSV, encoding="utf-8-sig")
    service.import_communes(communes)
    service.export_keys(folder / "org-keys.json", PASS_OFFICE)
    yield service
    service.close()


@pytest.fixture
def org_keys(keys_office) -> Path:
    """The key file of ``keys_office`` (signed by its root key)."""
    return keys_office.data_dir.root.parent / "org-keys.json"


@pytest.fixture
def make_wizard(qtbot, tmp_path, clock):
    """A function showing the set-up wizard over a new data folder, in a language; the wizards are closed after."""
    made = []

    def make(language: str = "vi") -> SetupWizard:
        qt_language = QtLanguage(QApplication.instance())
        qt_language.apply(language)
        wizard = SetupWizard(DataDir(tmp_path / "set-up"), qt_language, clock=clock)
        qtbot.addWidget(wizard)
        wizard.show()
        made.append((wizard, qt_language))
        return wizard

    yield make
    for wizard, qt_language in made:
        wizard.tasks.wait()
        if wizard.service is not None:
            wizard.service.close()
        qt_language.apply("en")


def press(wizard: SetupWizard, which=NEXT) -> None:
    wizard.button(which).click()


def to_office_database(wizard: SetupWizard) -> None:
    """From the wizard's first page to where the office's data is kept (the office branch's first page)."""
    press(wizard)
    wizard.kind_page.office.click()
    press(wizard)
    assert wizard.currentId() == Page.OFFICE_DATABASE and wizard.kind() is Kind.OFFICE


def to_office_identity(wizard: SetupWizard) -> None:
    """From the wizard's first page to the office's identity, its data kept on this PC (the default)."""
    to_office_database(wizard)
    assert wizard.office_database_page.local.isChecked()
    press(wizard)
    assert wizard.currentId() == Page.OFFICE_IDENTITY


def type_user(qtbot, form, username, name, roles, password, repeat=None) -> None:
    """Fill a wizard's account form as a person types it (QTest types ASCII only)."""
    qtbot.keyClicks(form.username, username)
    qtbot.keyClicks(form.display_name, name)
    for role in roles:
        form.roles.boxes[role].click()
    qtbot.keyClicks(form.password.first, password)
    qtbot.keyClicks(form.password.repeat, password if repeat is None else repeat)
