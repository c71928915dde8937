"""The office's own plans (``services/office/plans.py``): drafts validated, published as signed files a commune
verifies with the office root, versions, the replaced status, the files written, who may, and what the office's
import accepts — with a real office, real communes (their services, keys and bundles) and real signed files.
"""

from __future__ import annotations

import shutil
from contextlib import contextmanager
import sqlite3
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from cds_desktop.core.bundle.errors import Code
from cds_desktop.core.bundle.plan_files import PlanStatus, verify_plan_file
from cds_desktop.core.errors import CdsError, PermissionDeniedError
from cds_desktop.core.paths import DataDir
from cds_desktop.core.plans.document import check_plan_document, plan_document
from cds_desktop.core.plans.loader import PlanCatalog
from cds_desktop.core.plans.model import Plan
from cds_desktop.core.services.commune.exchange import CommuneExchange
from cds_desktop.core.services.commune.service import CommuneService
from cds_desktop.core.services.office.import_log import OutcomeKind
from cds_desktop.core.services.office.key_letter import export_keys_with_letter
from cds_desktop.core.services.office.report import office_report_data
from cds_desktop.core.services.office.service import OfficeService
from cds_desktop.core.services.roles import Principal, Role
from support.office_plans import commune_of, report_on
from tests.core.exchange.conftest import PASS_COMMUNE, PASS_OFFICE, office  # noqa: F401 - the office fixture

FIXTURES = Path(__file__).parents[1] / "fixtures"
NEW = "68-2026"
Q1 = "2023Q1"
OFFICE_NAME = "Sở Khoa học và Công nghệ tỉnh Lâm Đồng"


def _published(office: OfficeService, clock, plan_id: str = NEW) -> None:
    office.start_plan_draft("mini-plan", plan_id)
    office.publish_plan(plan_id, None, PASS_OFFICE, "truong_phong")
    clock.advance(minutes=1)


def _second_version(office: OfficeService, clock, note: str | None = "Nâng chỉ tiêu 1a lên 85%") -> dict:
    document = office.start_plan_draft(NEW)
    document["groups"][0]["indicators"][0]["target"]["value"] = 85
    office.save_plan_draft(document)
    if note is not None:
        office.publish_plan(NEW, note, PASS_OFFICE, "truong_phong")
        clock.advance(minutes=1)
    return document


@contextmanager
def refused_with(code: str):
    """The block raises a ``CdsError`` of ``code`` whose message reads in Vietnamese, every field filled."""
    with pytest.raises(CdsError) as refused:
        yield
    assert refused.value.code == code
    assert "{" not in refused.value.message("vi")


# --- drafts ---------------------------------------------------------------------------------------

def test_a_copy_of_a_built_in_plan_is_version_1_issued_by_the_office(office):
    document = office.start_plan_draft("mini-plan", NEW)
    assert document["plan"]["id"] == NEW and document["plan"]["plan_version"] == 1
    assert document["plan"]["issuing_body"] == {"name": {"vi": OFFICE_NAME, "en": OFFICE_NAME}, "level": "province"}
    assert office.plan_draft(NEW) == document
    (row,) = [row for row in office.office_plans() if row.plan_id == NEW]
    assert (row.origin, row.status, row.draft_version, row.published_version) == ("office", "draft", 1, None)
    assert [row.plan_id for row in office.office_plans()] == [NEW, "mini-plan"]  # the office's plans first


def test_a_draft_with_a_bad_field_is_refused_naming_it_and_the_stored_draft_stays(office):
    document = office.start_plan_draft("mini-plan", NEW)
    document["groups"][0]["indicators"][0]["kind"] = "bogus"
    with pytest.raises(CdsError) as refused:
        office.save_plan_draft(document)
    assert refused.value.code == "plan.invalid"
    assert refused.value.params["path"] == "groups[0].indicators[0].kind"
    assert office.plan_draft(NEW)["groups"][0]["indicators"][0]["kind"] == "ratio"


@pytest.mark.parametrize("new_id, code", [
    ("Kế hoạch", "office_plans.bad_id"), ("x", "office_plans.bad_id"), ("mini-plan", "office_plans.id_taken"),
])
def test_a_copy_needs_a_valid_free_id(office, new_id, code):
    with pytest.raises(CdsError) as refused:
        office.start_plan_draft("mini-plan", new_id)
    assert refused.value.code == code
    assert "{" not in refused.value.message("vi")


