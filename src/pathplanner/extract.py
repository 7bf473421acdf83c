"""Skills from text: a CV or "about" text becomes a proposed profile, a job posting a target.

Matching uses only the graph's own words: every skill's id, name and aliases (with an ESCO
graph loaded, ESCO's preferred and alternative labels, which the import stores as names and
aliases). The longest match wins; a match never crosses a sentence or a line. Role names are
job titles, not skills: "Machine Learning Engineer" is not the skill "machine learning". A
few short or everyday words ("R", "Go", "Excel", "REST", "CV") count only with context
("R programming", "in R", "Go developer", a list of other skills). A skill named after "no",
"not", "without" or "never" in the same clause is not a skill the text claims.

Public functions (the CLI and the web page call these):

- `skills_from_text(catalog, text, source) -> Proposal`: what a CV says, each skill with the
  phrase and line it was found on and a level guess with its reason;
- `role_from_posting(catalog, text, source) -> Posting`: an ad-hoc Role from a job posting
  (required and nice-to-have skills, levels from its wording), the nearest roles of the graph
  and what the posting asks beyond them;
- `with_role(catalog, role) -> Catalog`: the catalogue plus that role, to plan or gap to it;
- `read_document(path) -> str`: the text of a .txt, .md, .docx or .pdf file (.pdf needs the
  optional extra `pathplanner[pdf]`), or of standard input for "-".
"""

from __future__ import annotations

import bisect
import io
import re
import zipfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from ._input import MAX_USER_FILE_BYTES, decode, read_bytes
from ._names import normalize
from .catalog import Catalog
from .errors import ExtractionError, InputError
from .models import Experience, Role, RoleChoice, RoleRequirements

__all__ = [
    "EVIDENCE_KINDS",
    "Found",
    "Matcher",
    "Posting",
    "Proposal",
    "Skipped",
    "matcher",
    "nearest_roles",
    "posting_text",
    "proposal_text",
    "proposal_yaml",
    "read_document",
    "role_from_posting",
    "skills_from_text",
    "text_of",
    "with_role",
]

POSTING_ROLE_ID = "job-posting"
"""The id of the ad-hoc role a job posting gives."""

Evidence = Literal["course", "work", "project", "certificate", "self-rated"]
EVIDENCE_KINDS: tuple[str, ...] = Evidence.__args__  # type: ignore[attr-defined]

# A word: letters and digits, with the + and # of C++ and C#. Everything else separates.
_WORD = re.compile(r"[^\W_]+[+#]*")
# What may stand between two words of one name: a space or two, or a joiner ("CI/CD",
# "scikit-learn", "Node.js"); not a sentence end ("AWS. Then"), a comma or a line break.
_JOIN = re.compile(r"[ \t]{1,3}|[ \t]?[-/&][ \t]?|\.")
_CLAUSE_END = re.compile(r"[.;!?:](?:\s|$)|\n|\bbut\b", re.I)
_NEGATION = re.compile(
    r"\b(?:no|not|without|never|lacks?|lacking|nor|n't|don't|haven't|hasn't|didn't)\b", re.I
)
_NEGATED_AFTER = re.compile(r"^\W*(?:is |are )?(?:not (?:required|needed|necessary|a must))", re.I)

# Everyday or very short words that are a skill's alias only in context.
AMBIGUOUS = frozenset(
    {
        "r", "go", "c", "bi", "cv", "excel", "solid", "shell", "cloud", "rest", "fabric",
        "beam", "glue", "ray", "elastic", "yarn", "docs", "documentation", "backend",
        "notebooks", "hive", "helm", "triton", "bedrock", "athena", "emr", "prophet", "flax",
        "tsa", "plt", "sns", "pd", "np", "py", "tf", "hf", "dl", "rl", "bq", "dq", "soa",
        "cli", "evals", "mcp", "cap", "dsa", "streaming", "forecasting", "experimentation",
        "algorithms", "classification", "clustering", "containers", "refactoring", "elt",
        "glm", "edw", "rag", "dax", "linux", "unix", "bash", "agile", "scrum",
        "kanban", "leetcode", "docker compose", "version control", "domain knowledge",
        "leadership", "mentoring", "prompting", "confluent", "lakehouse",
        "data catalog", "data lineage", "dashboards", "dashboarding", "software design",
    }
)  # fmt: skip
# A word after an ambiguous name that makes it a skill ("R programming", "Go developer").
_CONTEXT_AFTER = frozenset(
    {
        "programming", "programmer", "language", "lang", "developer", "developers",
        "development", "engineer", "engineering", "code", "coding", "scripts", "scripting",
        "script", "packages", "package", "studio", "shiny", "tidyverse", "modules", "apis",
        "api", "services", "service", "pipelines", "jobs", "clusters", "cluster", "models",
        "queries", "formulas", "macros", "pivot", "workbooks", "charts", "reports",
        "workflows", "projects", "skills", "experience", "sql", "dataframes", "streaming",
        "ingestion", "practices", "platform", "platforms",
    }
)  # fmt: skip
_CONTEXT_BEFORE = frozenset({"in", "using", "with", "use", "used", "via", "of", "advanced"})
_LIST_GAP = re.compile(r"^[\s,/|&+·•()]*(?:(?:and|or|and/or|&)[\s,/|&()]*)?$", re.I)
_SEPARATOR = re.compile(r"[,/|&+·•()]|\b(?:and|or)\b", re.I)
_OR_GAP = re.compile(r"(?:\bor\b|^\s*/\s*$)", re.I)

