"""Dates, years, reporting body and government level (scorer.metadata)."""

from __future__ import annotations

import pytest

from scorer.document import metadata as meta
from scorer.model import Level

# ---------------------------------------------------------------------------------------------
# Dates
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "iso"),
    [
        ("2024年2月28日", "2024-02-28"),
        ("2024 年 2 月 8 日", "2024-02-08"),
        ("二〇二四年二月二十日", "2024-02-20"),
        ("二○一九年十二月三十一日", "2019-12-31"),
        ("二零二三年一月五日", "2023-01-05"),
        ("2025-02-25", "2025-02-25"),
    ],
)
def test_date_only(line, iso):
    assert meta.date_only(line) == iso


@pytest.mark.parametrize("line", ["2024年2月30日", "2024年2月", "截至2024年2月28日", "2024年2月28日召开会议。"])
def test_not_a_date_line(line):
    assert meta.date_only(line) is None


def test_trailing_date_after_signer():
    offset, iso = meta.trailing_date("融安县人民政府 2019年12月27日")
    assert iso == "2019-12-27"
    assert "融安县人民政府 2019年12月27日"[offset:] == "2019年12月27日"


# ---------------------------------------------------------------------------------------------
# Years
# ---------------------------------------------------------------------------------------------


def test_years_skip_ranges_and_document_titles():
    text = "贯彻《法治政府建设实施纲要(2016-2020年)》和《2019年工作要点》,对标(2021-2025年)规划,现将我县2019年度情况报告如下"
    assert meta.years_in(text) == [2019]


def test_year_from_title_first():
    found = meta.find_year("海原县三河镇2023年度法治建设情况报告", "2022年,三河镇……", ["2021年完成"], "2024-02-28")
    assert (found.year, found.source) == (2023, "title")


def test_year_from_opening_when_title_has_none():
    found = meta.find_year(None, "2023年,珲春市委市政府以习近平新时代中国特色社会主义思想为指导", [], "2024-02-27")
    assert (found.year, found.source) == (2023, "opening")


def test_year_from_body_is_most_frequent_and_not_after_the_writing_date():
    body = ["2022年办理案件10件。", "2022年开展培训。", "预计2025年完成。", "2025年将继续。", "2025年目标。", "2021年启动。"]
    found = meta.find_year("法治政府建设情况报告", "今年以来,我县认真贯彻落实上级部署。", body, "2023-01-20")
    assert (found.year, found.source) == (2022, "body")


def test_year_from_writing_date_is_the_year_before_in_spring():
    found = meta.find_year(None, "今年以来,我镇认真贯彻落实上级部署。", [], "2025-02-25")
    assert (found.year, found.source) == (2024, "date")
    found = meta.find_year(None, "今年以来,我镇认真贯彻落实上级部署。", [], "2018-12-10")
    assert (found.year, found.source) == (2018, "date")


def test_no_year_at_all():
    assert meta.find_year(None, "今年以来,我镇认真贯彻落实上级部署。", [], None) == meta.YearFinding(None, None)


# ---------------------------------------------------------------------------------------------
# Reporting body
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fragment", "name"),
    [
        ("融安县2019年法治政府建设工作的报告", "融安县"),
        ("海原县三河镇2023年度法治建设情况报告", "海原县三河镇"),
        ("中共武胜县委 武胜县人民政府关于2024年法治政府建设工作情况的报告", "武胜县"),
        ("2023年,珲春市委市政府以习近平新时代中国特色社会主义思想为指导", "珲春市"),
        ("2018年,丹江口市在十堰市委、市政府的正确领导下", "丹江口市"),
        ("中共海原县三河镇委员会", "海原县三河镇"),
        ("十堰市生态环境局2023年法治政府建设年度报告", "十堰市生态环境局"),
        ("市生态环境局2023年法治政府建设年度报告", "市生态环境局"),
        ("湖北省发展和改革委员会2023年法治政府建设情况报告", "湖北省发展和改革委员会"),
        ("2023年,在市委、市政府的坚强领导下,青山县深入推进法治政府建设", "青山县"),
        ("司法部2023年法治政府建设年度报告", "司法部"),
        ("生态环境部关于2022年法治政府建设情况的报告", "生态环境部"),
    ],
)
def test_body_name(fragment, name):
    found = meta.body_name(fragment)
    assert found is not None and found.name == name


def test_party_committee_is_not_a_department():
    found = meta.body_name("中共海原县三河镇委员会")
    assert found.department is None


def test_no_body_named():
    assert meta.body_name("关于2024年法治政府建设工作情况的报告") is None
    assert meta.body_name("今年以来,在县委、县政府的正确领导下,我镇扎实推进依法行政") is None


def test_find_body_prefers_title_then_opening_then_signer():
    assert meta.find_body("融安县2019年法治政府建设工作的报告", "2019年,柳江区……", "某某县人民政府").name == "融安县"
    assert meta.find_body(None, "2023年,珲春市委市政府以……", "中共延吉市委").name == "珲春市"
    assert meta.find_body("2023年法治政府建设情况报告", "今年以来,我镇扎实推进依法行政。", "海原县三河镇人民政府").name == "海原县三河镇"


# ---------------------------------------------------------------------------------------------
# Level
# ---------------------------------------------------------------------------------------------


