"""Signed plan files (``.cdsplan``): made by the office root, verified against the pinned root, any change refused."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from bundle_helpers import OFFICE, OFFICE_ROOT, OTHER_COMMUNE_KEY, OTHER_OFFICE, refusal

from cds_desktop.core.bundle import Code
from cds_desktop.core.bundle.canonical import encode
from cds_desktop.core.bundle.plan_files import (
    PlanStatus,
    looks_like_signed_plan,
    make_plan_file,
    verify_plan_file,
)
from cds_desktop.core.errors import PlanError
from cds_desktop.core.plans.document import plan_document, plan_yaml
from cds_desktop.core.plans.loader import builtin_plans, parse_plan

ISSUED = dt.datetime(2026, 1, 5, 8, 0, tzinfo=dt.timezone.utc)
PLAN = builtin_plans()[-1]
TEXT = plan_yaml(PLAN)


def signed(**overrides) -> bytes:
    arguments = {"office": OFFICE, "plan_yaml": TEXT, "issued_at": ISSUED, "change_note": "Ban hành lần đầu"}
    return make_plan_file(OFFICE_ROOT, **(arguments | overrides))


def test_a_plan_file_verifies_and_carries_the_plan_as_written() -> None:
    verified = verify_plan_file(signed(), root=OFFICE_ROOT.public, office=OFFICE)

    assert verified.plan == PLAN
    assert (verified.body.plan_id, verified.body.plan_version, verified.body.status) == (
        PLAN.id, PLAN.plan.plan_version, PlanStatus.ACTIVE)
    assert verified.body.plan_yaml == TEXT and looks_like_signed_plan(verified.data)
    assert not looks_like_signed_plan(TEXT.encode())


def test_the_yaml_written_reads_back_to_the_same_plan_for_every_builtin_plan() -> None:
    for plan in builtin_plans():
        assert parse_plan(plan_yaml(plan), "round-trip") == plan
        assert parse_plan(plan_yaml(plan_document(plan)), "round-trip") == plan


def test_a_replaced_plan_names_its_successor() -> None:
    data = signed(status=PlanStatus.REPLACED, replaced_by="ke-hoach-moi-2026")
    verified = verify_plan_file(data, root=OFFICE_ROOT.public, office=OFFICE)

    assert (verified.body.status, verified.body.replaced_by) == (PlanStatus.REPLACED, "ke-hoach-moi-2026")


def test_a_plan_signed_by_another_key_is_refused() -> None:
    data = make_plan_file(OTHER_COMMUNE_KEY, office=OFFICE, plan_yaml=TEXT, issued_at=ISSUED)
    error = refusal(verify_plan_file, data, root=OFFICE_ROOT.public, office=OFFICE)

    assert error.code == Code.PLAN_FILE_BAD_SIGNATURE


def test_a_plan_for_another_office_is_refused() -> None:
    error = refusal(verify_plan_file, signed(office=OTHER_OFFICE), root=OFFICE_ROOT.public, office=OFFICE)

    assert (error.code, error.params["office"]) == (Code.PLAN_FILE_OTHER_OFFICE, OTHER_OFFICE)


def test_an_altered_target_is_refused_even_with_a_matching_hash() -> None:
    envelope = json.loads(signed())
    changed = envelope["body"]["plan_yaml"].replace("value: 95", "value: 50", 1)
    assert changed != envelope["body"]["plan_yaml"]
    envelope["body"]["plan_yaml"] = changed
    import hashlib

    envelope["body"]["plan_sha256"] = hashlib.sha256(changed.encode()).hexdigest()
    error = refusal(verify_plan_file, encode(envelope), root=OFFICE_ROOT.public, office=OFFICE)

    assert error.code == Code.PLAN_FILE_BAD_SIGNATURE


def test_an_altered_text_without_its_hash_is_a_damaged_file() -> None:
    envelope = json.loads(signed())
    envelope["body"]["plan_yaml"] += "\n# changed\n"
    error = refusal(verify_plan_file, encode(envelope), root=OFFICE_ROOT.public, office=OFFICE)

    assert error.code == Code.PLAN_FILE_INVALID


@pytest.mark.parametrize("data", [b"", b"{}", b"not json", b"{" + b" " * (9 << 20) + b"}"])
def test_damaged_files_are_refused_with_one_code(data: bytes) -> None:
    error = refusal(verify_plan_file, data, root=OFFICE_ROOT.public, office=OFFICE)

    assert error.code == Code.PLAN_FILE_INVALID


def test_an_invalid_plan_is_never_signed() -> None:
    with pytest.raises(PlanError) as raised:
        signed(plan_yaml=TEXT.replace("format: 1", "format: 1\nextra: 1", 1))

    assert raised.value.params["path"] == "extra"


def test_a_catalog_keeps_every_version_and_offers_the_newest() -> None:
    from cds_desktop.core.plans.loader import PlanCatalog

    version_2 = parse_plan(TEXT.replace("plan_version: 1", "plan_version: 2", 1), "v2")
    catalog = PlanCatalog.builtin().with_plan(version_2, "office")

    assert catalog.get(PLAN.id) == version_2 and catalog.get(PLAN.id, 1) == PLAN
    assert (catalog.versions(PLAN.id), catalog.origin(PLAN.id)) == ([1, 2], "office")
    assert catalog.with_plan(PLAN, "office").get(PLAN.id) == version_2  # an older version never hides the newer
    with pytest.raises(PlanError) as raised:
        catalog.get(PLAN.id, 3)
    assert raised.value.code == "plan.unknown_version" and "1, 2" in raised.value.message("vi")
