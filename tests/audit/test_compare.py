"""Year-over-year comparison (scorer.audit.compare) on the two-year sample pair and on the real seeds.

The 2023 sample (examples/qinghe_2023.txt) was written for these tests: its 不足 part carries
problems into the 2024 report (some word for word, some with a figure or a few words changed), its
2024 plan has points the 2024 report fulfils and points it never mentions, and two of its 成效
paragraphs reappear in 2024. The expectations below list every one of them; compare must find
each and flag nothing else.
"""

from __future__ import annotations

import subprocess
import sys
import unicodedata
from dataclasses import replace

import pytest
from corpus_paths import EXAMPLES_DIR

from scorer.audit.compare import (
    check_pair,
    compare_paths,
    compare_scorecards,
    plan_points,
    problem_statements,
)
from scorer.errors import ConfigError, InputError
from scorer.model import (
    CHANGES,
    IMPROVED,
    ONLY_LAST,
    ONLY_THIS,
    REGRESSED,
    UNCHANGED,
    CompareConfig,
    Status,
)
from scorer.pipeline import Scorer

LAST = EXAMPLES_DIR / "qinghe_2023.txt"
THIS = EXAMPLES_DIR / "qinghe_2024_strong.txt"


def nfkc(text: str) -> str:
    """The examples are written with full-width punctuation; reports are compared after NFKC."""
    return unicodedata.normalize("NFKC", text)


# This year's 不足 statement -> the statement of last year's it carries over.
CARRIED_OVER = {
    nfkc(this): nfkc(last)
    for this, last in (
        # word for word but for the enumeration (一是 -> 二是)
        ("二是重大行政决策公众参与的质量有待提升。", "一是重大行政决策公众参与的质量有待提升。"),
        # word for word
        ("部分决策征求意见期间收到的意见较少，个别事项公众参与流于形式。", "部分决策征求意见期间收到的意见较少，个别事项公众参与流于形式。"),
        # lightly edited: 比较单一 -> 单一, 说明不够 -> 说明不够充分
        (
            "主要原因是决策承办单位对公众参与重视不够，征求意见渠道单一，对意见采纳情况的说明不够充分。",
            "主要原因是决策承办单位对公众参与重视不够，征求意见渠道比较单一，对意见采纳情况的说明不够。",
        ),
        ("三是行政复议纠错率仍然偏高。", "二是行政复议纠错率仍然偏高。"),
        # the figure updated, the sentence kept
        ("全年行政复议纠错率为12.2%，主要集中在征地拆迁、工伤认定领域。", "全年行政复议纠错率为16.2%，主要集中在征地拆迁、工伤认定领域。"),
        ("主要原因是部分执法单位程序意识不强，调查取证不规范，内部法制审核把关不严。", "主要原因是部分执法单位程序意识不强，调查取证不规范，内部法制审核把关不严。"),
    )
}
# This year's 不足 statements that are new (the 乡镇赋权 problem did not exist in 2023).
NEW_PROBLEMS = {
    nfkc(text)
    for text in (
        "一是基层依法行政能力与赋权后的工作要求不相适应。",
        "部分乡镇承接县级执法事项后，办案质量不高，案卷评查中乡镇案卷问题占比达61%。",
        "主要原因是乡镇综合行政执法队组建时间短，具有法律专业背景的执法人员仅占14%，县级部门对乡镇的业务指导和培训跟进不够。",
    )
}
# Points of the 2023 report's 2024 plan that the 2024 report shows done, with a phrase the quoted
# evidence must contain.
FOLLOWED = {
    "深入学习贯彻习近平法治思想": "会前学法",
    "推进乡镇综合行政执法改革": "组建乡镇综合行政执法队11支",
    "贯彻实施新修订的行政复议法": "成立行政复议委员会",
    "提高重大行政决策公众参与质量": "重大行政决策事项目录",
}
NOT_REPORTED = {"开展民主法治示范村创建", "建设县综合行政执法指挥调度中心", "开展法治政府建设第三方评估"}
# 2024 成效 paragraphs repeated from 2023 (opening words): one verbatim, one with new figures and a word changed.
RECYCLED = {"印发《青禾县关于规范行政裁量权基准制定和管理工作的实施意见》", "坚持以公开为常态、不公开为例外"}


