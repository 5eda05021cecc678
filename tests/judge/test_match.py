"""The matcher on small texts: roles, substance, parts, levels, evidence offsets."""

from __future__ import annotations

import pytest

from scorer.document import build_document, raw_text_from_string
from scorer.judge.match import Matcher
from scorer.judge.substance import substance_markers
from scorer.model import Level, Role, Status
from scorer.rules import load_packs

TITLE = "青禾县人民政府关于2024年法治政府建设情况的报告\n"


@pytest.fixture(scope="module")
def pack():
    return load_packs()["gangyao-2021"]


@pytest.fixture(scope="module")
def matcher(pack):
    return Matcher([pack])


def score(matcher, pack, item_id, body, level=None):
    document = build_document(raw_text_from_string(TITLE + body))
    return matcher.score_item(pack, pack.item(item_id), document, level=level), document


def test_concrete_sentence_in_achievements_is_covered(matcher, pack):
    result, document = score(
        matcher,
        pack,
        "admin_reconsideration",
        "一、2024年推进法治政府建设的主要举措和成效\n全年共收到行政复议申请86件，受理79件，审结75件，直接纠错11件，纠错率14.7%。\n",
    )
    assert result.status is Status.COVERED
    (best, *_) = result.evidence
    assert document.text[best.start : best.end] == best.text
    assert best.role is Role.ACHIEVEMENTS
    assert "86件" in best.substance


def test_same_sentence_in_plan_or_shortcomings_is_only_partial(matcher, pack):
    sentence = "全年共收到行政复议申请86件，受理79件，审结75件，直接纠错11件，纠错率14.7%。\n"
    for heading in ("二、存在的不足和原因\n", "三、2025年推进法治政府建设的主要安排\n"):
        result, _ = score(matcher, pack, "admin_reconsideration", heading + sentence)
        assert result.status is Status.PARTIAL, heading
        assert all(e.role is not Role.ACHIEVEMENTS for e in result.evidence)


def test_generic_sentence_is_partial_and_other_subject_missing(matcher, pack):
    generic, _ = score(
        matcher, pack, "admin_reconsideration", "一、主要举措和成效\n充分发挥行政复议化解行政争议的主渠道作用。\n"
    )
    assert generic.status is Status.PARTIAL
    other, _ = score(matcher, pack, "admin_reconsideration", "一、主要举措和成效\n全年开展应急演练12次，修订应急预案8件。\n")
    assert other.status is Status.MISSING
    assert other.evidence == ()


def test_parts_all_shown_make_three_systems_covered_some_partial(matcher, pack):
    full, _ = score(
        matcher,
        pack,
        "three_enforcement_systems",
        "一、主要举措和成效\n全县38个执法部门通过行政执法信息公示平台公示执法决定5200件；"
        "配备执法记录仪460台，实现执法全过程记录；重大执法决定法制审核126件。\n",
    )
    assert full.status is Status.COVERED
    assert {p.id: p.status for p in full.parts} == {
        "publicity": Status.COVERED,
        "full_record": Status.COVERED,
        "legal_review": Status.COVERED,
    }
    one, _ = score(matcher, pack, "three_enforcement_systems", "一、主要举措和成效\n全年公示行政处罚决定5200件。\n")
    assert one.status is Status.PARTIAL
    assert sum(p.status is Status.COVERED for p in one.parts) == 1


def test_level_not_applicable(matcher, pack):
    result, _ = score(matcher, pack, "legislation", "一、主要举措和成效\n全年制定政府规章3件。\n", level=Level.TOWNSHIP)
    assert result.status is Status.NOT_APPLICABLE
    assert result.score == 0


def test_title_and_part_headings_are_never_evidence(matcher, pack):
    result, _ = score(matcher, pack, "assessment_and_report", "一、2024年推进法治政府建设的主要举措和成效\n全年修订应急预案8件。\n")
    assert result.status is Status.MISSING


@pytest.mark.parametrize(
    ("text", "year", "expected"),
    [
        ("全年办理行政复议案件31件,纠错率14.7%。", 2024, ("31件", "14.7%")),
        ("深入推进落实行政执法“三项制度”。", 2024, ()),  # 三项制度 is a name, not a count
        ("2017年6月底,我县完成了权力清单和责任清单“两单融合”。", 2019, ()),  # history, not the year's work
        ("报送2023年度法治政府建设情况报告。", 2024, ()),
        ("全面贯彻落实《中卫市推行行政柔性执法工作方案》。", 2024, ()),  # followed, not produced
        ("制定《青禾县行政执法公示办法》。", 2024, ("《青禾县行政执法公示办法》",)),
        ("认真贯彻《法治政府建设实施纲要(2021-2025年)》。", 2024, ()),
    ],
)
def test_substance_markers(text, year, expected):
    assert substance_markers(text, year) == expected


def test_tfidf_equals_sklearn_fit_and_transform(matcher, seeds):
    """The matcher's own TF-IDF (no scikit-learn at run time) gives scikit-learn's numbers."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    reference = TfidfVectorizer(analyzer=matcher.tokenizer.tokens, sublinear_tf=True, norm="l2")
    texts = [text for pack in matcher.packs for item in pack.items for text in item.exemplars or ()]  # the matcher's order
    assert len(texts) > 100
    exemplars = reference.fit_transform(texts)
    assert dict(matcher._tfidf.vocabulary) == reference.vocabulary_  # the same columns, in the same order
    assert abs(matcher._tfidf.idf - reference.idf_).max() == 0.0
    assert abs(matcher._exemplar_matrix.T.toarray() - exemplars.toarray()).max() < 1e-12
    sentences = [line for line in seeds[1].read_text(encoding="utf-8").split("\n") if line.strip()][:60]
    ours = matcher.vectorize(sentences).toarray()
    theirs = reference.transform(sentences).toarray()
    assert ours.shape == theirs.shape
    assert abs(ours - theirs).max() < 1e-12


@pytest.mark.parametrize("command", ["score", "compare"])
def test_commands_do_not_import_scikit_learn(command):
    """scikit-learn trains the sentence model; scoring and comparing must not pay its import (~0.8 s)."""
    import subprocess
    import sys

    from corpus_paths import EXAMPLES_DIR

    files = ["qinghe_2024_weak.txt"] if command == "score" else ["qinghe_2023.txt", "qinghe_2024_weak.txt"]
    code = (
        "import sys; from scorer.cli import main; "
        f"code = main([{command!r}, *sys.argv[1:], '--format', 'json', '--timeout', '0']); "
        "assert not [m for m in sys.modules if m.split('.')[0] == 'sklearn'], 'sklearn imported'; sys.exit(code)"
    )
    done = subprocess.run([sys.executable, "-c", code, *(str(EXAMPLES_DIR / f) for f in files)], capture_output=True, text=True, check=False)
    assert done.returncode in (0, 1), done.stderr[-2000:]  # 1: `compare` found a regression; the point is the imports
    assert "sklearn imported" not in done.stderr