# Words that say how well, nearest first; and years.
_LEVEL_WORDS: tuple[tuple[int, str], ...] = (
    (3, r"expert(?:ise)?|advanced|extensive|deep|mastery|master(?:ed)?|in-depth|senior-level"),
    (
        2,
        r"proficien(?:t|cy)|strong|solid|working knowledge|hands-on|experienced|fluent"
        r"|production|experience (?:with|in|using)|skilled|good command|intermediate",
    ),
    (
        1,
        r"familiar(?:ity)?|basic|basics|exposure|introductory|beginner|some knowledge"
        r"|understanding of|knowledge of|awareness|aware of",
    ),
)
_LEVEL = re.compile("|".join(f"(?P<l{lv}>\\b(?:{words})\\b)" for lv, words in _LEVEL_WORDS), re.I)
_YEARS = re.compile(
    r"\b(\d{1,2}(?:\.\d)?)\s*(?:\+|plus)?\s*(?:-\s*\d{1,2}\s*)?(?:years?|yrs?)\b", re.I
)

# Headings of the parts of a CV (the evidence a skill there is) and of a posting.
_CV_SECTIONS: tuple[tuple[str, str], ...] = (
    (
        "self-rated",
        r"(?:technical |core |key )?skills|summary|about(?: me)?|profile|tools|languages",
    ),
    ("certificate", r"certifications?|certificates?|licen[cs]es"),
    ("course", r"education|courses?|coursework|training|academic"),
    ("project", r"projects?|portfolio|side projects|open[- ]source"),
    ("work", r"(?:work |professional |employment )?(?:experience|history)|employment|career"),
)
_POSTING_SECTIONS: tuple[tuple[str, str], ...] = (
    (
        "optional",
        r"nice[- ]to[- ]have|preferred|bonus(?: points)?|pluses|plus|desirable|desired"
        r"|good to have|would be great|extra credit|it would be nice",
    ),
    (
        "required",
        r"requirements?|qualifications?|must[- ]haves?|required|what you(?:'ll| will)? need"
        r"|what we(?:'re| are) looking for|you have|about you|skills|who you are|minimum"
        r"|basic qualifications|responsibilities|what you(?:'ll| will)? do|the role|your role"
        r"|duties|tech stack|our stack",
    ),
    (
        "ignore",
        r"about us|about the company|benefits|perks|what we offer|why join(?: us)?"
        r"|compensation|equal opportunity|how to apply|our values|salary",
    ),
)
_OPTIONAL_LINE = re.compile(
    r"\b(?:a plus|is a plus|are a plus|nice to have|nice-to-have|preferred|bonus|ideally"
    r"|desirable|an advantage|advantageous|would be great|good to have)\b",
    re.I,
)


def _heading(line: str, table: tuple[tuple[str, str], ...]) -> str | None:
    """Return the section a line heads (a short line that is mostly a heading word), or None."""
    text = line.strip().strip("#*-=:•_ ").strip()
    if not text or len(text) > 60 or len(text.split()) > 6:
        return None
    for name, words in table:
        if re.fullmatch(rf"(?:[\w'&]+\s+){{0,2}}(?:{words})(?:\s+[\w'&]+){{0,2}}", text, re.I):
            return name
    return None


# -- the matcher ----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Entry:
    kind: Literal["skill", "role"]
    id: str
    ambiguous: bool


@dataclass
class Matcher:
    """Every name of the graph's skills and roles, as word tuples, for longest-match search."""

    table: dict[tuple[str, ...], _Entry]
    longest: int


def _stem(word: str) -> str:
    """Return a word's lookup form: lower case, a plural 's' dropped ("tests", "warehouses")."""
    w = word.lower()
    return w[:-1] if len(w) > 3 and w.endswith("s") and not w.endswith("ss") else w


def _words(text: str) -> tuple[str, ...]:
    return tuple(_stem(m.group()) for m in _WORD.finditer(text))


def matcher(catalog: Catalog) -> Matcher:
    """Return the name matcher of a catalogue (built once per catalogue and kept)."""
    key = ("extract.matcher",)
    found = catalog.memo.get(key)
    if isinstance(found, Matcher):
        return found
    table: dict[tuple[str, ...], _Entry] = {}
    # roles first: a skill's name that is also a title ("data analyst") stays a title
    for rid, role in catalog.roles.items():
        for name in (role.name, *role.aliases):
            words = _words(name)
            if len(words) >= 2:  # one-word titles ("analyst") are everyday words
                table.setdefault(words, _Entry("role", rid, False))
    # the curated skills first; an imported taxonomy's (ESCO) only fills in words they lack
    skills = sorted(catalog.skills.items(), key=lambda kv: (kv[0].startswith("esco-"), kv[0]))
    for sid, skill in skills:
        esco = sid.startswith("esco-")
        names = [skill.name, *skill.aliases]
        if not sid.startswith(("cert-", "esco-")):
            names.append(sid)
        for name in names:
            words = _words(name)
            if not words or (len(words) == 1 and len(words[0]) == 1 and name.strip() != "R"):
                continue  # one letter is never a skill on its own, but the language R
            if esco and len(words) == 1 and (name.islower() or words[0] in _ESCO_STOP):
                continue  # ESCO's one-word labels in lower case are everyday words ("scale")
            norm = normalize(name)
            # short names, and ESCO's one-word names ("Source", a game engine), need context
            ambiguous = norm in AMBIGUOUS or (len(words) == 1 and (len(words[0]) <= 2 or esco))
            old = table.get(words)
            if old is None or (
                old.kind == "skill" and old.ambiguous and not ambiguous and not esco
            ):
                table[words] = _Entry("skill", sid, ambiguous)
    result = Matcher(table, max((len(k) for k in table), default=1))
    catalog.memo[key] = result
    return result