def test_the_id_and_version_rules_of_a_draft(office, clock):
    with refused_with("office_plans.new_id_required"):
        office.start_plan_draft("mini-plan")  # a built-in plan: only a copy under a new id
    document = office.start_plan_draft("mini-plan", NEW)
    with refused_with("office_plans.draft_exists"):
        office.start_plan_draft_from_document(document)
    builtin = dict(document, plan=dict(document["plan"], id="mini-plan"))
    with refused_with("office_plans.id_builtin"):
        office.save_plan_draft(builtin)
    with refused_with("office_plans.wrong_version"):
        office.save_plan_draft(dict(document, plan=dict(document["plan"], plan_version=2)))
    office.delete_plan_draft(NEW)
    with refused_with("office_plans.no_draft"):
        office.plan_draft(NEW)
    assert check_plan_document(office.start_plan_draft_from_document(document), "t").id == NEW


# --- publishing -----------------------------------------------------------------------------------

def test_publishing_signs_a_file_the_commune_verifies_with_the_office_root(office, clock, tmp_path, service):
    _published(office, clock)
    path = office.export_plan_file(NEW, tmp_path / "usb")
    assert path.name == f"{NEW}-v1.cdsplan"
    exchange = CommuneExchange(service)
    office.export_keys(tmp_path / "org-keys.json", PASS_OFFICE)
    exchange.import_office_keys(tmp_path / "org-keys.json", office.root_fingerprint())
    verified = verify_plan_file(path.read_bytes(), root=exchange.pinned_office().root, office="68")
    assert (verified.body.plan_id, verified.body.plan_version, verified.body.status) == (NEW, 1, PlanStatus.ACTIVE)
    assert verified.plan == office.catalog.get(NEW) and office.catalog.origin(NEW) == "office"
    (row,) = [row for row in office.office_plans() if row.plan_id == NEW]
    assert (row.status, row.published_version, row.draft_version, row.reported_on) == ("active", 1, None, False)
    altered = path.read_bytes().replace("hạ tầng số".encode(), "hạ tầng sổ".encode())
    assert altered != path.read_bytes()
    with pytest.raises(CdsError) as refused:
        verify_plan_file(altered, root=exchange.pinned_office().root, office="68")
    assert refused.value.code in (Code.PLAN_FILE_BAD_SIGNATURE, Code.PLAN_FILE_INVALID)


def test_publishing_needs_the_root_passphrase_and_leaves_the_draft_when_refused(office):
    office.start_plan_draft("mini-plan", NEW)
    with pytest.raises(CdsError):
        office.publish_plan(NEW, None, "không phải mật khẩu", "truong_phong")
    assert office.plan_draft(NEW)["plan"]["id"] == NEW
    assert NEW not in {plan.id for plan in office.catalog.all()}


def test_version_2_needs_a_note_and_keeps_version_1(office, clock, tmp_path):
    _published(office, clock)
    _second_version(office, clock, note=None)
    with refused_with("office_plans.change_note_required"):
        office.publish_plan(NEW, "  ", PASS_OFFICE, "truong_phong")
    published = office.publish_plan(NEW, "Nâng chỉ tiêu 1a lên 85%", PASS_OFFICE, "truong_phong")
    assert (published.plan_version, published.change_note, published.file_name) == (2, "Nâng chỉ tiêu 1a lên 85%",
                                                                                     f"{NEW}-v2.cdsplan")
    assert office.catalog.versions(NEW) == [1, 2]
    assert office.catalog.get(NEW, 1).groups[0].indicators[0].target.value == 80
    assert office.catalog.get(NEW).groups[0].indicators[0].target.value == 85
    assert office.export_plan_file(NEW, tmp_path, version=1).name == f"{NEW}-v1.cdsplan"
    assert office.export_plan_file(NEW, tmp_path).name == f"{NEW}-v2.cdsplan"