def level_of(fragment: str, addressee: str | None = None, text: str = "") -> Level | None:
    return meta.infer_level(meta.body_name(fragment), addressee, text)


@pytest.mark.parametrize(
    ("fragment", "level"),
    [
        ("融安县", Level.COUNTY),
        ("北京市海淀区", Level.COUNTY),
        ("海原县三河镇", Level.TOWNSHIP),
        ("某某街道", Level.TOWNSHIP),
        ("湖北省", Level.PROVINCE),
        ("广西壮族自治区", Level.PROVINCE),
        ("上海市", Level.PROVINCE),
        ("延边朝鲜族自治州", Level.CITY),
        ("十堰市生态环境局", Level.DEPARTMENT),
        ("司法部2023年法治政府建设年度报告", Level.DEPARTMENT),
        ("延边州珲春市", Level.COUNTY),
    ],
)
def test_level_from_name(fragment, level):
    assert level_of(fragment) == level


def test_city_reporting_to_a_prefecture_is_county_level():
    assert level_of("珲春市", addressee="州委、州政府") is Level.COUNTY


def test_city_led_by_another_named_city_is_county_level():
    text = "2018年,丹江口市在十堰市委、市政府的正确领导下,深入推进依法行政。"
    assert level_of("丹江口市", text=text) is Level.COUNTY


def test_city_led_by_the_province_with_its_own_counties_is_prefecture_level():
    text = "2022年,在省委、省政府的坚强领导下,某某市深入推进法治政府建设。各县(市、区)全面推行三项制度。"
    assert level_of("某某市", addressee="省人民政府", text=text) is Level.CITY


def test_city_without_cues_defaults_to_prefecture_level():
    assert level_of("某某市", text="我市扎实推进法治政府建设。") is Level.CITY


def test_stated_county_level_city():
    assert level_of("某某市", text="我市作为县级市,扎实推进法治政府建设。") is Level.COUNTY


def test_level_from_self_reference_when_no_body_is_named():
    assert meta.infer_level(None, None, "我镇扎实推进。全镇共办理。本镇开展。") is Level.TOWNSHIP
    assert meta.infer_level(None, None, "我县扎实推进。") is None  # one mention is not enough


def test_body_after_guanyu_in_title():
    assert meta.body_name("关于融安县2019年法治政府建设工作的报告").name == "融安县"


# ---------------------------------------------------------------------------------------------
# Level from the opening sentence when the title does not name the body
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("opening", "level"),
    [
        ("2023年以来,我局在市委、市政府的正确领导下,在省厅的悉心指导下,扎实推进依法行政。", Level.DEPARTMENT),
        ("2024年,我厅深入贯彻习近平法治思想。", Level.DEPARTMENT),
        ("2022年,省教育委在省委、省政府领导下,全面推进依法治教。", Level.DEPARTMENT),
        ("2023年,市司法局坚持以习近平法治思想为指导。", Level.DEPARTMENT),
        ("2024年,国家某某总署在党中央、国务院坚强领导下,推进法治机关建设。", Level.DEPARTMENT),
        ("2021年,水利部深入学习贯彻习近平法治思想。", Level.DEPARTMENT),
        ("2025年,在习近平新时代中国特色社会主义思想指引下,市政府全面贯彻党的二十大精神。", Level.CITY),
        ("2020年,全省各级行政机关在党中央坚强领导下,推进法治政府建设。", Level.PROVINCE),
        ("2022年,在区委、区政府正确领导下,我街道法治政府建设工作取得新进展。", Level.TOWNSHIP),
        ("今年以来,我镇扎实推进依法行政。", Level.TOWNSHIP),
        ("2023年,我县深入推进法治政府建设。", Level.COUNTY),
    ],
)
def test_level_from_the_opening_subject(opening, level):
    assert meta.infer_level(None, None, opening, opening) is level


@pytest.mark.parametrize(
    "opening",
    [
        "2023年,县委坚持以习近平法治思想为指导。",  # the party committee is not a department
        "2023年,市委全面依法治市委员会办公室统筹推进。",
        "2023年,青山县委县政府以习近平法治思想为指导。",  # a named place: decided by the name
    ],
)
def test_party_committees_are_not_departments(opening):
    assert meta.level_of_subject(meta.opening_subject(opening)) is not Level.DEPARTMENT


def test_a_department_subject_outweighs_a_place_in_the_title():
    opening = "2023年,我局在市委、市政府领导下推进依法行政。"
    assert meta.infer_level(meta.body_name("青山市2023年法治政府建设情况报告"), None, opening, opening) is Level.DEPARTMENT


def test_township_office_named_after_the_district_government():
    found = meta.body_name("青山区人民政府东湖街道办事处关于2022年度法治政府建设情况的报告")
    assert found.name == "青山区东湖街道"
    assert meta.infer_level(found, None, "") is Level.TOWNSHIP


def test_department_names_that_start_with_ren():
    assert meta.body_name("青山市人力资源和社会保障局2023年法治政府建设年度报告").department == "人力资源和社会保障局"
    assert meta.body_name("青山县人民防空办公室2023年工作报告").department == "人民防空办公室"
    assert meta.body_name("青山县人民政府2023年法治政府建设年度报告").department is None


def test_a_place_inside_a_document_title_is_not_the_body():
    assert meta.body_name("2023年,我局对照《青山市2023年依法行政工作要点》逐项抓好落实") is None