# ESCO labels that are everyday words in any CV or posting.
_ESCO_STOP = frozenset(
    {"communication", "management", "teamwork", "planning", "english", "leadership", "design"}
)


@dataclass(frozen=True)
class _Token:
    text: str
    start: int
    end: int


@dataclass(frozen=True)
class _Hit:
    entry: _Entry
    first: int  # token index
    last: int
    start: int  # character offsets in the line
    end: int


def _tokens(line: str) -> list[_Token]:
    return [_Token(m.group(), m.start(), m.end()) for m in _WORD.finditer(line)]


def _scan(m: Matcher, line: str, tokens: list[_Token]) -> list[_Hit]:
    """Return the longest matches, left to right, that never cross a sentence end."""
    hits: list[_Hit] = []
    i = 0
    lowered = [_stem(t.text) for t in tokens]
    while i < len(tokens):
        best: _Hit | None = None
        j = i
        while j < len(tokens) and j - i < m.longest:
            if j > i and not _JOIN.fullmatch(line[tokens[j - 1].end : tokens[j].start]):
                break
            entry = m.table.get(tuple(lowered[i : j + 1]))
            if entry is not None:
                best = _Hit(entry, i, j, tokens[i].start, tokens[j].end)
            j += 1
        if best is None:
            i += 1
            continue
        hits.append(best)
        i = best.last + 1
    return hits


# -- what a text says -----------------------------------------------------------------------


@dataclass(frozen=True)
class Found:
    """One skill a text names: where, as which words, and the level the words suggest."""

    skill: str
    name: str
    phrase: str
    line: int
    level: int
    reason: str
    evidence: str = "self-rated"
    essential: bool = True  # postings: required (True) or nice to have (False)
    choice: int = 0  # postings: the number of the "one of" group it belongs to, 0 for none

    def to_dict(self) -> dict[str, Any]:
        """Return the finding as plain data (for JSON)."""
        return {
            "skill": self.skill,
            "name": self.name,
            "phrase": self.phrase,
            "line": self.line,
            "level": self.level,
            "reason": self.reason,
            "evidence": self.evidence,
            "essential": self.essential,
            "choice": self.choice,
        }


@dataclass(frozen=True)
class Skipped:
    """Words that look like a skill but were not taken, and why (negated, a job title ...)."""

    phrase: str
    line: int
    why: str

    def to_dict(self) -> dict[str, Any]:
        """Return the skipped words as plain data."""
        return {"phrase": self.phrase, "line": self.line, "why": self.why}


@dataclass(frozen=True)
class Proposal:
    """Skills a text names, one finding per skill (its strongest mention), and what was not
    taken; `titles` are the roles of the graph the text names (id, line)."""

    source: str
    found: tuple[Found, ...]
    skipped: tuple[Skipped, ...] = ()
    titles: tuple[tuple[str, int], ...] = ()
    mentions: tuple[Found, ...] = field(default=(), repr=False)

    @property
    def levels(self) -> dict[str, int]:
        """Return the proposed level per skill id."""
        return {f.skill: f.level for f in self.found}

    def to_dict(self) -> dict[str, Any]:
        """Return the proposal as plain data (for JSON and the web page)."""
        return {
            "source": self.source,
            "skills": [f.to_dict() for f in self.found],
            "skipped": [s.to_dict() for s in self.skipped],
            "titles": [{"role": r, "line": ln} for r, ln in self.titles],
        }


_WINDOW = 160  # a clause is looked at no further than this around a name


