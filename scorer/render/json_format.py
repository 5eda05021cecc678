"""JSON output: the machine contract (see checklist.md, "What the JSON output must carry").

Stable key order and item order, no timestamp unless one is passed in, so scoring the same file
twice gives byte-identical output.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from scorer import __version__
from scorer.model import Evidence, ItemResult, Scorecard, Section


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


def to_dict(scorecard: Scorecard, generated_at: dt.datetime | None = None) -> dict[str, Any]:
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
    if generated_at is not None:
        data["generated_at"] = generated_at.astimezone(dt.timezone.utc).isoformat()
    return data


def format(scorecard: Scorecard, generated_at: dt.datetime | None = None) -> str:  # noqa: A001 - renderer interface
    return json.dumps(to_dict(scorecard, generated_at), ensure_ascii=False, indent=2) + "\n"