@pytest.fixture(scope="module")
def scorer() -> Scorer:
    return Scorer()


@pytest.fixture(scope="module")
def sample(scorer):
    return compare_paths(scorer, str(LAST), str(THIS))


@pytest.fixture(scope="module")
def this_doc(scorer):
    return scorer.score_path(THIS).document


@pytest.fixture(scope="module")
def last_doc(scorer):
    return scorer.score_path(LAST).document


# ---------------------------------------------------------------------------------------------
# The sample pair: every carried-over problem and unfulfilled plan point, nothing else
# ---------------------------------------------------------------------------------------------


def test_every_carried_over_problem_is_found_and_nothing_else(sample, this_doc):
    found = {p.this.text: p.last.text for p in sample.repeated_problems}
    assert found == CARRIED_OVER
    statements = {q.text for q in problem_statements(this_doc, CompareConfig())}
    # The new problems were compared (they are statements of the part) and not flagged.
    assert NEW_PROBLEMS <= statements and not NEW_PROBLEMS & set(found)
    assert sample.problem_statements == len(CARRIED_OVER) + len(NEW_PROBLEMS)


def test_lead_in_before_the_colon_is_not_a_problem(this_doc):
    """"……仍存在一些不足：一是……" -- the lead-in is dropped, the 一是 statement kept."""
    statements = problem_statements(this_doc, CompareConfig())
    assert not any("取得了一定成效" in q.text for q in statements)
    assert statements[0].text == nfkc("一是基层依法行政能力与赋权后的工作要求不相适应。")


def test_quotes_point_into_the_documents(sample, this_doc, last_doc):
    for pair in sample.repeated_problems:
        assert this_doc.text[pair.this.start : pair.this.end] == pair.this.text
        assert last_doc.text[pair.last.start : pair.last.end] == pair.last.text
        assert "存在的不足" in pair.this.section and "存在的不足" in pair.last.section
    for point in sample.plan_points:
        assert last_doc.text[point.point.start : point.point.end] == point.point.text
        for match in point.matches:
            assert this_doc.text[match.evidence.start : match.evidence.end] == match.evidence.text


def test_plan_follow_through_on_the_sample_pair(sample):
    followed = {p.title: p for p in sample.plan_points if p.followed}
    not_reported = {p.title for p in sample.plan_points if not p.followed}
    assert set(followed) == set(FOLLOWED)
    assert not_reported == NOT_REPORTED
    for title, phrase in FOLLOWED.items():
        point = followed[title]
        assert point.matches, title
        assert any(phrase in m.evidence.text for m in point.matches), (title, [m.evidence.text for m in point.matches])
        # evidence comes from this year's achievements, never from its plan or problems
        assert all("主要举措和成效" in m.evidence.section or "第一责任人" in m.evidence.section for m in point.matches)
        assert point.items  # the point bears on items of the pack
    for point in sample.plan_points:
        if not point.followed:
            assert not point.matches
            assert point.nearest is None or point.nearest.share < sample.config.plan_similarity


def test_the_plan_lead_in_is_not_a_point(sample):
    titles = [p.title for p in sample.plan_points]
    assert len(titles) == len(FOLLOWED) + len(NOT_REPORTED)
    assert not any("重点做好以下工作" in p.point.text for p in sample.plan_points)


def test_recycled_achievement_paragraphs(sample):
    found = {next(opening for opening in RECYCLED if p.this.text.startswith(opening)) for p in sample.recycled}
    assert found == RECYCLED and len(sample.recycled) == len(RECYCLED)
    for pair in sample.recycled:
        assert pair.similarity >= sample.config.paragraph_similarity


def test_verdict_line(sample, scorer):
    last_card, this_card = scorer.score_path(LAST), scorer.score_path(THIS)
    verdict = sample.verdict
    assert verdict.startswith(f"总分 {last_card.score:.1f} → {this_card.score:.1f}（{this_card.score - last_card.score:+.1f} 分）")
    assert f"重复上一年度的问题 {len(CARRIED_OVER)} 条" in verdict
    assert f"上一年度安排见成效 {len(FOLLOWED)}/{len(FOLLOWED) + len(NOT_REPORTED)} 项" in verdict
    assert f"沿用上一年度的成效段落 {len(RECYCLED)} 段" in verdict
    assert "\n" not in verdict
    assert sample.warnings == ()  # same body, consecutive years, same packs