@dataclass(frozen=True)
class _Facts:
    """What one line says, found once (a long line stays linear): where its clauses end,
    its level words and years (outside skill names: "Deep learning" is not "deep"), and
    its negations."""

    ends: list[int]
    starts: list[int]
    levels: list[tuple[int, int, int, str]]
    years: list[tuple[int, int, float, str]]
    negations: list[int]
    level_starts: list[int] = field(default_factory=list)
    year_starts: list[int] = field(default_factory=list)

    def clause(self, start: int, end: int) -> tuple[int, int]:
        """Return where the clause around a span starts and stops (within the window)."""
        k = bisect.bisect_right(self.ends, start) - 1
        first = max(self.ends[k] if k >= 0 else 0, start - _WINDOW, 0)
        k = bisect.bisect_left(self.starts, end)
        stop = min(self.starts[k] if k < len(self.starts) else end + _WINDOW, end + _WINDOW)
        return first, stop

    def negated(self, first: int, start: int, after: str) -> bool:
        """Return whether a negation stands in the clause before a name, or 'not required'
        after it."""
        k = bisect.bisect_left(self.negations, first)
        return (k < len(self.negations) and self.negations[k] < start) or bool(
            _NEGATED_AFTER.search(after)
        )

    def word(self, first: int, start: int, end: int, stop: int) -> tuple[int, str] | None:
        """Return the level the clause's wording gives: the nearest word before the name
        (with a stronger word just before it: "advanced proficiency"), else after it."""
        starts = self.level_starts
        k = bisect.bisect_right(starts, start) - 1
        while k >= 0 and self.levels[k][1] > start:
            k -= 1
        if k >= 0 and self.levels[k][0] >= first:
            _, _, level, text = self.levels[k]
            if k > 0:
                s0, e0, lead, lead_text = self.levels[k - 1]
                if s0 >= first and self.levels[k][0] - e0 <= 2 and lead > level:
                    return lead, f"{lead_text} {text}"
            return level, text
        k = bisect.bisect_left(starts, end)
        if k < len(self.levels) and self.levels[k][1] <= stop:
            return self.levels[k][2], self.levels[k][3]
        return None

    def year(self, first: int, stop: int) -> tuple[float, str] | None:
        """Return the first 'N years' of the clause, if any."""
        k = bisect.bisect_left(self.year_starts, first)
        if k < len(self.years) and self.years[k][1] <= stop:
            return self.years[k][2], self.years[k][3]
        return None


def _facts(line: str, names: list[tuple[int, int]]) -> _Facts:
    """Return the facts of a line whose skill names are at `names` (start, end)."""

    def outside(s: int, e: int) -> bool:
        k = bisect.bisect_right(names, (s, len(line))) - 1
        return not (k >= 0 and names[k][0] < e and names[k][1] > s) and not any(
            a < e and b > s for a, b in names[k + 1 : k + 2]
        )

    bounds = list(_CLAUSE_END.finditer(line))
    levels = [
        (m.start(), m.end(), next(int(k[1]) for k, v in m.groupdict().items() if v),
         m.group().lower())
        for m in _LEVEL.finditer(line)
        if outside(m.start(), m.end())
    ]  # fmt: skip
    years = [
        (m.start(), m.end(), float(m.group(1)), m.group().strip()) for m in _YEARS.finditer(line)
    ]
    return _Facts(
        [m.end() for m in bounds],
        [m.start() for m in bounds],
        levels,
        years,
        [m.start() for m in _NEGATION.finditer(line)],
        [lv[0] for lv in levels],
        [y[0] for y in years],
    )


def _guess(
    skill_max: int, facts: _Facts, span: tuple[int, int, int, int], posting: bool
) -> tuple[int, str]:
    """Return a level guess and its reason from the words around a skill."""
    first, start, end, stop = span
    years = facts.year(first, stop)
    word = facts.word(first, start, end, stop)
    if word is not None and word[0] == 3:
        level, reason = 3, f"'{word[1]}'"
    elif years is not None:
        n = years[0]
        # a posting's 5+ years asks for advanced; a CV's years show working level at least
        level = 3 if posting and n >= 5 else 2 if n >= 2 else 1
        reason = f"'{years[1]}'" + ("" if posting or n < 2 else ": at least 2")
    elif word is not None:
        level, reason = word[0], f"'{word[1]}'"
    else:
        level = 1
        reason = "named, no level stated"
    if level > skill_max:
        level = skill_max
        reason += f" (its highest level is {skill_max})"
    return level, reason


def _has_context(
    line: str, tokens: list[_Token], hit: _Hit, neighbours: list[_Hit], phrase: str
) -> bool:
    """Return whether an ambiguous name is meant as a skill here (see module docstring)."""
    word = phrase.strip()
    if word.islower() and (len(word) <= 3 or hit.entry.id.startswith("esco-")):
        return False  # "go", "r", "cv" (or ESCO's "Source") in lower case are words, not names
    nxt = tokens[hit.last + 1].text.lower() if hit.last + 1 < len(tokens) else ""
    prev = tokens[hit.first - 1].text.lower() if hit.first > 0 else ""
    if nxt in _CONTEXT_AFTER and _JOIN.fullmatch(line[hit.end : tokens[hit.last + 1].start]):
        return True
    if prev in _CONTEXT_BEFORE and (len(word) > 3 or not word.islower()):
        return True
    if (
        not word.islower()
        and not line[: hit.start].strip(" \t-*•·")
        and not line[hit.end :].strip(" \t.,;")
    ):
        return True  # a bullet or line of its own: "- Excel"
    for other in neighbours:
        gap = line[other.end : hit.start] if other.end <= hit.start else line[hit.end : other.start]
        if _LIST_GAP.fullmatch(gap) and _SEPARATOR.search(gap):
            return True  # "Python, R and SQL"; not mere adjacency ("Postgres sources")
    return False


@dataclass(frozen=True)
class _Mention:
    found: Found
    clause: int
    line: str
    start: int
    end: int