def test_a_published_version_cannot_be_changed_in_place(office, clock):
    _published(office, clock)
    document = office.start_plan_draft(NEW)
    office.delete_plan_draft(NEW)
    document["plan"]["plan_version"] = 1
    document["plan"]["title"]["vi"] = "Sửa tại chỗ"
    for attempt in (office.save_plan_draft, office.start_plan_draft_from_document):
        with refused_with("office_plans.wrong_version"):
            attempt(document)
    assert office.catalog.get(NEW, 1).plan.title.vi != "Sửa tại chỗ"


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(version=st.integers(min_value=1, max_value=2**31 - 1))
@example(version=1)
@example(version=2)
def test_a_draft_is_only_ever_the_next_version(published_office, version):
    """Version 1 is published: whatever version a draft claims, only 2 is stored."""
    changed = plan_document(published_office.catalog.get(NEW))
    changed["plan"]["plan_version"] = version
    if version == 2:
        assert published_office.save_plan_draft(changed).plan.plan_version == 2
    else:
        with refused_with("office_plans.wrong_version"):
            published_office.save_plan_draft(changed)
        assert published_office.catalog.get(NEW).plan.plan_version == 1


@pytest.fixture
def published_office(office, clock):
    _published(office, clock)
    return office


def test_the_office_reopened_has_every_published_version(office, clock, mini_plan):
    _published(office, clock)
    _second_version(office, clock)
    reopened = OfficeService(office.data_dir, PlanCatalog([mini_plan]), clock)
    try:
        assert reopened.catalog.versions(NEW) == [1, 2] and reopened.catalog.origin(NEW) == "office"
        assert reopened.catalog.get(NEW, 2) == office.catalog.get(NEW, 2)
    finally:
        reopened.close()


def test_marking_replaced_issues_the_same_version_again_later(office, clock, tmp_path):
    _published(office, clock)
    first = verify_plan_file(office.export_plan_file(NEW, tmp_path / "before").read_bytes(),
                             root=_root(office), office="68")
    clock.now = first.body.issued_at  # the same second: the replaced file is still issued later
    row = office.mark_plan_replaced(NEW, "mini-plan", PASS_OFFICE, "truong_phong")
    assert (row.status, row.replaced_by, row.plan_version) == ("replaced", "mini-plan", 1)
    replaced = verify_plan_file(office.export_plan_file(NEW, tmp_path / "after").read_bytes(),
                                root=_root(office), office="68")
    assert replaced.body.status is PlanStatus.REPLACED and replaced.body.replaced_by == "mini-plan"
    assert replaced.body.plan_yaml == first.body.plan_yaml
    assert replaced.body.issued_at > first.body.issued_at
    (listed,) = [r for r in office.office_plans() if r.plan_id == NEW]
    assert (listed.status, listed.replaced_by) == ("replaced", "mini-plan")
    with refused_with("office_plans.already_replaced"):
        office.mark_plan_replaced(NEW, "mini-plan", PASS_OFFICE, "truong_phong")
    with refused_with("office_plans.replaced_by_itself"):
        office.mark_plan_replaced(NEW, NEW, PASS_OFFICE, "truong_phong")
    with refused_with("office_plans.not_published"):
        office.mark_plan_replaced("mini-plan", None, PASS_OFFICE, "truong_phong")


def _root(office: OfficeService):
    import base64

    from cds_desktop.core.bundle.keys import KeyKind, PublicKey

    (root,) = office._keys("root")
    return PublicKey(KeyKind.ED25519, base64.b64decode(root.public_b64))


def test_the_key_file_export_writes_the_plans_beside_it(office, clock, tmp_path):
    _published(office, clock)
    _second_version(office, clock)
    _published(office, clock, "68-2027")
    office.export_keys(tmp_path / "plain" / "org-keys.json", PASS_OFFICE)
    assert sorted(path.name for path in (tmp_path / "plain").iterdir()) == ["org-keys.json"]
    office.export_keys(tmp_path / "usb" / "org-keys.json", PASS_OFFICE, include_plans=True)
    assert sorted(path.name for path in (tmp_path / "usb").iterdir()) == [
        "68-2026-v2.cdsplan", "68-2027-v1.cdsplan", "org-keys.json"]
    exported = export_keys_with_letter(office, tmp_path / "letter" / "org-keys.json", PASS_OFFICE)  # the desktop's
    assert [path.name for path in exported.plan_files] == ["68-2026-v2.cdsplan", "68-2027-v1.cdsplan"]
    assert all(path.parent == tmp_path / "letter" and path.is_file() for path in exported.plan_files)