def test_item_changes_follow_the_two_scorecards(sample, scorer):
    last_card, this_card = scorer.score_path(LAST), scorer.score_path(THIS)
    last_items = {(i.pack, i.id): i for i in last_card.items}
    this_items = {(i.pack, i.id): i for i in this_card.items}
    assert {(c.pack, c.id) for c in sample.items} == set(last_items) | set(this_items)
    rank = {Status.MISSING: 0, Status.PARTIAL: 1, Status.COVERED: 2}
    for change in sample.items:
        before, after = last_items[(change.pack, change.id)], this_items[(change.pack, change.id)]
        assert (change.last.status, change.this.status) == (before.status, after.status)
        assert change.last.evidence == before.evidence and change.this.evidence == after.evidence
        assert change.delta == pytest.approx(after.score - before.score)
        if before.status is after.status:
            assert change.change == UNCHANGED
        elif rank.get(after.status, -1) > rank.get(before.status, -1) >= 0:
            assert change.change == IMPROVED
        elif rank.get(before.status, -1) > rank.get(after.status, -1) >= 0:
            assert change.change == REGRESSED
    assert sample.count(IMPROVED) > 0  # the 2024 report covers items the 2023 one missed
    assert sample.score_change == pytest.approx(this_card.score - last_card.score)


# ---------------------------------------------------------------------------------------------
# Robustness on hand-made pairs
# ---------------------------------------------------------------------------------------------

REPORT = """\
青禾县人民政府关于{year}年法治政府建设情况的报告
{year}年，我县扎实推进法治政府建设。
一、{year}年推进法治政府建设的主要举措和成效
{achievements}
二、存在的不足和原因
{problems}
三、{next_year}年推进法治政府建设的主要安排
{plan}
青禾县人民政府
{next_year}年2月1日
"""


def card(scorer, year: int, *, achievements: str, problems: str, plan: str = "（一）加强行政执法队伍建设。组织全县执法人员开展轮训。"):
    text = REPORT.format(year=year, next_year=year + 1, achievements=achievements, problems=problems, plan=plan)
    return scorer.score_text(text, path=f"<{year}>")


def test_small_edits_are_still_repeats_and_rewritten_problems_are_not(scorer):
    last = card(
        scorer,
        2022,
        achievements="全年办理行政复议案件52件，审结50件。",
        problems=(
            "一是执法人员法律素养不高，部分执法人员对新修订法律法规学习不够深入。"
            "二是行政规范性文件备案审查力量薄弱，全县仅有专职审查人员2名。"
            "三是普法宣传形式较为单一，针对性和实效性不强。"
        ),
    )
    this = card(
        scorer,
        2023,
        achievements="全年办理行政复议案件61件，审结58件。",
        problems=(
            # a word changed (不够深入 -> 不深入), the numbering changed
            "一是执法人员法律素养不高，部分执法人员对新修订法律法规学习不深入。"
            # a figure changed
            "二是行政规范性文件备案审查力量薄弱，全县仅有专职审查人员3名。"
            # the same topic, written anew: not a repeat
            "三是群众对普法活动的参与度不高，新媒体普法覆盖的人群还不够广。"
        ),
    )
    result = compare_scorecards(last, this)
    repeated = {nfkc(p.this.text) for p in result.repeated_problems}
    assert repeated == {
        "一是执法人员法律素养不高,部分执法人员对新修订法律法规学习不深入。",
        "二是行政规范性文件备案审查力量薄弱,全县仅有专职审查人员3名。",
    }


def test_problem_threshold_comes_from_the_config(scorer):
    last = card(scorer, 2022, achievements="全年办理行政复议案件52件。", problems="一是执法人员法律素养不高，部分执法人员学习不够深入。")
    this = card(scorer, 2023, achievements="全年办理行政复议案件61件。", problems="一是执法人员法律素养不高，部分执法人员学习不深入。")
    assert compare_scorecards(last, this).repeated_problems
    assert not compare_scorecards(last, this, config=CompareConfig(problem_similarity=1.0)).repeated_problems