def _scan_text(
    catalog: Catalog, text: str, posting: bool
) -> tuple[list[_Mention], list[Skipped], list[tuple[str, int]]]:
    """Return every skill mention (with its clause id and section), skipped words, titles."""
    m = matcher(catalog)
    mentions: list[_Mention] = []
    skipped: list[Skipped] = []
    titles: list[tuple[str, int]] = []
    section = "required" if posting else "self-rated"
    table = _POSTING_SECTIONS if posting else _CV_SECTIONS
    for number, line in enumerate(text.splitlines(), start=1):
        tokens = _tokens(line)
        hits = _scan(m, line, tokens)
        # a heading names no skill ("Experience with Docker" is not the Experience heading)
        head = None if any(h.entry.kind == "skill" for h in hits) else _heading(line, table)
        if head is not None:
            section = head
            continue
        for h in hits:
            if h.entry.kind == "role":
                titles.append((h.entry.id, number))
        skill_hits = [h for h in hits if h.entry.kind == "skill"]
        if not skill_hits:
            continue
        facts = _facts(line, [(h.start, h.end) for h in hits])
        optional_line = posting and bool(_OPTIONAL_LINE.search(line))
        for k, h in enumerate(skill_hits):
            phrase = line[h.start : h.end]
            near = [
                o
                for o in skill_hits[max(0, k - 1) : k] + skill_hits[k + 1 : k + 2]
                if not o.entry.ambiguous
            ]
            if h.entry.ambiguous and not _has_context(line, tokens, h, near, phrase):
                skipped.append(Skipped(phrase, number, "an everyday word here, not a skill"))
                continue
            first, stop = facts.clause(h.start, h.end)
            if facts.negated(first, h.start, line[h.end : stop]):
                skipped.append(Skipped(phrase, number, "negated ('no', 'not', 'without' ...)"))
                continue
            if posting and section == "ignore":
                skipped.append(Skipped(phrase, number, "in a part that is not about the job"))
                continue
            skill = catalog.skills[h.entry.id]
            level, reason = _guess(skill.max_level, facts, (first, h.start, h.end, stop), posting)
            clause = first  # where its clause starts in the line
            if posting:
                essential = section != "optional" and not optional_line
                found = Found(skill.id, skill.name, phrase, number, level, reason,
                              essential=essential)  # fmt: skip
            else:
                found = Found(skill.id, skill.name, phrase, number, level, reason, section)
            mentions.append(_Mention(found, clause, line, h.start, h.end))
    return mentions, skipped, titles


_EVIDENCE_RANK = {"certificate": 4, "work": 3, "project": 2, "course": 1, "self-rated": 0}


def skills_from_text(catalog: Catalog, text: str, source: str = "text") -> Proposal:
    """Return the skills a CV or profile text names, each with a level guess and its reason.

    A skill named several times keeps its highest guess (and its line); its evidence kind is
    the strongest part of the CV it is named in (certificate, work, project, course; else
    self-rated).
    """
    mentions, skipped, titles = _scan_text(catalog, text, posting=False)
    best: dict[str, Found] = {}
    evidence: dict[str, str] = {}
    for mention in mentions:
        found = mention.found
        old = best.get(found.skill)
        if old is None or found.level > old.level:
            best[found.skill] = found
        ev = evidence.get(found.skill, "self-rated")
        if _EVIDENCE_RANK[found.evidence] > _EVIDENCE_RANK[ev]:
            ev = found.evidence
        evidence[found.skill] = ev
    out = tuple(
        Found(f.skill, f.name, f.phrase, f.line, f.level, f.reason, evidence[f.skill])
        for f in sorted(best.values(), key=lambda f: (f.line, f.skill))
    )
    return Proposal(
        source,
        out,
        tuple(sorted(set(skipped), key=lambda s: (s.line, s.phrase))),
        tuple(sorted(set(titles), key=lambda t: (t[1], t[0]))),
        tuple(m.found for m in mentions),
    )


# -- job postings ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Nearest:
    """A role of the graph close to a posting: the share of the posting's skills it asks for,
    and the posting's skills it does not ask for (or asks for at a lower level)."""

    role: str
    name: str
    share: float
    beyond: tuple[tuple[str, int], ...]
    by_title: bool = False

    def to_dict(self) -> dict[str, Any]:
        """Return the comparison as plain data."""
        return {
            "role": self.role,
            "name": self.name,
            "share": round(self.share, 3),
            "beyond": [{"skill": s, "level": lv} for s, lv in self.beyond],
            "by_title": self.by_title,
        }


@dataclass(frozen=True)
class Posting:
    """A job posting read as a target: the ad-hoc role, what it was built from, nearest roles."""

    role: Role
    found: tuple[Found, ...]
    skipped: tuple[Skipped, ...]
    nearest: tuple[Nearest, ...]
    source: str

    def to_dict(self) -> dict[str, Any]:
        """Return the posting's reading as plain data (for JSON and the web page)."""
        return {
            "source": self.source,
            "role": self.role.model_dump(mode="json", exclude_defaults=True),
            "skills": [f.to_dict() for f in self.found],
            "skipped": [s.to_dict() for s in self.skipped],
            "nearest": [n.to_dict() for n in self.nearest],
        }


_TITLE_LINE = re.compile(r"^\s*(?:job\s+title|title|position|role)\s*:\s*(.+)$", re.I)


