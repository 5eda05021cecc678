"""What a report says about itself: body, level, year reported on, date of writing, addressee, signer.

The functions here read small pieces of text that ``scorer.document`` has already located (the
title line, the addressee line, the opening sentence, the signature lines, the date line), plus
the whole text for level cues. They never look at file names: the same rules apply to every
report.
"""

from __future__ import annotations

import datetime as _dt
import re
from collections import Counter
from dataclasses import dataclass

from scorer.document.segment import chinese_digits, chinese_number
from scorer.model import Level

# Words that make a first line a report title.
TITLE_WORDS = re.compile(r"报告|情况|总结|汇报|工作要点|述职|自查|自评|年报")

# ---------------------------------------------------------------------------------------------
# Dates
# ---------------------------------------------------------------------------------------------

_CN_YEAR = "[〇○零一二三四五六七八九]{4}"
_CN_SMALL = "[一二三四五六七八九十]{1,3}"
_DATE_PATTERNS = (
    re.compile(r"((?:19|20)\d{2})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日"),
    re.compile(rf"({_CN_YEAR})\s*年\s*({_CN_SMALL})\s*月\s*({_CN_SMALL})\s*日"),
    re.compile(r"((?:19|20)\d{2})\s*[-./]\s*(\d{1,2})\s*[-./]\s*(\d{1,2})(?!\d)"),
)


def _to_int(part: str) -> int | None:
    if part.isdigit():
        return int(part)
    return chinese_digits(part) if len(part) == 4 else chinese_number(part)


def _iso(match: re.Match[str]) -> str | None:
    year, month, day = (_to_int(match.group(i)) for i in (1, 2, 3))
    if year is None or month is None or day is None:
        return None
    try:
        return _dt.date(year, month, day).isoformat()
    except ValueError:
        return None


def date_only(line: str) -> str | None:
    """ISO date when the whole line is a date ("2024年2月28日", "二〇二四年二月二十日")."""
    stripped = line.strip().rstrip("。.")
    for pattern in _DATE_PATTERNS:
        match = pattern.fullmatch(stripped)
        if match:
            return _iso(match)
    return None


def trailing_date(line: str) -> tuple[int, str] | None:
    """(offset in line, ISO date) of a date that ends the line, e.g. "融安县人民政府 2019年12月27日"."""
    stripped = line.rstrip().rstrip("。.")
    for pattern in _DATE_PATTERNS[:2]:
        for match in pattern.finditer(stripped):
            if match.end() == len(stripped):
                iso = _iso(match)
                if iso:
                    return match.start(), iso
    return None


# ---------------------------------------------------------------------------------------------
# Years
# ---------------------------------------------------------------------------------------------

_YEAR_RX = re.compile(r"(?<![\d\-—–~至到])((?:19|20)\d{2})\s*年(?!\s*[\-—–~至到]\s*(?:(?:19|20)?\d{2}))")
_BOOK_TITLE = re.compile(r"《[^《》]{0,80}》|[(（][^()（）]{0,40}[)）]")
_MIN_YEAR = 1990
_MAX_YEAR = 2100


def years_in(text: str) -> list[int]:
    """Plausible years mentioned as "2023年"/"2023年度", outside 《》 and (), ranges excluded."""
    masked = _BOOK_TITLE.sub(lambda m: " " * len(m.group(0)), text)
    return [int(y) for y in _YEAR_RX.findall(masked) if _MIN_YEAR <= int(y) <= _MAX_YEAR]


def _title_year(title: str) -> int | None:
    # Ranges in a title are excluded by years_in; a title naming two years reports on the first.
    found = years_in(re.sub(r"[《》]", "", title))
    return found[0] if found else None


# ---------------------------------------------------------------------------------------------
# Jurisdiction and level
# ---------------------------------------------------------------------------------------------