def test_plan_sentences_without_sub_sections_are_points(scorer):
    last = card(
        scorer,
        2022,
        achievements="全年办理行政复议案件52件。",
        problems="一是执法人员法律素养不高。",
        plan="下一步，我县将重点做好以下工作：全面推行行政执法公示制度，在县政府门户网站设立行政执法公示专栏。开展民主法治示范村创建活动。",
    )
    points = plan_points(last.document, CompareConfig())
    assert [nfkc(sentence.text) for point in points for sentence in point] == [
        "下一步,我县将重点做好以下工作:全面推行行政执法公示制度,在县政府门户网站设立行政执法公示专栏。",
        "开展民主法治示范村创建活动。",
    ]
    assert [len(point) for point in points] == [1, 1]
    this = card(
        scorer,
        2023,
        achievements="在县政府门户网站设立行政执法公示专栏，全年公示行政处罚决定1873条。",
        problems="一是执法人员法律素养不高。",
    )
    result = compare_scorecards(last, this)
    by_text = {p.point.text: p.followed for p in result.plan_points}
    assert any(followed and "公示专栏" in text for text, followed in by_text.items())
    assert any(not followed and "民主法治示范村" in text for text, followed in by_text.items())


def test_a_plan_point_needs_a_concrete_sentence_about_the_same_items(scorer):
    """Wording alone in a sentence without any figure, document or date is not 见成效."""
    last = card(
        scorer,
        2022,
        achievements="全年办理行政复议案件52件。",
        problems="一是执法人员法律素养不高。",
        plan="（一）全面推行行政执法公示制度。在县政府门户网站设立行政执法公示专栏。",
    )
    vague = card(scorer, 2023, achievements="我县全面推行行政执法公示制度，执法公开水平不断提升。", problems="一是执法人员法律素养不高。")
    concrete = card(scorer, 2023, achievements="我县在县政府门户网站设立行政执法公示专栏，全年公示处罚决定1873条。", problems="一是执法人员法律素养不高。")
    scorer_facts = scorer.sentence_facts
    followed = {}
    for name, this in (("vague", vague), ("concrete", concrete)):
        result = compare_scorecards(
            last, this, last_facts=scorer_facts(last.document, 2023), this_facts=scorer_facts(this.document, 2023)
        )
        followed[name] = [p.followed for p in result.plan_points]
    assert followed == {"vague": [False], "concrete": [True]}


# ---------------------------------------------------------------------------------------------
# Same body, consecutive years
# ---------------------------------------------------------------------------------------------


def test_two_different_seeds_are_refused_without_force(scorer, seed_by_prefix):
    # 融安县 (county, 2019) and 武胜县 (county, 2024): same level, different bodies.
    with pytest.raises(InputError, match="不是同一主体") as error:
        compare_paths(scorer, str(seed_by_prefix("000")), str(seed_by_prefix("003")))
    assert "融安县" in str(error.value) and "武胜县" in str(error.value) and "--force" in str(error.value)
    # 海原县三河镇 (township) and 武胜县 (county): level differs too.
    with pytest.raises(InputError, match="层级不同"):
        compare_paths(scorer, str(seed_by_prefix("001")), str(seed_by_prefix("003")))
    forced = compare_paths(scorer, str(seed_by_prefix("000")), str(seed_by_prefix("003")), force=True)
    assert forced.forced and any("--force" in w for w in forced.warnings)
    assert any("年度不相邻" in w for w in forced.warnings)  # 2019 and 2024


def test_different_seeds_share_no_problem_and_no_paragraph(scorer, seeds):
    """Measured on every ordered pair of real reports of different bodies: no false repeat."""
    cards = [scorer.score_path(path) for path in seeds]
    for last in cards:
        for this in cards:
            if last is this:
                continue
            result = compare_scorecards(last, this, force=True)
            assert result.repeated_problems == (), (last.document.source.path, this.document.source.path)
            assert result.recycled == (), (last.document.source.path, this.document.source.path)