def _title(text: str) -> str:
    """Return the posting's title: a 'Job title:' line, else its first short line."""
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    for ln in lines[:15]:
        m = _TITLE_LINE.match(ln)
        if m:
            return _COMMENT_UNSAFE.sub("", m.group(1)).strip()[:80]
    for ln in lines[:3]:
        if len(ln) <= 80 and not ln.endswith((".", ":")):
            return _COMMENT_UNSAFE.sub("", ln.strip("#*= "))[:80].strip()
    return ""


def _role_skills(role: Role) -> dict[str, int]:
    out = dict(role.requires.optional)
    out.update(role.requires.essential)
    for c in role.requires.any_of:
        for s, lv in c.options.items():
            out[s] = max(out.get(s, 0), lv)
    return out


def nearest_roles(
    catalog: Catalog,
    wanted: Mapping[str, int],
    titles: Iterable[str] = (),
    limit: int = 3,
    choices: Iterable[Mapping[str, int]] = (),
) -> list[Nearest]:
    """Return the roles of the graph nearest to a set of skill levels (share of those skills
    each role asks for), roles named in `titles` first; at most `limit`. A skill of one of
    `choices` (one-of groups) is not beyond a role that asks for another option of it."""
    groups = [dict(c) for c in choices]
    named = list(dict.fromkeys(titles))
    scored: list[tuple[float, float, str]] = []
    for rid, role in catalog.roles.items():
        if rid in _ADHOC_IDS:
            continue
        has = _role_skills(role)
        common = sum(1 for s in wanted if s in has)
        share = common / len(wanted) if wanted else 0.0
        union = len(set(wanted) | set(has)) or 1
        if share > 0 or rid in named:
            scored.append((share, common / union, rid))
    scored.sort(key=lambda t: (t[2] not in named, -t[0], -t[1], t[2]))
    out: list[Nearest] = []
    for share, _, rid in scored[:limit]:
        role = catalog.roles[rid]
        has = _role_skills(role)
        met = {s for g in groups if any(has.get(o, 0) >= lv for o, lv in g.items()) for s in g}
        beyond = tuple(
            sorted((s, lv) for s, lv in wanted.items() if has.get(s, 0) < lv and s not in met)
        )
        out.append(Nearest(rid, role.name, share, beyond, rid in named))
    return out


_ADHOC_IDS = {POSTING_ROLE_ID}


def role_from_posting(
    catalog: Catalog, text: str, source: str = "posting", role_id: str = POSTING_ROLE_ID
) -> Posting:
    """Return an ad-hoc target role from a job posting's text, with what it was built from.

    Skills under a nice-to-have heading, or on a line saying "a plus", "preferred" ..., are
    optional; the others essential. "X or Y" (and "X/Y") makes a one-of group. Levels come from
    the wording ("expert" 3, "strong", "experience with", 2-4 years 2, "familiarity" 1; 5+
    years 3). Raise ExtractionError when the text names no skill the graph knows (naming
    the roles its title is nearest to, if any).
    """
    mentions, skipped, titles = _scan_text(catalog, text, posting=True)
    title = _title(text)
    if not mentions:
        near = _by_title(catalog, title, [t for t, _ in titles])
        hint = f"; nearest roles by title: {', '.join(near)}" if near else ""
        raise ExtractionError(f"{source}: no skill the graph knows was found in the posting{hint}")
    # one-of groups: a run of mentions of one clause joined only by commas, 'and', 'or' or
    # '/' is a "one of" group when it joins its last two with 'or' or '/' ("A, B or C")
    group_of: dict[int, int] = {}
    groups = 0
    run = [0]
    for i in range(1, len(mentions) + 1):
        joined = False
        if i < len(mentions):
            a, b = mentions[i - 1], mentions[i]
            same = a.clause == b.clause and a.found.line == b.found.line
            joined = same and bool(_LIST_GAP.fullmatch(a.line[a.end : b.start]))
        if joined:
            run.append(i)
            continue
        if len(run) >= 2:
            a, b = mentions[run[-2]], mentions[run[-1]]
            if _OR_GAP.search(a.line[a.end : b.start]):
                groups += 1
                for k in run:
                    group_of[k] = groups
        run = [i]
    # a group keeps 'or' only if its last join is an 'or' (so "A, B and C" is three skills)
    essential: dict[str, int] = {}
    optional: dict[str, int] = {}
    choices: dict[int, dict[str, int]] = {}
    choice_essential: dict[int, bool] = {}
    found: list[Found] = []
    for i, mention in enumerate(mentions):
        f = mention.found
        g = group_of.get(i, 0)
        found.append(
            Found(f.skill, f.name, f.phrase, f.line, f.level, f.reason, "", f.essential, g)
        )
        if g:
            opts = choices.setdefault(g, {})
            opts[f.skill] = max(opts.get(f.skill, 0), f.level)
            choice_essential[g] = choice_essential.get(g, False) or f.essential
        elif f.essential:
            essential[f.skill] = max(essential.get(f.skill, 0), f.level)
        else:
            optional[f.skill] = max(optional.get(f.skill, 0), f.level)
    any_of: list[RoleChoice] = []
    for g, opts in sorted(choices.items()):
        opts = {s: lv for s, lv in opts.items() if s not in essential}
        if len(opts) >= 2:
            names = " or ".join(catalog.skills[s].name for s in sorted(opts))
            any_of.append(RoleChoice(name=f"one of {names}", options=dict(sorted(opts.items())),
                                     essential=choice_essential[g]))  # fmt: skip
        elif opts:
            ((s, lv),) = opts.items()
            target = essential if choice_essential[g] else optional
            target[s] = max(target.get(s, 0), lv)
    optional = {s: lv for s, lv in optional.items() if s not in essential}
    if not essential and not any(c.essential for c in any_of):
        # a posting that lists only nice-to-haves: they are what it asks for
        essential, optional = optional, {}
        any_of = [c.model_copy(update={"essential": True}) for c in any_of]
    wanted = {**optional, **essential}
    for c in any_of:
        for s, lv in c.options.items():
            wanted[s] = max(wanted.get(s, 0), lv)
    closest = nearest_roles(
        catalog, wanted, [t for t, _ in titles], choices=[c.options for c in any_of]
    )
    experience = _experience(text, closest, catalog, source)
    role = Role(
        id=role_id,
        name=title or "Job posting",
        family=catalog.roles[closest[0].role].family if closest else "other",
        description=f"Built from the job posting {source}.",
        requires=RoleRequirements(
            essential=dict(sorted(essential.items())),
            optional=dict(sorted(optional.items())),
            any_of=any_of,
        ),
        experience=experience,
    )
    return Posting(
        role,
        tuple(sorted(found, key=lambda f: (f.line, f.skill))),
        tuple(sorted(set(skipped), key=lambda s: (s.line, s.phrase))),
        tuple(closest),
        source,
    )