# Characters that never occur in a place name in these positions; they stop a name from running
# into the words around it ("珲春市委市政府", "丹江口市在十堰市委", "融安县人民政府").
_STOP = "委政府党的年度关于在以将对为从向由我本该各其此人是有与及全坚深认按围紧始持积扎切牢聚着严根结把推落实作治、"
_NAME_CHAR = rf"(?:(?![{_STOP}])[\u4e00-\u9fff])"
_SUFFIX = "特别行政区|自治区|自治州|自治县|自治旗|街道|苏木|地区|新区|省|市|州|盟|县|区|旗|镇|乡"
_UNIT = rf"{_NAME_CHAR}{{2,7}}?(?:{_SUFFIX})"
# A name starts a line, follows punctuation/digits, a year ("2019年融安县"), the party prefix
# ("中共武胜县委") or "关于" ("关于融安县2019年……的报告").
_BOUNDARY = r"(?:(?<![\u4e00-\u9fff])|(?<=[年度共于]))"
_PLACE_CHAIN = re.compile(rf"{_BOUNDARY}((?:{_UNIT}){{1,4}})")
_UNIT_RX = re.compile(rf"({_NAME_CHAR}{{2,7}}?)({_SUFFIX})")
_DEPARTMENT_SUFFIX = "局|厅|办公室|委员会|管委会|署"
_DEPARTMENT_TAIL = re.compile(rf"([\u4e00-\u9fff]{{1,12}}?(?:{_DEPARTMENT_SUFFIX}))")
_BARE_DEPARTMENT = re.compile(rf"{_BOUNDARY}([省市县区州][\u4e00-\u9fff]{{2,12}}?(?:{_DEPARTMENT_SUFFIX}))")
# A central ministry or agency has no place in its name: "司法部2023年……", "生态环境部关于……".
_MINISTRY = re.compile(rf"^\s*((?:国家)?{_NAME_CHAR}{{2,10}}?(?:部|总局|委员会|署))(?=\s*(?:(?:19|20)\d{{2}}|关于))")
_MUNICIPALITIES = frozenset({"北京市", "天津市", "上海市", "重庆市"})
_UNIT_BELOW_GOVERNMENT = re.compile(rf"(?:人民)?政府\s*({_NAME_CHAR}{{2,7}}?(?:街道|镇|乡|苏木))(?:办事处|人民政府)?")


@dataclass(frozen=True)
class BodyName:
    """The reporting body as named in a line: its place (chain of units) and, for departments, the department."""

    place: str  # e.g. 海原县三河镇, or "" for "市生态环境局"
    department: str | None = None  # e.g. 生态环境局

    @property
    def name(self) -> str:
        return self.place + (self.department or "")


def _department_after(fragment: str, end: int, party_context: bool) -> str | None:
    match = _DEPARTMENT_TAIL.match(fragment, end)
    if not match:
        return None
    tail = match.group(1)
    if tail.startswith(("人民政府办公室", "政府办公室")):
        return tail
    # A tail that starts with a stop character runs into the words around the name ("在十堰市委");
    # 人 is the exception that starts real departments (人力资源和社会保障局, 人民防空办公室).
    if (tail[0] in _STOP and tail[0] != "人") or "政府" in tail:
        return None
    if party_context and tail.endswith("委员会"):
        return None  # 中共××县委员会 is the party committee, not a department
    return tail


def body_name(fragment: str) -> BodyName | None:
    """The first reporting body named in ``fragment`` (a title, an opening clause, a signature)."""
    party_context = bool(re.search(r"中共|中国共产党|党委|党组", fragment))
    # Blank out the party prefix and the titles of documents (a place in 《东莞市…工作要点》 is not the
    # reporting body), keeping lengths so nothing else moves.
    fragment = re.sub(r"中国共产党|中共|《[^《》]{0,80}》", lambda m: " " * len(m.group(0)), fragment)
    ministry = None if party_context else _MINISTRY.match(fragment)
    if ministry:
        return BodyName(place="", department=ministry.group(1))
    match = _PLACE_CHAIN.search(fragment)
    bare = _BARE_DEPARTMENT.search(fragment)
    if bare and (not match or bare.start() < match.start()):
        return BodyName(place="", department=bare.group(1))
    if not match:
        return None
    place, end = match.group(1), match.end(1)
    # "鲤城区人民政府金龙街道办事处", "某县人民政府某镇人民政府": the body is the unit after the government.
    below = _UNIT_BELOW_GOVERNMENT.match(fragment, end)
    if below:
        place, end = place + below.group(1), below.end(1)
    return BodyName(place=place, department=_department_after(fragment, end, party_context))


def _units(place: str) -> list[tuple[str, str]]:
    """(unit name, suffix) of each unit of a place chain: 延边州珲春市 -> [(延边州, 州), (珲春市, 市)]."""
    return [(m.group(1) + m.group(2), m.group(2)) for m in _UNIT_RX.finditer(place)]