# --- who may --------------------------------------------------------------------------------------

@pytest.mark.parametrize("role, allowed", [(Role.CLERK, False), (Role.HEAD, True), (Role.ADMIN, True)])
def test_writing_plans_needs_the_head_or_the_admin(office, clock, role, allowed):
    _published(office, clock)
    office.principal = Principal("nguoi_dung", "Người dùng", frozenset({role}))
    changes = [lambda: office.start_plan_draft("mini-plan", "68-2027"), lambda: office.save_plan_draft(
        office.plan_draft("68-2027")), lambda: office.publish_plan("68-2027", None, PASS_OFFICE, "x"),
        lambda: office.mark_plan_replaced(NEW, None, PASS_OFFICE, "x"),
        lambda: office.set_builtin_plan_accepted("mini-plan", False)]
    if not allowed:
        assert [row.plan_id for row in office.office_plans()] == [NEW, "mini-plan"]  # reads need no permission
        for change in changes[:1] + changes[3:]:
            with pytest.raises(PermissionDeniedError):
                change()
        return
    for change in changes:
        change()
    assert {row.plan_id: row.status for row in office.office_plans()} == {
        NEW: "replaced", "68-2027": "active", "mini-plan": "builtin"}


# --- the office's import --------------------------------------------------------------------------

def _commune(tmp_path, office: OfficeService, catalog: PlanCatalog, code: str, name: str, clock):
    return commune_of(office, tmp_path, catalog, code, name, clock, PASS_OFFICE, PASS_COMMUNE)


def _report(service: CommuneService, exchange: CommuneExchange, plan_id: str, folder, numerator: str = "90"):
    return report_on(service, exchange, plan_id, Q1, folder, PASS_COMMUNE, numerator)


def _received_plan(office: OfficeService, tmp_path, version: int | None = None) -> Plan:
    """The office plan as a commune gets it: its signed file, verified with the office root."""
    data = office.export_plan_file(NEW, tmp_path / "plans", version).read_bytes()
    return verify_plan_file(data, root=_root(office), office="68").plan


def test_the_office_imports_reports_on_its_published_versions_only(office, clock, tmp_path, mini_plan):
    _published(office, clock)
    version_1 = _received_plan(office, tmp_path)
    drafted_v2 = _second_version(office, clock, note=None)  # drafted, not published
    office.start_plan_draft("mini-plan", "68-2027")  # only drafted
    catalog = (PlanCatalog([mini_plan]).with_plan(version_1, "office")
               .with_plan(check_plan_document(office.plan_draft("68-2027"), "t"), "office"))
    nhan_co, exchange = _commune(tmp_path, office, catalog, "24751", "Xã Nhân Cơ", clock)
    on_v1 = _report(nhan_co, exchange, NEW, tmp_path / "usb")
    on_draft = _report(nhan_co, exchange, "68-2027", tmp_path / "usb")
    office.set_builtin_plan_accepted("mini-plan", False)
    on_refused_builtin = _report(nhan_co, exchange, "mini-plan", tmp_path / "usb")
    bac_gia_nghia, exchange_2 = _commune(tmp_path, office, PlanCatalog([mini_plan]).with_plan(
        check_plan_document(drafted_v2, "t"), "office"), "24752", "Phường Bắc Gia Nghĩa", clock)
    on_unpublished_v2 = _report(bac_gia_nghia, exchange_2, NEW, tmp_path / "usb-2")

    outcomes = {o.file: o for o in office.import_bundles([on_v1, on_draft, on_refused_builtin, on_unpublished_v2],
                                                         PASS_OFFICE)}
    assert outcomes[on_v1].kind is OutcomeKind.NEW_REPORT
    assert outcomes[on_draft].error.code == Code.PLAN_NOT_PUBLISHED
    assert outcomes[on_refused_builtin].error.code == Code.PLAN_NOT_PUBLISHED
    assert outcomes[on_unpublished_v2].error.code == Code.PLAN_VERSION_MISMATCH
    assert outcomes[on_unpublished_v2].error.params["expected"] == "1"
    for outcome in (outcomes[on_draft], outcomes[on_refused_builtin], outcomes[on_unpublished_v2]):
        assert "{" not in outcome.reason("vi") and outcome.advice("vi")
    (row,) = [row for row in office.office_plans() if row.plan_id == NEW]
    assert row.reported_on and office.submission_detail("24751", NEW, Q1).header.plan_version == 1

    office.set_builtin_plan_accepted("mini-plan", True)  # accepted again: the same file goes in
    (again,) = office.import_bundles([on_refused_builtin], PASS_OFFICE)
    assert again.kind is OutcomeKind.NEW_REPORT