_EXPERIENCE_LINE = re.compile(r"experience|track record", re.I)


def _experience(text: str, near: list[Nearest], catalog: Catalog, source: str) -> list[Experience]:
    """Return the years of practice a posting asks for in lines that name no skill."""
    if not near:
        return []
    years = 0.0
    where = 0
    m = matcher(catalog)
    for number, line in enumerate(text.splitlines(), start=1):
        y = _YEARS.search(line)
        if y is None or not _EXPERIENCE_LINE.search(line):
            continue
        if any(h.entry.kind == "skill" for h in _scan(m, line, _tokens(line))):
            continue
        if float(y.group(1)) > years:
            years, where = float(y.group(1)), number
    if not years or years > 40:
        return []
    family = catalog.roles[near[0].role].family
    return [Experience(family=family, years=years, source=f"{source}, line {where}")]


def _by_title(catalog: Catalog, title: str, named: list[str]) -> list[str]:
    """Return names of roles a posting's title or text points to (named roles, else close)."""
    import difflib

    if named:
        return [catalog.roles[r].name for r in dict.fromkeys(named)][:3]
    if not title:
        return []
    names = {normalize(r.name): r.name for r in catalog.roles.values()}
    close = difflib.get_close_matches(normalize(title), sorted(names), n=3, cutoff=0.5)
    return [names[c] for c in close]


def with_role(catalog: Catalog, role: Role, source: str = "job posting") -> Catalog:
    """Return a catalogue holding every entry of `catalog` and `role` (replacing its id)."""
    roles = {**catalog.roles, role.id: role}
    origin = {**catalog.origin, ("role", role.id): source}
    return Catalog(
        catalog.skills,
        catalog.resources,
        roles,
        origin=origin,
        attributions=list(catalog.attributions),
    )


# -- reading documents ----------------------------------------------------------------------

_DOCX_PARA = re.compile(r"</w:p>|<w:br\s*/>|<w:tab\s*/>")
_XML_TAG = re.compile(r"<[^>]+>")
_MAX_DOCX_XML = 32 * 1024 * 1024


def text_of(raw: bytes, shown: str, suffix: str = ".txt") -> str:
    """Return the text of a document's bytes (.pdf, .docx or plain text); raise InputError
    (one line) for an empty file, binary data, a PDF without text or a broken .docx."""
    suffix = suffix.lower()
    if suffix == ".pdf" or raw.startswith(b"%PDF-"):
        text = _pdf_text(raw, shown)
    elif suffix == ".docx" or raw.startswith(b"PK\x03\x04"):
        text = _docx_text(raw, shown)
    else:
        if b"\x00" in raw[:8192]:
            raise InputError(shown, "a binary file, not text (give a .txt, .md, .docx or .pdf)")
        text = decode(raw, shown)
    if not text.strip():
        raise InputError(shown, "empty: no text to read")
    return text


def read_document(path: str | Path, stdin: Any = None) -> str:
    """Return the text of a file, or of standard input when `path` is "-" (see `text_of`)."""
    if str(path) == "-":
        import sys

        stream = stdin if stdin is not None else sys.stdin.buffer
        raw = stream.read(MAX_USER_FILE_BYTES + 1)
        if isinstance(raw, str):
            raw = raw.encode("utf-8")
        if len(raw) > MAX_USER_FILE_BYTES:
            raise InputError("standard input", "too large (more than 4 MB)")
        return text_of(raw, "standard input")
    return text_of(read_bytes(path, MAX_USER_FILE_BYTES), str(path), Path(path).suffix)