_SUPERIOR_LEAD = re.compile(r"在([^。;；]{0,40}?)(?:的)?(?:正确|坚强|有力|精心|亲切)?(?:领导|指导|关心|支持)")
_NAMED_SUPERIOR = re.compile(rf"({_NAME_CHAR}{{2,6}}?(?:市|州|盟|地区))(?:委|政府|人民政府|党委|法制办|司法局)")
_PROVINCE_SUPERIOR = re.compile(r"省委|省政府|省人民政府|自治区党委|自治区人民政府|自治区政府|区党委")
_PREFECTURE_SUPERIOR = re.compile(r"州委|州政府|州人民政府|盟委|行署")
_CITY_OWN_COUNTIES = re.compile(r"县[(（]市、?区[)）]|县[(（]区[)）]|各县区|县市区|各区县|区县[(（]市[)）]")
_SELF_REFERENCE = {
    Level.COUNTY: re.compile(r"[我全本]县|[我全本]区(?!域)"),
    Level.TOWNSHIP: re.compile(r"[我全本][镇乡]|[我全本]街道"),
    Level.CITY: re.compile(r"[我全本]市"),
    Level.DEPARTMENT: re.compile(r"[我本][局委办厅部]"),
    Level.PROVINCE: re.compile(r"[我全本]省"),
}


def _county_level_city(city: str, addressee: str | None, text: str) -> bool:
    """Whether a 市 is a 县级市, judged by whom it reports to (州/another city) versus its own counties."""
    county_cues = 0
    city_cues = 0
    if "县级市" in text:
        county_cues += 2
    superiors = [addressee or ""] + [m.group(1) for m in _SUPERIOR_LEAD.finditer(text)]
    for superior in superiors:
        if not superior:
            continue
        if _PREFECTURE_SUPERIOR.search(superior):
            county_cues += 1
        named = [m.group(1) for m in _NAMED_SUPERIOR.finditer(superior)]
        if any(name != city and not city.endswith(name) and not name.endswith(city) for name in named):
            county_cues += 1
        elif _PROVINCE_SUPERIOR.search(superior) and not _PREFECTURE_SUPERIOR.search(superior):
            city_cues += 1
    if re.search(r"(?:向|报|报送|报请)[^。]{0,6}州(?:政府|人大|委)", text):
        county_cues += 1
    city_cues += min(2, len(_CITY_OWN_COUNTIES.findall(text)))
    return county_cues > city_cues


# The subject of the opening sentence, once the time ("2023年,") and the superior's guidance
# ("在市委、市政府的正确领导下,") are set aside, is how the body names itself: 我局, 省卫生健康委,
# 海关总署, 市政府, 全省各级行政机关, 我街道.
_TIME_LEAD = re.compile(r"^\s*(?:(?:(?:19|20)\d{2}\s*年(?:度)?(?:以来|来)?|今年以来|一年来|过去的?一年(?:里|来)?)\s*[,，]?\s*)?")
_GUIDANCE = re.compile(r"^(?:在|坚持在)[^。;；]{0,80}?(?:领导|指导|指引|引领|关心|支持|带领|统筹|部署)下?\s*[,，]\s*")
_DEPARTMENT_SUBJECT = re.compile(
    r"^(?:[我本](?:局|厅|委|办|署|部|院|中心)"
    r"|(?:[省市县区州盟旗]|国家)?(?!人民政府|政府|党)[\u4e00-\u9fff]{2,10}?(?:局|厅|委员会|委|办公室|办|总署|署|部)"
    r"(?=在|坚持|深入|认真|全面|紧紧|始终|以|把|按照|围绕|聚焦|牢固|持续|扎实|立足|紧扣|结合|着力|切实|积极|严格|不断|进一步|对|将|[,，]))"
)
# A 委/办 right after a one-character place is the party committee or its office (市委, 县委办), not a department.
_PARTY_SUBJECT = re.compile(r"^[省市县区州镇乡党工][委]|^[省市县区州]委办|^全[省市县区]")
_GOVERNMENT_SUBJECT = (
    (Level.PROVINCE, re.compile(r"^(?:[我全本]省|省(?:人民)?政府|(?:[我全本]|自治)区(?:人民)?政府?各级)")),
    (Level.CITY, re.compile(r"^(?:[我全本]市|市(?:人民)?政府|[我全本]州|州(?:人民)?政府)")),
    (Level.COUNTY, re.compile(r"^(?:[我全本][县区旗]|[县区旗](?:人民)?政府)")),
    (Level.TOWNSHIP, re.compile(r"^(?:[我全本](?:镇|乡|街道|街)|(?:镇|乡)(?:人民)?政府|街道(?:办事处|党工委)?)")),
)


