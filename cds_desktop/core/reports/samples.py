"""Realistic sample report data, shaped like the Đăk R'lấp 2023 plan (18 indicators in 4 groups, 20 tasks).

Used by ``scripts/render_reports.sh`` (to look at the reports), ``bench/reports.py`` and the tests. The data is
deterministic: the same arguments give the same report. Commune names are made up from common place-name
words (the official commune list is not part of the repository).
"""

from __future__ import annotations

import datetime as dt
import random
import sys
from decimal import Decimal
from itertools import product
from pathlib import Path

from cds_desktop.core.domain import TargetStatus, TaskStatus
from cds_desktop.core.i18n import LANGUAGES
from cds_desktop.core.numbers import percentage
from cds_desktop.core.plans.model import (
    Comparator,
    DeadlineKind,
    IndicatorKind,
    LocalizedText,
    Target,
    TaskDeadline,
)
from cds_desktop.core.plans.schedule import DeadlineRule, Period, due_before
from cds_desktop.core.reports.data import (
    CommuneReportData,
    CommuneSubmission,
    DocumentInfo,
    IndicatorRow,
    IndicatorSummaryRow,
    Issuer,
    OfficeReportData,
    PeriodSubmissions,
    Signature,
    SubmissionStatus,
    TaskRow,
)
from cds_desktop.core.validation.rules import evaluate_target

_GROUPS = {
    "infra": ("1. Phát triển hạ tầng số", "1. Digital infrastructure"),
    "gov": ("2. Phát triển chính quyền số", "2. Digital government"),
    "econ": ("3. Phát triển kinh tế số và xã hội số", "3. Digital economy and society"),
    "sec": ("4. An toàn thông tin mạng", "4. Information security"),
}


def _ge(value: str) -> Target:
    return Target(comparator=Comparator.GE, value=Decimal(value))


def _eq(value: str) -> Target:
    return Target(comparator=Comparator.EQ, value=Decimal(value))


def _range(low: str, high: str) -> Target:
    return Target(comparator=Comparator.RANGE, low=Decimal(low), high=Decimal(high))


# (code, group, Vietnamese name, English name, kind, target)
_INDICATORS = (
    ("1a", "infra", "Tỷ lệ dân số (tính trên toàn bộ dân số) có điện thoại thông minh",
     "Share of the population with a smartphone", IndicatorKind.RATIO, _ge("80")),
    ("1b", "infra", "Tỷ lệ hộ gia đình có đường Internet cáp quang băng rộng",
     "Share of households with fibre broadband", IndicatorKind.RATIO, _ge("75")),
    ("1c", "infra", "Tỷ lệ phủ sóng băng rộng di động tới thôn, bon, tổ dân phố",
     "Share of villages covered by mobile broadband", IndicatorKind.RATIO, _eq("100")),
    ("2a", "gov", "Tỷ lệ dịch vụ công trực tuyến phát sinh hồ sơ",
     "Share of online public services with filings", IndicatorKind.RATIO, _ge("70")),
    ("2b", "gov", "Tỷ lệ hồ sơ thủ tục hành chính tiếp nhận, giải quyết và trả kết quả trực tuyến",
     "Share of administrative procedures received, processed and returned online", IndicatorKind.RATIO, _ge("50")),
    ("2c", "gov", "Tỷ lệ số hóa hồ sơ, kết quả giải quyết thủ tục hành chính tại Bộ phận Một cửa",
     "Share of procedure records and results digitized at the one-stop desk", IndicatorKind.RATIO, _ge("50")),
    ("2d", "gov", "Tỷ lệ báo cáo được thực hiện trực tuyến qua Hệ thống thông tin báo cáo",
     "Share of reports made online through the reporting system", IndicatorKind.RATIO, _ge("50")),
    ("2e", "gov", "Cung cấp dữ liệu mở đầy đủ theo danh mục",
     "Open data published in full according to the list", IndicatorKind.BOOLEAN, _eq("1")),
    ("3a", "econ", "Tỷ lệ doanh nghiệp nhỏ và vừa sử dụng nền tảng số",
     "Share of small and medium businesses using digital platforms", IndicatorKind.RATIO, _ge("30")),
    ("3b", "econ", "Tỷ lệ doanh nghiệp sử dụng hóa đơn điện tử",
     "Share of businesses using e-invoices", IndicatorKind.RATIO, _eq("100")),
    ("3c", "econ", "Tỷ lệ doanh nghiệp sử dụng hợp đồng điện tử",
     "Share of businesses using e-contracts", IndicatorKind.RATIO, _ge("50")),
    ("3d", "econ", "Tỷ trọng doanh thu thương mại điện tử trong tổng mức bán lẻ",
     "E-commerce share of retail sales", IndicatorKind.RATIO, _ge("5")),
    ("3e", "econ", "Tỷ lệ người dân từ 15 tuổi trở lên có tài khoản giao dịch tại ngân hàng hoặc tổ chức "
     "được phép khác",
     "Share of people aged 15+ with a bank or payment account", IndicatorKind.RATIO, _range("55", "60")),
    ("3f", "econ", "Tỷ lệ người dân sử dụng ứng dụng định danh điện tử",
     "Share of people using the e-identification app", IndicatorKind.RATIO, _range("25", "30")),
    ("3g", "econ", "Tỷ lệ người dân có Hồ sơ sức khỏe điện tử được sử dụng trong khám chữa bệnh",
     "Share of people with an electronic health record", IndicatorKind.RATIO, _ge("90")),
    ("3h", "econ", "Tỷ trọng thanh toán học phí, viện phí không dùng tiền mặt",
     "Share of school and hospital fees paid without cash", IndicatorKind.RATIO, _ge("60")),
    ("4a", "sec", "Tỷ lệ máy tính đủ điều kiện được cài đặt phần mềm phòng chống mã độc tập trung",
     "Share of eligible computers with central anti-malware software", IndicatorKind.RATIO, _range("65", "70")),
    ("4b", "sec", "Số hệ thống thông tin được xác định cấp độ và triển khai phương án bảo vệ",
     "Information systems classified and protected", IndicatorKind.COUNT, _ge("2")),
)  # fmt: skip

