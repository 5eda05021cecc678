"""Rules: YAML packs (``rules/``) → validated, immutable ``Pack``/``Item`` objects, and which packs score a report.

* ``types``      – the rule objects (Pack, Item, SignalGroup, Part, Example) and the one
                   implementation of the signal-group conditions;
* ``loader``     – reading and validating pack folders (every problem named by file, item and key);
* ``select``     – choosing packs by report year or by name;
* ``thresholds`` – the matching thresholds (``rules/defaults.yaml``, overridable per pack or project).

In: a rules folder (default: the packs shipped with the tool). Out: ``dict[str, Pack]``.
Rules are data: nothing here judges a report (``scorer.judge`` reads these objects).
"""

from __future__ import annotations

from scorer.rules.loader import (
    builtin_rules_dir,
    clear_cache,
    display_path,
    format_problems,
    is_pack_dir,
    load_defaults,
    load_pack,
    load_packs,
)
from scorer.rules.select import (
    DEFAULT_CONTENT_PACK,
    find_items,
    iter_items,
    select_packs,
)
from scorer.rules.thresholds import MatchingConfig
from scorer.rules.types import (
    Example,
    Item,
    Pack,
    Part,
    SignalGroup,
    level_name,
    normalize_phrase,
    normalize_text,
    role_name,
    status_name,
)

__all__ = [
    "DEFAULT_CONTENT_PACK",
    "Example",
    "Item",
    "MatchingConfig",
    "Pack",
    "Part",
    "SignalGroup",
    "builtin_rules_dir",
    "clear_cache",
    "display_path",
    "find_items",
    "format_problems",
    "is_pack_dir",
    "iter_items",
    "level_name",
    "load_defaults",
    "load_pack",
    "load_packs",
    "normalize_phrase",
    "normalize_text",
    "role_name",
    "select_packs",
    "status_name",
]