def test_a_seed_against_an_edited_copy_of_itself(scorer, seed_by_prefix):
    """Realistic text: a report whose 不足 is copied into next year's, two statements edited."""
    document = scorer.score_path(seed_by_prefix("003")).document
    statements = problem_statements(document, CompareConfig())
    assert len(statements) >= 3
    text = document.text
    edited = text.replace("2024年", "2025年")
    first, second = statements[0].text, statements[-1].text
    new_first, new_second = first.rstrip("。") + "，亟待加强。", second.replace("不", "没有", 1)
    assert new_first != first and new_second != second
    edited = edited.replace(first, new_first).replace(second, new_second)
    assert new_first in edited and new_second in edited
    last, this = scorer.score_text(text, "<2024>"), scorer.score_text(edited, "<2025>")
    assert (last.document.meta.year, this.document.meta.year) == (2024, 2025)
    result = compare_scorecards(last, this)
    assert result.problem_statements == len(statements)
    assert len(result.repeated_problems) == len(statements)


def test_check_pair_years(scorer):
    document = scorer.score_path(LAST).document
    later = replace(document, meta=replace(document.meta, year=2026))
    assert any("年度不相邻" in w for w in check_pair(document, later))
    with pytest.raises(InputError, match="应早于"):
        check_pair(later, document)
    unknown = replace(document, meta=replace(document.meta, jurisdiction=None))
    assert any("未能识别" in w for w in check_pair(unknown, later))
    # 海原县三河镇 and 三河镇 are one body
    a = replace(document, meta=replace(document.meta, jurisdiction="海原县三河镇"))
    b = replace(later, meta=replace(document.meta, jurisdiction="三河镇", year=2024))
    assert not any("主体" in w for w in check_pair(a, b))


def test_items_of_packs_used_in_one_year_only(scorer):
    """A 2020 report (纲要 2015) against a 2021 one (纲要 2021): the packs' items are listed apart."""
    card_2020 = card(scorer, 2020, achievements="全年办理行政复议案件52件。", problems="一是执法人员法律素养不高。")
    card_2021 = card(scorer, 2021, achievements="全年办理行政复议案件61件。", problems="一是执法人员法律素养不高。")
    result = compare_scorecards(card_2020, card_2021)
    assert result.count(ONLY_LAST) and result.count(ONLY_THIS)
    assert all(c.change in CHANGES for c in result.items)
    assert any("规则包不同" in w for w in result.warnings)


def test_compare_config_is_validated():
    with pytest.raises(ConfigError):
        CompareConfig(problem_similarity=0)
    with pytest.raises(ConfigError):
        CompareConfig(plan_similarity=1.5)
    assert CompareConfig.from_mapping({"problem_similarity": 0.7}).problem_similarity == 0.7


def test_rendering_imports_no_judging_or_audit_code():
    code = (
        "import sys, scorer.render.compare, scorer.render.docx, scorer.render.html\n"
        "bad = sorted(m for m in sys.modules if m.startswith(('scorer.match', 'scorer.judge', 'scorer.audit', 'scorer.score', 'scorer.pipeline')))\n"
        "print(bad); sys.exit(1 if bad else 0)\n"
    )
    completed = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert completed.returncode == 0, completed.stdout + completed.stderr


def test_text_space_weights_equal_scikit_learn():
    """The comparison's n-gram TF-IDF (no scikit-learn at run time) gives TfidfTransformer's numbers."""
    from sklearn.feature_extraction.text import TfidfTransformer

    from scorer.audit.compare import TextSpace, comparable
    from scorer.audit.copydetect import ngram_counts
    from scorer.model import CopyDetectConfig

    background = ["我县召开专题会议研究部署法治政府建设工作。", "全年办理行政复议案件12件，纠错3件。", "坚持依法行政。" * 3]
    texts = background + ["全新的句子，和背景都不同。", "", "会议会议会议"]
    space = TextSpace(background)
    reference = TfidfTransformer(sublinear_tf=True, norm=None).fit(ngram_counts([comparable(t) for t in background], CopyDetectConfig()))
    expected = reference.transform(ngram_counts([comparable(t) for t in texts], CopyDetectConfig()).astype("float64"))
    ours = space.weights(texts)
    assert ours.shape == expected.shape
    assert abs(ours - expected).max() == 0.0