_TASK_GROUP = ("III. Nhiệm vụ, giải pháp trọng tâm", "III. Key tasks and solutions")

_AGENCIES = {
    "vhtt": ("Phòng Văn hóa và Thông tin", "Culture and Information Office"),
    "ca": ("Công an huyện", "District Police"),
    "vp": ("Văn phòng HĐND và UBND huyện", "Office of the People's Council and Committee"),
    "yt": ("Trung tâm Y tế huyện", "District Health Centre"),
    "gd": ("Phòng Giáo dục và Đào tạo", "Education and Training Office"),
    "kt": ("Phòng Kinh tế và Hạ tầng", "Economy and Infrastructure Office"),
    "nn": ("Phòng Nông nghiệp và Phát triển nông thôn", "Agriculture and Rural Development Office"),
    "nv": ("Phòng Nội vụ", "Home Affairs Office"),
}

_DEC_2023 = TaskDeadline(kind=DeadlineKind.MONTH, month="2023-12")
_YEARLY = TaskDeadline(kind=DeadlineKind.YEARLY)
_ROADMAP = TaskDeadline(kind=DeadlineKind.ROADMAP)
_OCT_2023 = TaskDeadline(kind=DeadlineKind.MONTH, month="2023-10")

# (code, Vietnamese title, English title, agency, deadline), all in the plan's section III
_TASKS = (
    ("t1", "Phổ cập điện thoại thông minh và cáp quang băng rộng toàn dân",
     "Smartphones and fibre broadband for everyone", "vhtt", _DEC_2023),
    ("t2", "Phổ cập danh tính điện tử toàn dân", "Electronic identity for everyone", "ca", _DEC_2023),
    ("t3a", "Triển khai phần mềm phòng chống virus bản quyền bảo vệ thiết bị đầu cuối",
     "Licensed anti-virus software on end-user devices", "vp", _YEARLY),
    ("t3b", "Tuyên truyền nâng cao nhận thức về an ninh mạng cho cán bộ và người dân",
     "Cyber-security awareness for officials and residents", "ca", _YEARLY),
    ("t4", "Phổ cập hồ sơ sức khỏe điện tử toàn dân", "Electronic health records for everyone", "yt",
     _DEC_2023),
    ("t5", "Phổ cập dạy học trực tuyến", "Online teaching", "gd", _YEARLY),
    ("t6", "Phổ cập chuyển đổi số trong doanh nghiệp nhỏ và vừa",
     "Digital transformation of small and medium businesses", "kt", _DEC_2023),
    ("t7", "Phổ biến nâng cao nhận thức về chuyển đổi số", "Raising awareness of digital transformation",
     "vhtt", _YEARLY),
    ("t8", "Phổ biến kỹ năng số cho người dân qua nền tảng học trực tuyến mở đại trà (MOOCs)",
     "Digital skills for residents through the open online courses (MOOCs)", "vhtt", _YEARLY),
    ("t9", "Thúc đẩy thanh toán học phí, viện phí không dùng tiền mặt",
     "Cashless payment of school and hospital fees", "gd", _DEC_2023),
    ("t10", "Phát triển thương mại điện tử, đưa nông sản lên sàn thương mại điện tử",
     "E-commerce: farm products on online marketplaces", "kt", _DEC_2023),
    ("t11", "Quy hoạch đô thị thông minh, công khai dữ liệu quy hoạch xây dựng",
     "Smart-town planning and open planning data", "kt", _YEARLY),
    ("t12", "Vận hành Hệ thống thông tin báo cáo, kết nối với hệ thống của tỉnh",
     "Running the reporting system, connected to the province's", "vp", _YEARLY),
    ("t13", "Tăng cường nguồn lực cho nghiên cứu, ứng dụng công nghệ số",
     "More resources for research and use of digital technology", "kt", _YEARLY),
    ("t14", "Xây dựng cơ sở dữ liệu nông nghiệp, cấp mã số vùng trồng",
     "Agricultural database and growing-area codes", "nn", _YEARLY),
    ("t15", "Cung cấp thông tin cho Cơ sở dữ liệu quốc gia về cán bộ, công chức, viên chức",
     "Data for the national database of civil servants", "nv", _YEARLY),
    ("t16a", "Kết nối, chia sẻ dữ liệu qua Nền tảng tích hợp, chia sẻ dữ liệu quốc gia",
     "Data sharing through the national data-integration platform", "vhtt", _YEARLY),
    ("t16b", "Kết nối, chia sẻ dữ liệu với Cơ sở dữ liệu quốc gia về dân cư",
     "Data sharing with the national population database", "ca", _ROADMAP),
    ("t17", "Ứng dụng, sử dụng các nền tảng số quốc gia", "Use of the national digital platforms", "vhtt",
     _YEARLY),
    ("t18", "Triển khai Nền tảng quản trị tổng thể (đăng nhập một lần, văn bản, lịch, họp trực tuyến)",
     "Whole-of-government management platform (single sign-on, documents, calendar, meetings)", "vhtt",
     _OCT_2023),
)  # fmt: skip

