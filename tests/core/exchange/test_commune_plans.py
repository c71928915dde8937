"""A commune receives its office's plans: real signed ``.cdsplan`` files made by the real office's root key, which
the commune pinned (``exchange`` fixture); refusals, versions, the values a new version keeps, the picker."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cds_desktop.core.bundle.keys import SigningKey
from cds_desktop.core.bundle.plan_files import PlanStatus, make_plan_file
from cds_desktop.core.errors import CdsError, PlanError, StateError
from cds_desktop.core.paths import DataDir
from cds_desktop.core.plans.loader import PlanCatalog
from cds_desktop.core.services.commune.received_plans import ChangeKind, ReceivedPlan, acceptance
from cds_desktop.core.services.commune.service import CommuneService
from cds_desktop.core.services.setup import CommuneSetup, set_up_commune
from tests.core.exchange.conftest import PASS_COMMUNE, PASS_OFFICE
from support.office_plans import ISSUED, OFFICE_PLAN, plan_text, write_plan_file
from support.set_up import ADMIN, LEADER, PASS_SIGNING, keys_office, org_keys  # noqa: F401 - fixtures
from support.set_up import PASS_OFFICE as SETUP_PASS_OFFICE

Q1, Q2 = "2023Q1", "2023Q2"


@pytest.fixture
def sign(office, exchange, tmp_path):
    """Write a plan file signed by the pinned office's root; returns its path."""
    root = office._root_key(PASS_OFFICE)
    code = exchange.pinned_office().body.office.code

    def write(version: int = 1, name: str | None = None, key: SigningKey | None = None, issued=ISSUED,
              text: str | None = None, **fields) -> Path:
        path = tmp_path / (name or f"{OFFICE_PLAN}-v{version}.cdsplan")
        return write_plan_file(key or root, code, path, version, text, issued, **fields)

    return write


def refused(service: CommuneService, path: Path) -> CdsError:
    with pytest.raises(CdsError) as caught:
        service.import_plan_file(path)
    return caught.value


def reopened(service: CommuneService, clock) -> CommuneService:
    service.close()
    return CommuneService(service.data_dir, PlanCatalog([service.catalog.get("mini-plan")]), clock)


def test_an_office_plan_is_previewed_then_installed_kept_and_verified_again_at_start(service, exchange, sign, clock):
    path = sign(change_note="Ban hành lần đầu")
    preview = service.preview_plan_file(path)
    assert (preview.plan.id, preview.received.version, preview.installed_version) == (OFFICE_PLAN, 1, None)
    assert preview.office_name == "Sở Khoa học và Công nghệ tỉnh Lâm Đồng"
    assert preview.received.change_note == "Ban hành lần đầu" and preview.changes == ()
    assert OFFICE_PLAN not in {p.id for p in service.plans()}  # a preview installs nothing

    service.import_plan_file(path)
    assert service.catalog.origin(OFFICE_PLAN) == "office"
    stored = service.data_dir.plans / "received" / OFFICE_PLAN / "v1.cdsplan"
    assert stored.read_bytes() == path.read_bytes()
    again = reopened(service, clock)
    try:
        assert again.catalog.origin(OFFICE_PLAN) == "office" and again.received_plan(OFFICE_PLAN).version == 1
        assert again.catalog.problems == ()
    finally:
        again.close()


def test_a_damaged_stored_file_is_a_catalog_problem_never_a_stop(service, exchange, sign, clock):
    service.import_plan_file(sign())
    stored = service.data_dir.plans / "received" / OFFICE_PLAN / "v1.cdsplan"
    envelope = json.loads(stored.read_bytes())
    envelope["body"]["change_note"] = "sửa lén"
    stored.write_bytes(json.dumps(envelope, ensure_ascii=False).encode("utf-8"))
    again = reopened(service, clock)
    try:
        assert OFFICE_PLAN not in {p.id for p in again.plans()}
        (problem,) = again.catalog.problems
        assert problem.code == "plan.received_file_damaged" and "v1.cdsplan" in problem.message("vi")
    finally:
        again.close()


def test_files_not_from_the_pinned_office_are_refused_and_nothing_is_installed(service, exchange, sign, tmp_path):
    other_root = sign(key=SigningKey.generate(), name="other.cdsplan")
    assert refused(service, other_root).code == "bundle.plan_file_bad_signature"

    altered = tmp_path / "altered.cdsplan"
    envelope = json.loads(sign().read_bytes())
    envelope["body"]["change_note"] = "Thêm chỉ tiêu"
    altered.write_bytes(json.dumps(envelope, ensure_ascii=False).encode("utf-8"))
    assert refused(service, altered).code in ("bundle.plan_file_bad_signature", "bundle.plan_file_invalid")

    bare = tmp_path / "bare.cdsplan"
    bare.write_text(plan_text(), "utf-8")
    error = refused(service, bare)
    assert isinstance(error, PlanError) and error.code == "plan.unsigned" and "cdsplan" in error.message("vi")

    another_office = make_plan_file(SigningKey.generate(), office="99", plan_yaml=plan_text(), issued_at=ISSUED)
    (tmp_path / "foreign.cdsplan").write_bytes(another_office)
    assert refused(service, tmp_path / "foreign.cdsplan").code == "bundle.plan_file_other_office"
    assert OFFICE_PLAN not in {p.id for p in service.plans()}
    assert not (service.data_dir.plans / "received").exists()