def opening_subject(opening: str | None) -> str:
    """The start of the opening sentence's subject (about 20 characters), time and guidance set aside."""
    if not opening:
        return ""
    clause = opening_clause(opening)
    clause = clause[_TIME_LEAD.match(clause).end() :]
    for _ in range(2):  # "在……领导下,在……指导下,"
        guidance = _GUIDANCE.match(clause)
        if guidance is None:
            break
        clause = clause[guidance.end() :]
    return clause[:20]


def level_of_subject(subject: str) -> Level | None:
    """Level from how the opening sentence names the reporting body (see ``opening_subject``)."""
    if not subject:
        return None
    if _DEPARTMENT_SUBJECT.match(subject) and not _PARTY_SUBJECT.match(subject):
        return Level.DEPARTMENT
    for level, pattern in _GOVERNMENT_SUBJECT:
        if pattern.match(subject):
            return level
    return None


def infer_level(name: BodyName | None, addressee: str | None, text: str, opening: str | None = None) -> Level | None:
    """Government level from the body's name and the opening sentence's subject, with cues for 市.

    A department is a department at any level (县教育局, 省卫生健康委, 海关总署): a department name in
    the title or a department subject in the opening ("我局……") outweighs a place named in the title.
    """
    subject = level_of_subject(opening_subject(opening))
    if (name is not None and name.department) or subject is Level.DEPARTMENT:
        return Level.DEPARTMENT
    if name is not None and name.place:
        units = _units(name.place)
        if units:
            unit_name, suffix = units[-1]
            if suffix in ("省", "自治区", "特别行政区") or unit_name in _MUNICIPALITIES:
                return Level.PROVINCE
            if suffix in ("州", "自治州", "盟", "地区"):
                return Level.CITY
            if suffix in ("镇", "乡", "街道", "苏木"):
                return Level.TOWNSHIP
            if suffix in ("县", "自治县", "旗", "自治旗", "区", "新区"):
                return Level.COUNTY
            if suffix == "市":
                if any(s in ("市", "州", "自治州", "盟", "地区") for _, s in units[:-1]):
                    return Level.COUNTY  # 延边州珲春市, 十堰市丹江口市
                return Level.COUNTY if _county_level_city(unit_name, addressee, text) else Level.CITY
    return subject or _level_from_self_reference(text)


def _level_from_self_reference(text: str) -> Level | None:
    """Fallback when no body is named: how the report refers to itself (我县, 全镇, 我局...)."""
    counts = {level: len(pattern.findall(text)) for level, pattern in _SELF_REFERENCE.items()}
    level, count = max(counts.items(), key=lambda item: (item[1], item[0].value))
    return level if count >= 3 else None


# ---------------------------------------------------------------------------------------------
# Putting it together
# ---------------------------------------------------------------------------------------------

def opening_clause(opening: str) -> str:
    """The first clause of the opening paragraph, where the reporting body is named."""
    first = re.split(r"[。!?！？]", opening, maxsplit=1)[0]
    return first[:120]


@dataclass(frozen=True)
class YearFinding:
    year: int | None
    source: str | None


def find_year(
    title: str | None,
    opening: str | None,
    body_sentences: list[str],
    date: str | None,
) -> YearFinding:
    """The year reported on: title, then opening sentence, then the achievements part, then the date."""
    if title:
        year = _title_year(title)
        if year is not None:
            return YearFinding(year, "title")
    if opening:
        clause = opening_clause(opening)
        found = years_in(clause) or years_in(opening[:300])
        if found:
            return YearFinding(found[0], "opening")
    date_year = int(date[:4]) if date else None
    counts = Counter(
        y for sentence in body_sentences for y in years_in(sentence) if date_year is None or y <= date_year
    )
    if counts:
        # Most frequent; on a tie the later year (earlier ones are usually background).
        year = max(counts.items(), key=lambda item: (item[1], item[0]))[0]
        return YearFinding(year, "body")
    if date:
        month = int(date[5:7])
        # Annual reports are written at the end of the year or in the first months of the next.
        return YearFinding(date_year - 1 if month <= 6 else date_year, "date")
    return YearFinding(None, None)


def find_body(title: str | None, opening: str | None, signer: str | None) -> BodyName | None:
    """The reporting body: from the title, else the opening clause, else the signature."""
    for fragment in (title, opening_clause(opening) if opening else None, signer):
        if not fragment:
            continue
        name = body_name(fragment)
        if name is not None:
            return name
    return None
