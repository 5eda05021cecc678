"""JSON output: the machine contract (see checklist.md, "What the JSON output must carry").

Stable key order and item order, no timestamp unless one is passed in, so scoring the same file
twice gives byte-identical output. Reviews (人工复核) from the workspace, when given, are added
per item (``review``) with a ``review_counts`` summary; without them the output is unchanged.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any, Sequence

from scorer import __version__
from scorer.model import Evidence, ItemResult, Review, Scorecard, Section
from scorer.render.review import latest, review_counts, review_dict


def evidence_dict(evidence: Evidence) -> dict[str, Any]:
    return {
        "text": evidence.text,
        "start": evidence.start,
        "end": evidence.end,
        "section": evidence.section,
        "role": evidence.role.value,
        "similarity": round(evidence.similarity, 4),
        "terms": list(evidence.terms),
        "substance": list(evidence.substance),
        "act": evidence.act,
        **({"part": evidence.part} if evidence.part else {}),
    }


def _item(item: ItemResult) -> dict[str, Any]:
    return {
        "pack": item.pack,
        "id": item.id,
        "title": item.title,
        "section": item.section,
        "group": item.group,
        "status": item.status.value,
        "score": round(item.score, 2),
        "weight": item.weight,
        "key": item.key,
        "reason": item.reason,
        "evidence": [evidence_dict(e) for e in item.evidence],
        "parts": [
            {"id": p.id, "title": p.title, "status": p.status.value, "evidence": [evidence_dict(e) for e in p.evidence]}
            for p in item.parts
        ],
        "advice": item.advice,
        "basis": item.basis,
    }


def _section(section: Section) -> dict[str, Any]:
    return {
        "id": section.id,
        "marker": section.marker,
        "title": section.title,
        "role": section.role.value,
        "start": section.start,
        "end": section.end,
    }


def to_dict(
    scorecard: Scorecard, generated_at: dt.datetime | None = None, reviews: Sequence[Review] = ()
) -> dict[str, Any]:
    document = scorecard.document
    meta = document.meta
    data: dict[str, Any] = {
        "schema_version": scorecard.schema_version,
        "tool": {"name": "fazhi-scorecard", "version": __version__},
        "report": {
            "path": document.source.path,
            "format": document.source.format,
            "sha256": document.source.sha256,
            "title": meta.title,
            "jurisdiction": meta.jurisdiction,
            "level": meta.level.value if meta.level else None,
            "year": meta.year,
            "year_source": meta.year_source,
            "date": meta.date,
            "addressee": meta.addressee,
            "signer": meta.signer,
            "truncated": meta.truncated,
        },
        "packs": [p.id for p in scorecard.packs],
        "pack_scores": [{"id": p.id, "title": p.title, "version": p.version, "score": p.score} for p in scorecard.packs],
        "score": scorecard.score,
        "grade": scorecard.grade,
        "key_not_covered": list(scorecard.key_not_covered),
        "warnings": list(scorecard.warnings),
        "subtotals": [
            {"pack": s.pack, "group": s.group, "title": s.title, "score": s.score, "weight": s.weight}
            for s in scorecard.subtotals
        ],
        "structure": [_section(s) for s in document.sections],
        "items": [_item(i) for i in scorecard.items],
        "waivers": [{"item": w.item, "reason": w.reason, "matched": list(w.matched)} for w in scorecard.waivers],
    }
    reviewed = latest(reviews)
    if reviewed:
        for item, entry in zip(scorecard.items, data["items"]):
            review = reviewed.get(f"{item.pack}:{item.id}")
            if review is not None:
                entry["review"] = review_dict(review, item.status)
        data["review_counts"] = review_counts(reviewed, {f"{i.pack}:{i.id}": i.status for i in scorecard.items})
    if generated_at is not None:
        data["generated_at"] = generated_at.astimezone(dt.timezone.utc).isoformat()
    return data


def format(  # noqa: A001 - renderer interface
    scorecard: Scorecard, generated_at: dt.datetime | None = None, reviews: Sequence[Review] = ()
) -> str:
    return json.dumps(to_dict(scorecard, generated_at, reviews), ensure_ascii=False, indent=2) + "\n"