def test_without_an_office_pinned_a_plan_file_is_refused_saying_what_to_do(service, office, tmp_path):
    data = make_plan_file(office._root_key(PASS_OFFICE), office="68", plan_yaml=plan_text(), issued_at=ISSUED)
    (tmp_path / "plan.cdsplan").write_bytes(data)
    error = refused(service, tmp_path / "plan.cdsplan")
    assert isinstance(error, StateError) and error.code == "plan.no_office_pinned"
    assert "tệp khóa" in error.message("vi")


def test_versions_older_conflicting_or_repeated_are_refused(service, exchange, sign):
    service.import_plan_file(sign(2))
    older = refused(service, sign(1))
    assert older.code == "plan.older_than_installed" and older.params["installed"] == 2
    conflict = sign(2, name="conflict.cdsplan", text=plan_text(2).replace("Tỷ lệ hồ sơ số hóa", "Tỷ lệ số hóa"))
    assert refused(service, conflict).code == "plan.version_conflict"
    assert refused(service, sign(2, name="again.cdsplan")).code == "plan.already_received"
    assert service.catalog.versions(OFFICE_PLAN) == [2]


def test_a_built_in_id_is_not_taken_by_an_office_plan(service, exchange, sign):
    path = sign(text=plan_text().replace(f"id: {OFFICE_PLAN}", "id: mini-plan", 1), name="mini.cdsplan")
    assert refused(service, path).code == "plan.id_not_office"


def test_the_same_version_marked_replaced_is_a_status_change_the_picker_shows(service, exchange, sign, tmp_path):
    service.import_plan_file(sign())
    later = ISSUED + dt.timedelta(days=30)
    successor = sign(name="next.cdsplan", text=plan_text().replace(f"id: {OFFICE_PLAN}", "id: ld-2026-b", 1))
    service.import_plan_file(successor)
    replaced = sign(name="replaced.cdsplan", issued=later, status=PlanStatus.REPLACED, replaced_by="ld-2026-b")
    preview = service.import_plan_file(replaced)
    assert preview.status_change and preview.changes == () and preview.installed_version == 1
    choices = {c.plan.id: c for c in service.plans_for_picker()}
    assert choices[OFFICE_PLAN].replaced and choices[OFFICE_PLAN].replaced_by.id == "ld-2026-b"
    assert [c.plan.id for c in service.plans_for_picker()][:2] == ["ld-2026-b", OFFICE_PLAN]  # active first


def test_the_picker_shows_office_plans_first_and_examples_only_when_asked_or_used(service, exchange, sign):
    assert [c.plan.id for c in service.plans_for_picker()] == ["mini-plan"]  # nothing else to report on yet
    service.import_plan_file(sign())
    assert [c.plan.id for c in service.plans_for_picker()] == [OFFICE_PLAN]
    service.set_setting("show_example_plans", True)
    assert [(c.plan.id, c.example) for c in service.plans_for_picker()] == [(OFFICE_PLAN, False), ("mini-plan", True)]
    service.set_setting("show_example_plans", False)
    service.set_indicator("mini-plan", Q1, "2a", {"value": "3"}, "lan")  # values entered: it stays offered
    assert [c.plan.id for c in service.plans_for_picker()] == [OFFICE_PLAN, "mini-plan"]


def fill(service: CommuneService, period: str, numerator: str = "85") -> None:
    for code in ("1a", "1b", "1c", "2d"):
        number = "58" if code == "1b" else "10" if code == "2d" else numerator
        service.set_indicator(OFFICE_PLAN, period, code, {"numerator": number, "denominator": "100"}, "lan")
    service.set_indicator(OFFICE_PLAN, period, "2a", {"value": "3"}, "lan")
    service.set_indicator(OFFICE_PLAN, period, "2b", {"value": "1"}, "lan")
    service.set_indicator(OFFICE_PLAN, period, "2c", {"value": "Mô hình chợ 4.0"}, "lan")


