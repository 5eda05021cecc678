"""End to end on the real corpus: the JSON contract, evidence offsets, roles, determinism, accuracy floor."""

from __future__ import annotations

import csv
import json

import pytest
from corpus_paths import GOLD_DIR

from scorer.cli import main
from scorer.model import Role, Status
from scorer.pipeline import Scorer
from scorer.rules import load_packs

# From ../shared/corpus/README.md.
EXPECTED_META = {
    "000": (2019, "county", "gangyao-2015"),
    "001": (2023, "township", "gangyao-2021"),
    "002": (2023, "county", "gangyao-2021"),
    "003": (2024, "county", "gangyao-2021"),
    "004": (2018, "county", "gangyao-2015"),
}


@pytest.fixture(scope="module")
def scorer():
    return Scorer()


@pytest.fixture(scope="module")
def cards(scorer, seeds):
    return {path.name[:3]: scorer.score_path(path) for path in seeds}


@pytest.mark.parametrize("prefix", sorted(EXPECTED_META))
def test_year_level_and_pack_choice(cards, prefix):
    year, level, pack = EXPECTED_META[prefix]
    card = cards[prefix]
    assert card.document.meta.year == year
    assert card.document.meta.level.value == level
    assert [p.id for p in card.packs] == [pack, "report-structure"]


@pytest.mark.parametrize("prefix", sorted(EXPECTED_META))
def test_json_contract(capsys, seed_by_prefix, prefix):
    assert main(["score", str(seed_by_prefix(prefix)), "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    for key in ("schema_version", "report", "packs", "score", "items"):
        assert key in data
    for key in ("path", "title", "jurisdiction", "level", "year"):
        assert key in data["report"]
    assert isinstance(data["report"]["year"], int)
    assert 0 <= data["score"] <= 100
    packs = load_packs()
    expected = [(pack_id, item.id) for pack_id in data["packs"] for item in packs[pack_id].items]
    assert [(i["pack"], i["id"]) for i in data["items"]] == expected  # one entry per item, in pack order
    text = (seed_by_prefix(prefix)).read_text(encoding="utf-8")
    for item in data["items"]:
        assert item["status"] in {s.value for s in Status}
        assert set(item) >= {"pack", "id", "title", "status", "score", "weight", "evidence"}
        for evidence in item["evidence"]:
            assert set(evidence) >= {"text", "start", "end", "section"}


def test_evidence_offsets_slice_the_document_text(cards):
    for card in cards.values():
        for item in card.items:
            for evidence in (*item.evidence, *(e for part in item.parts for e in part.evidence)):
                assert card.document.text[evidence.start : evidence.end] == evidence.text


def test_nothing_is_covered_by_shortcomings_or_plan_alone(cards):
    for card in cards.values():
        for item in card.items:
            if item.status is Status.COVERED and item.pack != "report-structure":
                roles = {e.role for e in item.evidence}
                assert roles - {Role.SHORTCOMINGS, Role.NEXT_YEAR_PLAN, Role.CLOSING}, (item.id, roles)


def test_same_input_gives_byte_identical_json(capsys, seeds):
    outputs = []
    for _ in range(2):
        assert main(["score", str(seeds[2]), "--format", "json"]) == 0
        outputs.append(capsys.readouterr().out)
    assert outputs[0] == outputs[1]


def test_not_applicable_items_follow_the_level(cards):
    township = cards["001"]
    statuses = {(i.pack, i.id): i.status for i in township.items}
    assert statuses[("gangyao-2021", "legislation")] is Status.NOT_APPLICABLE
    assert statuses[("gangyao-2021", "admin_reconsideration")] is Status.NOT_APPLICABLE
    county = cards["003"]
    assert {(i.id, i.status) for i in county.items if i.id == "legislation"} == {("legislation", Status.NOT_APPLICABLE)}


def test_examples_strong_beats_weak(scorer):
    from corpus_paths import EXAMPLES_DIR

    strong = scorer.score_path(EXAMPLES_DIR / "qinghe_2024_strong.txt")
    weak = scorer.score_path(EXAMPLES_DIR / "qinghe_2024_weak.txt")
    assert strong.score >= 85 > 60 > weak.score
    assert not strong.key_not_covered
    assert weak.key_not_covered


def test_eval_meets_the_issue_floor(capsys, seeds):
    """Regression guard at the floor the issue sets (the measured figures live in bench/ACCURACY.md)."""
    assert main(["eval", "--gold", str(GOLD_DIR), "--format", "json", *map(str, seeds)]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["items"] == sum(1 for path in GOLD_DIR.glob("*.csv") for _ in csv.DictReader(path.open(encoding="utf-8")))
    assert data["mention"]["f1"] >= 0.90
    assert data["covered"]["f1"] >= 0.80
    assert data["exact_accuracy"] >= 0.75
    assert all(row["ok"] for row in data["metadata"])  # year and level right on all five


def test_eval_slices_by_level_year_band_and_report(capsys, seeds):
    assert main(["eval", "--gold", str(GOLD_DIR), "--format", "json", *map(str, seeds)]) == 0
    data = json.loads(capsys.readouterr().out)
    for key in ("per_level", "per_year_band", "per_report"):
        assert sum(v["total"] for v in data[key].values()) == data["items"], key
        assert sum(v["exact"] for v in data[key].values()) == round(data["exact_accuracy"] * data["items"]), key
    assert set(data["per_level"]) == {"county", "township"}  # the seeds: four counties, one township
    assert set(data["per_year_band"]) == {"2016–2020（2015 版纲要）", "2021–2024（2021 版纲要）"}
    assert set(data["per_report"]) == {path.name for path in seeds}
    assert all(row["year_ok"] and row["level_ok"] for row in data["per_report"].values())


def test_eval_text_by_report(capsys, seeds):
    assert main(["eval", "--gold", str(GOLD_DIR), "--by-report", *map(str, seeds)]) == 0
    out = capsys.readouterr().out
    assert "按层级（金标准）" in out and "按报告年度" in out and "逐份报告" in out
    assert all(path.name in out for path in seeds)


def test_explain_names_thresholds_roles_and_candidates(capsys, seed_by_prefix):
    assert main(["explain", str(seed_by_prefix("002")), "major_decision_procedure"]) == 0
    out = capsys.readouterr().out
    assert "阈值" in out and "候选句" in out and "要件" in out
    assert "重大行政决策" in out


def test_explain_unknown_item_is_exit_2(capsys, seed_by_prefix):
    assert main(["explain", str(seed_by_prefix("002")), "no_such_item"]) == 2
    assert "no_such_item" in capsys.readouterr().err


def test_score_refuses_to_overwrite_without_force(tmp_path, capsys, seeds):
    target = tmp_path / "out.json"
    target.write_text("keep", encoding="utf-8")
    assert main(["score", str(seeds[0]), "--format", "json", "-o", str(target)]) == 2
    assert target.read_text(encoding="utf-8") == "keep"
    assert main(["score", str(seeds[0]), "--format", "json", "-o", str(target), "--force"]) == 0
    assert json.loads(target.read_text(encoding="utf-8"))["report"]["year"] == 2019
