"""The shared vocabulary: parts of a report (Role), government levels (Level), item statuses (Status).

Their Chinese labels live here too, so every stage and every output says the same words.
"""

from __future__ import annotations

import enum


class Role(str, enum.Enum):
    """What a part of the report is, in the terms of the 督察规定 (four content parts)."""

    ACHIEVEMENTS = "achievements"  # 主要举措和成效
    SHORTCOMINGS = "shortcomings"  # 存在的不足和原因 / 问题
    FIRST_RESPONSIBLE = "first_responsible"  # 党政主要负责人履行第一责任人职责情况
    NEXT_YEAR_PLAN = "next_year_plan"  # 下一年度/下一步 工作安排、思路、打算
    PREAMBLE = "preamble"  # opening paragraphs before the first part
    CLOSING = "closing"  # signature, date, attachments
    OTHER = "other"

    @property
    def counts_as_action(self) -> bool:
        """True where a sentence may prove that something was done in the year."""
        return self in (Role.ACHIEVEMENTS, Role.FIRST_RESPONSIBLE, Role.OTHER, Role.PREAMBLE)


class Level(str, enum.Enum):
    """Government level (see checklist.md, "Government levels")."""

    PROVINCE = "province"
    CITY = "city"  # 地级/设区的市, 自治州
    COUNTY = "county"  # 县, 县级市, 区, 旗
    TOWNSHIP = "township"  # 乡, 镇, 街道
    DEPARTMENT = "department"  # 政府工作部门


class Status(str, enum.Enum):
    """Item status; the same vocabulary for rules, gold labels and output."""

    COVERED = "covered"
    PARTIAL = "partial"
    MISSING = "missing"
    NOT_APPLICABLE = "not_applicable"


LEVEL_LABELS: dict[Level, str] = {
    Level.PROVINCE: "省级",
    Level.CITY: "市级",
    Level.COUNTY: "县级",
    Level.TOWNSHIP: "乡镇",
    Level.DEPARTMENT: "部门",
}

ROLE_LABELS: dict[Role, str] = {
    Role.ACHIEVEMENTS: "成效",
    Role.SHORTCOMINGS: "不足",
    Role.FIRST_RESPONSIBLE: "第一责任人",
    Role.NEXT_YEAR_PLAN: "下一年度安排",
    Role.PREAMBLE: "开头",
    Role.CLOSING: "结尾",
    Role.OTHER: "其他",
}

STATUS_LABELS: dict[Status, str] = {
    Status.COVERED: "已覆盖",
    Status.PARTIAL: "部分覆盖",
    Status.MISSING: "未覆盖",
    Status.NOT_APPLICABLE: "不适用",
}

# Where the report year was read from (Metadata.year_source).
YEAR_SOURCE_LABELS: dict[str, str] = {
    "title": "标题",
    "opening": "正文开头",
    "body": "成效部分",
    "date": "由成文日期推断",
}