def test_version_2_keeps_values_checks_open_periods_against_it_and_an_exported_period_keeps_version_1(
        service, exchange, sign, tmp_path, clock):
    service.import_plan_file(sign(1))
    fill(service, Q1)
    service.submit(OFFICE_PLAN, Q1, "lan")
    exchange.approve(OFFICE_PLAN, Q1, PASS_COMMUNE, "chu_tich")
    exchange.export(OFFICE_PLAN, Q1, tmp_path / "out", PASS_COMMUNE, "chu_tich")
    fill(service, Q2)
    assert not [p for p in service.validate(OFFICE_PLAN, Q2) if p.item_code == "1a"]  # 85% meets "at least 80%"

    preview = service.preview_plan_file(sign(2, change_note="Nâng chỉ tiêu 1a"))
    rows = {(c.kind, c.code): c for c in preview.changes}
    assert set(rows) == {(ChangeKind.ADDED, "2e"), (ChangeKind.REMOVED, "2c"), (ChangeKind.TARGET_CHANGED, "1a")}
    assert "80" in rows[ChangeKind.TARGET_CHANGED, "1a"].old and "90" in rows[ChangeKind.TARGET_CHANGED, "1a"].new
    assert preview.revalidated_periods == (Q2,) and preview.installed_version == 1
    english = {(c.kind, c.code): c for c in service.preview_plan_file(sign(2), "en").changes}
    assert english[ChangeKind.REMOVED, "2c"].old == "Exemplary digital-transformation model"
    service.import_plan_file(sign(2, change_note="Nâng chỉ tiêu 1a"))

    entries = service.entries(OFFICE_PLAN, Q2)
    assert entries.indicators["1a"].numerator == "85" and "2c" in entries.indicators  # kept, by code
    assert [p.code for p in service.validate(OFFICE_PLAN, Q2) if p.item_code == "1a"] == ["indicator.target_not_met"]
    status = service.status(OFFICE_PLAN, Q2)
    assert status.indicators_total == len(service.plan(OFFICE_PLAN).commune_indicators())
    record, _ = exchange.build_record(OFFICE_PLAN, Q2)
    assert record.plan_version == 2 and "2c" not in {i.code for i in record.indicators}

    exported = service.period_plan(OFFICE_PLAN, Q1)
    assert exported.plan.plan_version == 1 and exported.indicator("2c") is not None
    assert not [p for p in service.validate(OFFICE_PLAN, Q1) if p.item_code == "1a"]
    assert exchange.build_record(OFFICE_PLAN, Q1)[0].plan_version == 1
    again = reopened(service, clock)
    try:
        assert again.period_plan(OFFICE_PLAN, Q1).plan.plan_version == 1
        assert again.catalog.versions(OFFICE_PLAN) == [1, 2]
    finally:
        again.close()


def test_plan_files_beside_the_office_key_file_are_imported_at_set_up(keys_office, org_keys, tmp_path, clock):
    """The wizard's last step: the office's key file and, beside it, its plan files (newer ones only)."""
    folder = tmp_path / "usb"
    folder.mkdir()
    key_file = folder / "org-keys.json"
    key_file.write_bytes(org_keys.read_bytes())
    write_plan_file(keys_office._root_key(SETUP_PASS_OFFICE), "68", folder / "ld-2026-v1.cdsplan")
    (folder / "khac.cdsplan").write_text(plan_text().replace(OFFICE_PLAN, "yaml-plan"), "utf-8")  # bare: refused
    answers = CommuneSetup(language="vi", province_code="68", commune_code="24751", name="Xã Nhân Cơ",
                           office_keys=key_file, office_fingerprint=keys_office.root_fingerprint(),
                           users=(LEADER, ADMIN), signing_passphrase=PASS_SIGNING)
    service = set_up_commune(DataDir(tmp_path / "commune"), answers, clock)
    try:
        assert service.catalog.origin(OFFICE_PLAN) == "office" and "yaml-plan" not in {p.id for p in service.plans()}
        assert (service.data_dir.plans / "received" / OFFICE_PLAN / "v1.cdsplan").is_file()
        assert [c.plan.id for c in service.plans_for_picker()] == [OFFICE_PLAN]
    finally:
        service.close()


def _received(plan, version: int, issued_day: int) -> ReceivedPlan:
    versioned = plan.model_copy(update={"plan": plan.plan.model_copy(update={"plan_version": version})})
    return ReceivedPlan(versioned, "68", "active", None, None, ISSUED + dt.timedelta(days=issued_day))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])  # read only
@given(new_version=st.integers(1, 4), installed_version=st.integers(1, 4), same_text=st.booleans(),
       new_day=st.integers(0, 3), installed_day=st.integers(0, 3))
def test_acceptance_follows_the_rule(mini_plan, new_version, installed_version, same_text, new_day, installed_day):
    """Accepted: a higher version (a new plan), or the same version, same text, issued later (a status change);
    anything else refused with its own code."""
    new = _received(mini_plan, new_version, new_day)
    installed = _received(mini_plan, installed_version, installed_day)
    new_text = "text" if same_text else "other text"
    if new_version > installed_version:
        assert acceptance(new, new_text, installed, "text") is False
    elif new_version == installed_version and same_text and new_day > installed_day:
        assert acceptance(new, new_text, installed, "text") is True
    else:
        with pytest.raises(PlanError) as refused:
            acceptance(new, new_text, installed, "text")
        expected = ("plan.older_than_installed" if new_version < installed_version
                    else "plan.version_conflict" if not same_text else "plan.already_received")
        assert refused.value.code == expected
    assert acceptance(new, new_text, None, None) is False  # nothing installed: a new plan