_TASK_RESULTS = (
    "Đã phối hợp với doanh nghiệp viễn thông rà soát các thôn chưa có cáp quang; lắp đặt mới 126 thuê bao.",
    "Hướng dẫn người dân kích hoạt tài khoản định danh điện tử mức 2 tại trụ sở UBND xã và các thôn, bon.",
    "Đã cài đặt phần mềm phòng chống mã độc cho 18/22 máy tính của cơ quan.",
    "Tổ chức 03 buổi tuyên truyền tại các thôn, bon với khoảng 350 lượt người tham dự.",
    "",
)

_COMMUNE_WORDS = (
    "Nhân", "Quảng", "Đắk", "Kiến", "Nghĩa", "Thuận", "Hưng", "Bình", "An", "Phú",
    "Tân", "Hòa", "Lộc", "Phước", "Thành", "Long", "Xuân", "Đức", "Minh", "Trung",
    "Sơn", "Hải", "Vĩnh", "Thạnh", "Mỹ", "Cát", "Đông", "Tây", "Nam", "Bắc",
)  # fmt: skip


def _pick(pair: tuple[str, str], language: str) -> str:
    return pair[1] if language == "en" else pair[0]


def _sample_period() -> tuple[Period, DeadlineRule]:
    rule = DeadlineRule(
        rule="in_period_month",
        day=3,
        month_from_end=0,
        text=LocalizedText(vi="Trước ngày mùng 03 của tháng cuối quý", en="Before the 3rd of the quarter's last month"),
    )
    return Period.parse("2023Q4"), rule


def _ratio_result(target: Target, rng: random.Random) -> tuple[Decimal, Decimal, Decimal]:
    """A plausible (percent, numerator, denominator) around the target."""
    goal = target.value if target.value is not None else target.low
    denominator = Decimal(rng.randint(300, 6000))
    percent = min(Decimal(100), goal + Decimal(rng.uniform(-25, 15)).quantize(Decimal("0.1")))
    numerator = (denominator * max(percent, Decimal(0)) / 100).quantize(Decimal(1))
    return percentage(numerator, denominator), numerator, denominator