def _docx_text(raw: bytes, shown: str) -> str:
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as z:
            info = z.getinfo("word/document.xml")
            if info.file_size > _MAX_DOCX_XML:
                raise InputError(shown, "the document's text is too large (more than 32 MB)")
            with z.open(info) as fh:
                xml = fh.read(_MAX_DOCX_XML + 1).decode("utf-8", errors="replace")
    except (zipfile.BadZipFile, KeyError, OSError, RuntimeError) as err:
        raise InputError(shown, f"not a readable .docx file ({err})") from None
    import html

    return html.unescape(_XML_TAG.sub("", _DOCX_PARA.sub("\n", xml)))


def _pdf_text(raw: bytes, shown: str) -> str:
    try:
        import pypdf
    except ImportError:
        raise InputError(
            shown,
            "reading a PDF needs the optional extra: pip install 'pathplanner[pdf]' "
            "(or save the CV as .txt or .docx)",
        ) from None
    try:
        reader = pypdf.PdfReader(io.BytesIO(raw))
        text = "\n".join((page.extract_text() or "") for page in reader.pages[:50])
    except Exception as err:  # pypdf raises many kinds on a damaged file
        raise InputError(shown, f"not a readable PDF ({type(err).__name__})") from None
    if not text.strip():
        raise InputError(shown, "the PDF has no text layer (a scanned image?); save it as text")
    return text


# -- a proposal as a profile the user edits -------------------------------------------------

_COMMENT_UNSAFE = re.compile(r"[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _comment(text: str) -> str:
    return _COMMENT_UNSAFE.sub(" ", text)[:120]


def proposal_yaml(catalog: Catalog, proposal: Proposal, confirmed: bool = False) -> str:
    """Return a profile YAML from a proposal, each skill commented with where it was found.

    Unless `confirmed`, the profile says `confirmed: false`: `plan --profile` refuses it
    until the user has checked the guesses and removed that line (or set it to true).
    """
    out = [
        f"# Skills proposed from {_comment(proposal.source)} by pathplanner assess.",
        "# Levels: 1 = foundation, 2 = working, 3 = advanced; 0 or no line = none.",
    ]
    if not confirmed:
        out += [
            "# These are guesses: check each level (see `pathplanner show SKILL`), then delete",
            "# the line 'confirmed: false' to plan from this profile.",
            "confirmed: false",
        ]
    if proposal.found:
        out.append("skills:")
        for f in proposal.found:
            out.append(
                f"  {f.skill}: {f.level}  # line {f.line}: {_comment(repr(f.phrase))}, "
                f"{_comment(f.reason)}"
            )
        out.append("evidence:")
        out += [f"  {f.skill}: {f.evidence}" for f in proposal.found]
    else:
        out.append("skills: {}")
    for s in proposal.skipped:
        out.append(f"# not taken: line {s.line}: {_comment(repr(s.phrase))}: {_comment(s.why)}")
    return "\n".join(out) + "\n"


# -- in words -------------------------------------------------------------------------------


def _level_name(level: int) -> str:
    return {1: "foundation", 2: "working", 3: "advanced"}.get(level, str(level))


def proposal_text(proposal: Proposal) -> str:
    """Return what a text says, one skill a line: level, where it was found and why."""
    out = [f"Skills found in {proposal.source}: {len(proposal.found)}"]
    for f in proposal.found:
        out.append(
            f"  {f.name} {f.level} ({_level_name(f.level)}): line {f.line}, "
            f"'{f.phrase}': {f.reason}; evidence: {f.evidence}"
        )
    for s in proposal.skipped:
        out.append(f"  not taken: line {s.line}, '{s.phrase}': {s.why}")
    return "\n".join(out) + "\n"


def posting_text(catalog: Catalog, posting: Posting) -> str:
    """Return the ad-hoc role a posting gives, for confirmation: required, nice to have,
    one-of groups, experience, and the nearest roles with what the posting asks beyond them."""
    role = posting.role
    where: dict[str, Found] = {}
    for f in posting.found:
        if f.skill not in where or f.level > where[f.skill].level:
            where[f.skill] = f

    def item(s: str, lv: int) -> str:
        f = where.get(s)
        why = f" (line {f.line}: {f.reason})" if f else ""
        return f"{catalog.skills[s].name} {lv}{why}"

    out = [f"Target from the posting {posting.source}: {role.name}"]
    req = [item(s, lv) for s, lv in role.requires.essential.items()]
    req += [
        "one of " + " / ".join(item(s, lv) for s, lv in c.options.items())
        for c in role.requires.any_of
        if c.essential
    ]
    opt = [item(s, lv) for s, lv in role.requires.optional.items()]
    opt += [
        "one of " + " / ".join(item(s, lv) for s, lv in c.options.items())
        for c in role.requires.any_of
        if not c.essential
    ]
    out.append(f"  Required ({len(req)}):")
    out += [f"    - {r}" for r in req]
    if opt:
        out.append(f"  Nice to have ({len(opt)}):")
        out += [f"    - {o}" for o in opt]
    for e in role.experience:
        out.append(f"  Experience: {e.years:g} years in {e.family.replace('-', ' ')} ({e.source})")
    for n in posting.nearest:
        beyond = ", ".join(f"{catalog.skills[s].name} {lv}" for s, lv in n.beyond) or "nothing"
        named = ", named in the posting" if n.by_title else ""
        out.append(
            f"  Nearest role: {n.name} (asks for {n.share:.0%} of these skills{named}); "
            f"the posting asks beyond it: {beyond}"
        )
    return "\n".join(out) + "\n"