def test_results_compare_like_with_like_when_two_versions_are_reported(office, clock, tmp_path, mini_plan):
    _published(office, clock)
    version_1 = _received_plan(office, tmp_path, 1)
    document = office.start_plan_draft(NEW)
    document["groups"][0]["indicators"][0]["target"]["value"] = 95  # 1a: at least 95 % from version 2
    office.save_plan_draft(document)
    office.publish_plan(NEW, "Nâng chỉ tiêu 1a lên 95%", PASS_OFFICE, "truong_phong")
    version_2 = _received_plan(office, tmp_path, 2)
    nhan_co, exchange = _commune(tmp_path, office, PlanCatalog([mini_plan]).with_plan(version_1, "office"),
                                 "24751", "Xã Nhân Cơ", clock)
    bac, exchange_2 = _commune(tmp_path, office, PlanCatalog([mini_plan]).with_plan(version_1, "office")
                               .with_plan(version_2, "office"), "24752", "Phường Bắc Gia Nghĩa", clock)
    files = [_report(nhan_co, exchange, NEW, tmp_path / "usb"), _report(bac, exchange_2, NEW, tmp_path / "usb-2")]
    assert [o.kind for o in office.import_bundles(files, PASS_OFFICE)] == [OutcomeKind.NEW_REPORT] * 2

    newest = office.period_results(NEW, Q1)
    assert (newest.plan_version, newest.versions) == (2, (1, 2))
    received = {commune.code: commune.submission_id is not None for commune in newest.communes}
    assert received == {"24751": False, "24752": True}
    assert newest.cell(1, 0).status.value == "not_met"  # 90 % against version 2's 95 %
    first = office.period_results(NEW, Q1, plan_version=1)
    assert {c.code: c.submission_id is not None for c in first.communes} == {"24751": True, "24752": False}
    assert first.cell(0, 0).status.value == "met"  # 90 % against version 1's 80 %
    assert office.period_tasks(NEW, Q1, plan_version=1).plan_version == 1
    assert office.submission_detail("24751", NEW, Q1).header is not None
    with refused_with("plan.unknown_version"):
        office.period_results(NEW, Q1, plan_version=3)
    report = office_report_data(office, NEW, Q1)  # the consolidated report judges on version 2 only
    (first_indicator,) = [row for row in report.indicators if row.code == version_2.commune_indicators()[0].code]
    assert (first_indicator.target.value, first_indicator.met, first_indicator.not_met,
            first_indicator.no_data) == (95, 0, 1, 1)  # Bắc Gia Nghĩa not met; Nhân Cơ (version 1) not judged


# --- the migration --------------------------------------------------------------------------------

def test_an_office_of_an_earlier_schema_accepts_every_built_in_plan_and_its_reports_are_on_version_1(
        tmp_path, mini_plan, clock):
    """The office fixture of schema 0004 (tests/fixtures/databases): one submission on the mini plan."""
    data = DataDir(tmp_path / "office")
    data.ensure()
    shutil.copy(FIXTURES / "databases" / "office-schema-0004.sqlite", data.database)
    office = OfficeService(data, PlanCatalog([mini_plan]), clock)  # migrated to the head as it opens
    try:
        (row,) = office.office_plans()
        assert (row.plan_id, row.origin, row.status, row.accepted, row.reported_on) == (
            "mini-plan", "builtin", "builtin", True, True)
        assert office.submission_detail("24751", "mini-plan", "2023Q1").header is not None
        assert office.period_results("mini-plan", "2023Q1").versions == (1,)
    finally:
        office.close()
    with sqlite3.connect(data.database) as db:
        assert db.execute("SELECT plan_version FROM submission").fetchall() == [(1,)]