def _indicator_rows(language: str, rng: random.Random) -> tuple[IndicatorRow, ...]:
    rows = []
    for code, group, name_vi, name_en, kind, target in _INDICATORS:
        common = dict(code=code, name=_pick((name_vi, name_en), language), group=_pick(_GROUPS[group], language))
        if code == "3d":  # the commune could not get e-commerce figures this period
            rows.append(IndicatorRow(**common, kind=kind, target=target, status=TargetStatus.NO_DATA))
        elif kind is IndicatorKind.RATIO:
            value, numerator, denominator = _ratio_result(target, rng)
            status = evaluate_target(target, value)
            rows.append(
                IndicatorRow(**common, kind=kind, target=target, status=status, value=value,
                             numerator=numerator, denominator=denominator)
            )  # fmt: skip
        else:
            value = Decimal(1) if kind is IndicatorKind.BOOLEAN else Decimal(2)
            status = evaluate_target(target, value)
            rows.append(IndicatorRow(**common, kind=kind, target=target, status=status, value=value))
    return tuple(rows)


def _task_rows(language: str, rng: random.Random, period: Period, report_date: dt.date) -> tuple[TaskRow, ...]:
    """Tasks in rotating states; a task not done whose deadline passed before ``report_date`` is overdue."""
    statuses = (TaskStatus.DONE, TaskStatus.IN_PROGRESS, TaskStatus.IN_PROGRESS, TaskStatus.NOT_STARTED)
    rows = []
    for index, (code, title_vi, title_en, agency, deadline) in enumerate(_TASKS):
        status = statuses[index % len(statuses)]
        due = deadline.due_date(period.end)
        rows.append(
            TaskRow(
                code=code,
                title=_pick((title_vi, title_en), language),
                group=_pick(_TASK_GROUP, language),
                lead_agency=_pick(_AGENCIES[agency], language),
                deadline=deadline,
                status=status,
                overdue=status is not TaskStatus.DONE and due is not None and due < report_date,
                result=rng.choice(_TASK_RESULTS) if status is not TaskStatus.NOT_STARTED else "",
            )
        )
    return tuple(rows)


def sample_commune_report(language: str = "vi", seed: int = 3) -> CommuneReportData:
    """Xã Nhân Cơ's report for the fourth quarter of 2023 on a plan shaped like plan 003."""
    rng = random.Random(seed)
    period, _ = _sample_period()
    report_date = dt.date(2023, 12, 1)
    document = DocumentInfo(
        issuer=Issuer(name_lines=("ỦY BAN NHÂN DÂN", "XÃ NHÂN CƠ"), name="Ủy ban nhân dân xã Nhân Cơ"),
        number="105/BC-UBND",
        place="Nhân Cơ",
        date=report_date,
        subject="Kết quả thực hiện Kế hoạch chuyển đổi số Quý IV năm 2023",
        signature=Signature(capacity_lines=("TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"), signer_name="Nguyễn Văn Hùng"),
        recipients=(
            "Phòng Văn hóa và Thông tin huyện (b/c)",
            "Thường trực Đảng ủy xã",
            "Thường trực HĐND xã",
            "CT, các PCT UBND xã",
            "Công chức Văn hóa - Xã hội",
        ),
        archive=("VT", "VHXH"),
        basis="Kế hoạch số 358/KH-UBND ngày 18/01/2023 của Ủy ban nhân dân huyện Đăk R’lấp về chuyển đổi số "
        "huyện năm 2023",
    )
    return CommuneReportData(
        document=document,
        period=period,
        indicators=_indicator_rows(language, rng),
        tasks=_task_rows(language, rng, period, report_date),
        difficulties=(
            "Hạ tầng mạng di động tại một số bon vùng sâu còn yếu, chưa có cáp quang đến hộ gia đình.\n"
            "Một bộ phận người dân, nhất là người cao tuổi, chưa có điện thoại thông minh và chưa quen sử dụng "
            "dịch vụ công trực tuyến.\n"
            "Chưa có số liệu thống kê doanh thu thương mại điện tử ở cấp xã."
        ),
        proposals=(
            "Đề nghị Phòng Văn hóa và Thông tin phối hợp với doanh nghiệp viễn thông đầu tư hạ tầng cáp quang "
            "tại các bon Bu Dấp, Bu Sốp.\n"
            "Đề nghị cấp huyện hướng dẫn cách thu thập số liệu tỷ trọng thương mại điện tử cho cấp xã."
        ),
        language=language,
    )


def _commune_names(count: int) -> list[tuple[str, str]]:
    """``count`` distinct (code, name) pairs: "24601", "Xã Nhân Quảng" …"""
    words = [f"{first} {second}" for first, second in product(_COMMUNE_WORDS, repeat=2) if first != second]
    if count > len(words):
        raise ValueError(f"at most {len(words)} sample communes")
    return [(f"{24601 + index * 3:05d}", f"Xã {words[index * 7 % len(words)]}") for index in range(count)]


def _submissions(
    period: Period, rule: DeadlineRule, communes: list[tuple[str, str]], rng: random.Random, late: float, missing: float
) -> PeriodSubmissions:
    due = due_before(period, rule)
    entries = []
    for code, name in communes:
        draw = rng.random()
        if draw < missing:
            entries.append(CommuneSubmission(code, name, SubmissionStatus.MISSING))
        elif draw < missing + late:
            received = due + dt.timedelta(days=rng.randint(1, 20))
            entries.append(CommuneSubmission(code, name, SubmissionStatus.LATE, received))
        else:
            received = due - dt.timedelta(days=rng.randint(1, 15))
            entries.append(CommuneSubmission(code, name, SubmissionStatus.ON_TIME, received))
    return PeriodSubmissions(period=period, due_before=due, submissions=tuple(entries))


def _indicator_summaries(
    current: PeriodSubmissions, language: str, rng: random.Random
) -> tuple[IndicatorSummaryRow, ...]:
    """Per-indicator counts over the communes that reported: each meets the target with its own likelihood."""
    reported = current.expected - current.count(SubmissionStatus.MISSING)
    rows = []
    for index, (code, group, name_vi, name_en, kind, target) in enumerate(_INDICATORS):
        no_data = current.count(SubmissionStatus.MISSING) + rng.randint(0, reported // 10)
        answered = current.expected - no_data
        met = round(answered * (0.25 + 0.7 * ((index * 37) % 18) / 17))
        rows.append(
            IndicatorSummaryRow(
                code=code,
                name=_pick((name_vi, name_en), language),
                group=_pick(_GROUPS[group], language),
                kind=kind,
                target=target,
                met=met,
                not_met=answered - met,
                not_applicable=0,
                no_data=no_data,
            )
        )
    return tuple(rows)


def sample_office_report(communes: int = 200, language: str = "vi", seed: int = 3) -> OfficeReportData:
    """Sở Khoa học và Công nghệ's consolidated report on ``communes`` communes for the fourth quarter of 2023."""
    rng = random.Random(seed)
    period, rule = _sample_period()
    names = _commune_names(communes)
    earlier = tuple(
        _submissions(Period.parse(period_id), rule, names, rng, late=0.12, missing=0.08)
        for period_id in ("2023Q1", "2023Q2", "2023Q3")
    )
    current = _submissions(period, rule, names, rng, late=0.10, missing=0.05)
    document = DocumentInfo(
        issuer=Issuer(
            name_lines=("SỞ KHOA HỌC VÀ CÔNG NGHỆ",),
            name="Sở Khoa học và Công nghệ",
            parent="UBND TỈNH LÂM ĐỒNG",
        ),
        number="1234/BC-SKHCN",
        place="Lâm Đồng",
        date=dt.date(2023, 12, 15),
        subject="Tổng hợp kết quả thực hiện chuyển đổi số cấp xã Quý IV năm 2023",
        signature=Signature(capacity_lines=("KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"), signer_name="Trần Thị Mai"),
        recipients=("UBND tỉnh (b/c)", "Ban Chỉ đạo chuyển đổi số tỉnh", "Giám đốc, các PGĐ Sở", "UBND các xã, phường"),
        archive=("VT", "CĐS"),
        basis="Kế hoạch số 47/KH-UBND ngày 12/01/2023 của Ủy ban nhân dân tỉnh về chuyển đổi số năm 2023",
    )
    return OfficeReportData(
        document=document,
        current=current,
        indicators=_indicator_summaries(current, language, rng),
        earlier_periods=earlier,
        difficulties=(
            "Một số xã chưa bố trí được công chức phụ trách chuyển đổi số chuyên trách; số liệu một số chỉ tiêu "
            "(thương mại điện tử, hợp đồng điện tử) chưa có nguồn thống kê chính thức ở cấp xã."
        ),
        proposals="Đề nghị UBND tỉnh chỉ đạo các xã gửi báo cáo đúng hạn theo quy định.",
        language=language,
    )


def write_samples(out_dir: Path) -> list[Path]:
    """Render every sample report (both languages) into ``out_dir``; return the PDF paths."""
    from cds_desktop.core.reports.commune_pdf import render_commune_report
    from cds_desktop.core.reports.office_pdf import render_office_report

    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for language in LANGUAGES:
        commune_pdf = out_dir / f"commune-{language}.pdf"
        render_commune_report(sample_commune_report(language), commune_pdf)
        office_pdf = out_dir / f"office-{language}.pdf"
        render_office_report(sample_office_report(200 if language == "vi" else 30, language), office_pdf)
        written += [commune_pdf, office_pdf]
    return written


if __name__ == "__main__":
    for path in write_samples(Path(sys.argv[1] if len(sys.argv) > 1 else "out/reports")):
        print(path)
