"""The schema: every record kind once, and every rule of a kind in one place.

For each kind, SCHEMA says its fields (in JSON order, with their types, references and how a
derived field is computed), which field places it in time, which fields name it, its one-line
title, its listing columns and order. The loader and the validator (factbase), the SQLite
tables (db), look-ups and search (query, search), the views and writers (views, serialise),
the fact-file writer (store) and the reference in docs/ all ask SCHEMA. A record is a plain
dict in its kind's JSON shape (JsonRecord): the fields of SCHEMA in order, then "origin".
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any, NamedTuple

JsonRecord = dict[str, Any]


class Kind(StrEnum):
    """A kind of record. Its value is the JSON name; `table` is its [[table]] in a fact file."""

    publisher = "publisher"
    source = "source"
    topic = "topic"
    program = "program"
    speaker = "speaker"
    astronaut = "astronaut"
    occasion = "occasion"
    milestone = "milestone"
    statement = "statement"
    lunar_step = "lunar_step"
    mission = "mission"

    @property
    def table(self) -> str:
        return f"{self.value}s"

    @property
    def spec(self) -> KindSpec:
        return SCHEMA[self]

    @classmethod
    def from_table(cls, name: str) -> Kind | None:
        """The kind whose [[table]] is `name` ("milestones" -> milestone), or None."""
        return next((k for k in cls if k.table == name), None)


class Status(StrEnum):
    """Whether a dated thing happened. The one place status rules live."""

    done = "done"
    planned = "planned"
    active = "active"  # launched and still working (missions)
    failed = "failed"
    cancelled = "cancelled"

    @property
    def happened(self) -> bool:
        """It took place (a failure too): it has an anniversary; planned and cancelled do not."""
        return self not in (Status.planned, Status.cancelled)

    @property
    def ongoing(self) -> bool:
        """Still going on: a chart draws it to today."""
        return self is Status.active

    @property
    def mark(self) -> str:
        """What a title says of it: nothing for done, else " (planned)", " (active)" ..."""
        return "" if self is Status.done else f" ({self.value})"


def status_of(record: JsonRecord) -> Status:
    """A record's status; `done` for kinds without one."""
    return Status(record.get("status") or Status.done)


# --- fields --------------------------------------------------------------------------------

# Field types: how a TOML value is checked and stored.
TEXT, TEXTS, DATE, INT, BOOL, STATUS = "text", "texts", "date", "int", "bool", "status"
REF, REFS = "ref", "refs"  # an id, a list of ids, of the kinds in Field.to (empty: any kind)
RECORDS = "records"  # derived only: a list of brief records (JSON objects)
# Search reads this many characters of each text field: FTS5's snippet() takes time growing
# with the square of a word's occurrences in a column, and real fields are far shorter.
MAX_SEARCHED = 20_000


class Derived(NamedTuple):
    """How a derived field is computed when the fact base is compiled.

    - count: how many records of `of` (any kind when None) refer to this one through `via`;
    - name: the `attribute` of the record this one refers to through `via` (of each, for a
      list of references);
    - members: the missions of a lunar step (by its `step`, or of its `programs` when it has
      none), in launch order, as brief records (id, name, launch_date, status).
    """

    how: str
    via: str = ""
    of: Kind | None = None
    attribute: str = "name"


class Field(NamedTuple):
    """One field of a record kind."""

    name: str
    type: str
    help: str = ""
    required: bool = False
    to: tuple[Kind, ...] = ()  # the kinds a ref/refs field points to; () for any
    derived: Derived | None = None  # computed when compiling (JSON only): never in a fact file
    pattern: str = ""  # a regular expression a text value must match in full
    example: str = ""  # what a good value looks like (for the pattern's message)
    choices: tuple[str, ...] = ()  # the values a text may take

    @property
    def is_list(self) -> bool:
        return self.type in (TEXTS, REFS, RECORDS)

    @property
    def is_ref(self) -> bool:
        return self.type in (REF, REFS)


def _f(name: str, type_: str, help_: str, *, req: bool = False, to: tuple[Kind, ...] = ()) -> Field:
    return Field(name, type_, help_, req, to)


def _checked(
    name: str, type_: str, help_: str, *, pattern: str = "", example: str = "",
    choices: tuple[str, ...] = (),
) -> Field:  # fmt: skip
    return Field(name, type_, help_, pattern=pattern, example=example, choices=choices)


def _derived(name: str, type_: str, help_: str, how: Derived) -> Field:
    return Field(name, type_, help_, derived=how)


# --- listings ------------------------------------------------------------------------------


class Listing(NamedTuple):
    """How records of one shape are listed.

    `columns`: (field, header) of a plain table, one record per line. At a terminal, the `row`
    fields make one line per record when they fit the width (the last one wraps); else, or with
    no `row`, a table stacks the `narrow` fields in a left column and the `main` fields in a
    column that gets the room (`header`), its first line bold; narrow terminals get a card per
    record instead.
    """

    columns: tuple[tuple[str, str], ...]
    narrow: tuple[str, ...] = ()
    main: tuple[str, ...] = ()
    header: str = ""
    row: tuple[str, ...] = ()

    def title(self, name: str) -> str:
        return dict(self.columns).get(name, name.replace("_", " ").title())


class KindSpec(NamedTuple):
    """A record kind: its fields and the rules every module asks of it."""

    fields: tuple[Field, ...]
    listing: Listing
    date: str | None = None  # the field that places a record in time
    names: tuple[str, ...] = ()  # fields it is looked up by, besides its id (best first)
    name_rank: int = 20  # when two records share a name, the lower rank wins
    title: str = "id"  # the field that is its one-line title
    order: str = "seq"  # listing order, SQL over its columns
    searched: bool = False  # in the full-text index (search.py)

    @property
    def stored(self) -> tuple[Field, ...]:
        """The fields a fact file holds (not the derived ones)."""
        return tuple(f for f in self.fields if f.derived is None)

    @property
    def field_names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields)

    def field(self, name: str) -> Field:
        return next(f for f in self.fields if f.name == name)


_ID = _f("id", TEXT, "Unique, stable kebab-case id.", req=True)
_NAME_ZH = _f("name_zh", TEXT, "Its official Chinese name (from a source it cites).")
_COUNTRY = _f("country", TEXT, 'Its country ("China", "Russia"...), or "International".')
LANGUAGE = r"[a-z]{2,3}(-[A-Za-z0-9]{2,8})*"  # a BCP 47 tag, as "zh", "en", "ru", "zh-Hant"
PUBLISHER_KINDS = (
    "news agency", "newspaper", "broadcaster", "magazine", "news website", "space agency",
    "government", "company", "journal", "museum", "university", "research institute",
    "international organisation", "catalogue", "other",
)  # fmt: skip
_SOURCES = _f("sources", REFS, "Ids of the sources it cites.", req=True, to=(Kind.source,))
_ALIASES = _f("aliases", TEXTS, "Other names (Chinese names, abbreviations).")
_STATUS = _f("status", STATUS, "done, planned, active, failed or cancelled (default done).")
_DATED = "{date} IS NULL, {date}, id"


def _order(date: str) -> str:
    return _DATED.format(date=date)


SCHEMA: dict[Kind, KindSpec] = {
    Kind.publisher: KindSpec(
        fields=(
            _ID,
            _f("name", TEXT, "Its one name, everywhere.", req=True),
            _NAME_ZH,
            _checked(
                "kind",
                TEXT,
                "news agency, newspaper, broadcaster, space agency, journal...",
                choices=PUBLISHER_KINDS,
            ),
            _COUNTRY,
            _f("chinese_state", BOOL, "true: state media, a state agency or company of the PRC."),
            _f("domains", TEXTS, "The web hosts it publishes on (a subdomain counts)."),
            _derived(
                "sources",
                INT,
                "How many sources it published.",
                Derived("count", "publisher", Kind.source),
            ),
        ),
        listing=Listing(
            (
                ("id", "Id"),
                ("sources", "Sources"),
                ("kind", "Kind"),
                ("country", "Country"),
                ("name", "Name"),
            ),
            ("sources", "kind"),
            ("name", "id", "country"),
            "Publisher",
            row=("id", "sources", "kind", "country", "name"),
        ),
        names=("name", "name_zh"),
        name_rank=15,
        title="name",
    ),
    Kind.source: KindSpec(
        fields=(
            _ID,
            _f("title", TEXT, "The headline or title, as published.", req=True),
            _f("title_en", TEXT, "An English translation of the title (ours), if not English."),
            _f(
                "publisher",
                REF,
                "Who published it: whose site the url is on.",
                req=True,
                to=(Kind.publisher,),
            ),
            _f(
                "credit",
                REF,
                "The wire or outlet the page credits (Xinhua on a People's Daily page).",
                to=(Kind.publisher,),
            ),
            _f("author", TEXT, "Who wrote it."),
            _f("published", DATE, "Publication date."),
            _checked(
                "language",
                TEXT,
                "Its language, if not English (zh, ru...).",
                pattern=LANGUAGE,
                example="zh",
            ),
            _f("url", TEXT, "The publisher's own page."),
            _f("note", TEXT, "What it supports: the sentence, the date as the source gives it."),
            _derived("cited_by", INT, "How many records cite it.", Derived("count", "sources")),
            _derived("publisher_name", TEXT, "The publisher's name.", Derived("name", "publisher")),
            _derived("credit_name", TEXT, "The credited wire's name.", Derived("name", "credit")),
        ),
        listing=Listing(
            (
                ("id", "Id"),
                ("published", "Date"),
                ("cited_by", "Cited"),
                ("publisher_name", "Publisher"),
                ("title", "Title"),
            ),
            ("published", "cited_by"),
            ("title", "id", "publisher_name"),
            "Source",
            row=("published", "id", "cited_by", "publisher_name", "title"),
        ),
        date="published",
        names=("title",),
        name_rank=14,
        title="title",
    ),
    Kind.topic: KindSpec(
        fields=(
            _ID,
            _f("description", TEXT, "What statements on this topic are about.", req=True),
            _derived(
                "statements",
                INT,
                "How many statements have this topic.",
                Derived("count", "topics", Kind.statement),
            ),
        ),
        listing=Listing(
            (("id", "Topic"), ("statements", "Statements"), ("description", "Description")),
            ("id", "statements"),
            ("description",),
            "Description",
            row=("id", "statements", "description"),
        ),
    ),
    Kind.program: KindSpec(
        fields=(
            _ID,
            _f("name", TEXT, "Full name.", req=True),
            _NAME_ZH,
            _f("description", TEXT, "One sentence."),
            _ALIASES,
            _f("sources", REFS, "Where its Chinese name comes from.", to=(Kind.source,)),
            _derived(
                "milestones",
                INT,
                "How many milestones belong to it.",
                Derived("count", "program", Kind.milestone),
            ),
            _derived(
                "missions",
                INT,
                "How many missions belong to it.",
                Derived("count", "program", Kind.mission),
            ),
        ),
        listing=Listing(
            (
                ("id", "Id"),
                ("milestones", "Milestones"),
                ("missions", "Missions"),
                ("name", "Name"),
            ),
            ("milestones", "missions"),
            ("name", "id", "description"),
            "Program",
            row=("id", "milestones", "missions", "name"),
        ),
        names=("name", "name_zh", "aliases"),
        name_rank=11,
        title="name",
    ),
    Kind.speaker: KindSpec(
        fields=(
            _ID,
            _f("name", TEXT, "Their one name, everywhere.", req=True),
            _NAME_ZH,
            _f("role", TEXT, "Their role when quoted."),
            _f("organisation", TEXT, "Who they spoke for."),
            _COUNTRY,
            _ALIASES,
            _f(
                "sources", REFS, "Where the role and the Chinese name come from.", to=(Kind.source,)
            ),
            _derived(
                "statements",
                INT,
                "How many statements are theirs.",
                Derived("count", "speaker", Kind.statement),
            ),
        ),
        listing=Listing(
            (
                ("id", "Id"),
                ("statements", "Statements"),
                ("country", "Country"),
                ("name", "Name"),
                ("role", "Role"),
            ),
            ("statements", "country"),
            ("name", "id", "role"),
            "Speaker",
            row=("id", "statements", "country", "name", "role"),
        ),
        names=("name", "name_zh", "aliases"),
        name_rank=13,
        title="name",
    ),
    Kind.astronaut: KindSpec(
        fields=(
            _ID,
            _f("name", TEXT, "Their one name, everywhere.", req=True),
            _NAME_ZH,
            _COUNTRY,
            _ALIASES,
            _f(
                "sources", REFS, "Where the name and the Chinese name come from.", to=(Kind.source,)
            ),
            _derived(
                "missions",
                INT,
                "How many missions they flew.",
                Derived("count", "crew", Kind.mission),
            ),
            _derived(
                "statements",
                INT,
                "How many statements are theirs.",
                Derived("count", "speaker", Kind.statement),
            ),
        ),
        listing=Listing(
            (
                ("id", "Id"),
                ("missions", "Missions"),
                ("country", "Country"),
                ("name", "Name"),
                ("name_zh", "Chinese name"),
            ),
            ("missions", "country"),
            ("name", "id", "name_zh"),
            "Astronaut",
            row=("id", "missions", "country", "name_zh", "name"),
        ),
        names=("name", "name_zh", "aliases"),
        name_rank=12,
        title="name",
    ),
    Kind.occasion: KindSpec(
        fields=(
            _ID,
            _f("name", TEXT, "What the occasion was: a message, a meeting, a talk.", req=True),
            _f("date", DATE, "When (Beijing time)."),
            _f("milestone", REF, "The milestone it belongs to.", to=(Kind.milestone,)),
            _SOURCES,
            _derived(
                "statements",
                INT,
                "How many statements were made at it.",
                Derived("count", "occasion", Kind.statement),
            ),
        ),
        listing=Listing(
            (("date", "Date"), ("id", "Id"), ("statements", "Statements"), ("name", "Name")),
            ("date", "statements"),
            ("name", "id"),
            "Occasion",
            row=("date", "id", "statements", "name"),
        ),
        date="date",
        names=("name",),
        name_rank=13,
        title="name",
        order=_order("date"),
    ),
    Kind.milestone: KindSpec(
        fields=(
            _ID,
            _f("date", DATE, "YYYY, YYYY-MM or YYYY-MM-DD, Beijing time.", req=True),
            _f("title", TEXT, "One line.", req=True),
            _f("summary", TEXT, "One to three sentences.", req=True),
            _f("program", REF, "The program it belongs to.", req=True, to=(Kind.program,)),
            _STATUS,
            _f("tags", TEXTS, "Free lowercase words."),
            _SOURCES,
            _ALIASES,
            _f("related", REFS, "Ids of related records of any kind."),
            _f("outcome", REF, "What became of a plan or expectation.", to=(Kind.milestone,)),
        ),
        listing=Listing(
            (
                ("date", "Date"),
                ("id", "Id"),
                ("program", "Program"),
                ("status", "Status"),
                ("title", "Title"),
                ("summary", "Summary"),
            ),
            ("date", "program"),
            ("title", "id", "summary"),
            "Milestone",
            row=("date", "id", "program", "title"),
        ),
        date="date",
        names=("title", "aliases"),
        name_rank=12,
        title="title",
        order="date, id",
        searched=True,
    ),
    Kind.statement: KindSpec(
        fields=(
            _ID,
            _f("text", TEXT, "The words (verbatim) or their content (reported).", req=True),
            _f(
                "speaker",
                REF,
                "Who said it: a speaker, an astronaut, or a publisher speaking for itself.",
                req=True,
                to=(Kind.speaker, Kind.astronaut, Kind.publisher),
            ),
            _f("date", DATE, "When; taken from the occasion when it has one."),
            _f("occasion", REF, "The occasion it was said at.", to=(Kind.occasion,)),
            _f("topics", REFS, "Topics of the vocabulary.", req=True, to=(Kind.topic,)),
            _f("verbatim", BOOL, "true: the source quotes these exact words.", req=True),
            _checked(
                "language",
                TEXT,
                "The language it was spoken in (zh, en, ru...), if known.",
                pattern=LANGUAGE,
                example="zh",
            ),
            _f(
                "translation",
                TEXT,
                "When the text is a translation: whose (\"Xinhua's English "
                'release", "our translation").',
            ),
            _SOURCES,
            _f("excerpt", TEXT, "The source's sentence it is taken from."),
            _f("milestone", REF, "The milestone it was said at.", to=(Kind.milestone,)),
            _f("note", TEXT, "Where the words first appear, when the source is not the first."),
            _derived("speaker_name", TEXT, "The speaker's name.", Derived("name", "speaker")),
            _derived("occasion_name", TEXT, "The occasion's name.", Derived("name", "occasion")),
        ),
        listing=Listing(
            (
                ("date", "Date"),
                ("id", "Id"),
                ("speaker_name", "Speaker"),
                ("verbatim", "Form"),
                ("text", "Statement"),
                ("occasion_name", "Occasion"),
            ),
            ("date", "speaker_name"),
            ("text", "id", "occasion_name"),
            "Statement",
            row=("date", "id", "speaker_name", "text"),
        ),
        date="date",
        title="text",
        order="date IS NULL, date, seq",
        searched=True,
    ),
    Kind.lunar_step: KindSpec(
        fields=(
            _ID,
            _f("step", INT, "1, 2 or 3; none for what came after the three steps."),
            _f("name", TEXT, "Name of the step.", req=True),
            _f("goal", TEXT, "What the step set out to do.", req=True),
            _f(
                "programs",
                REFS,
                "Without a step: the programs whose missions of no step it gathers.",
                to=(Kind.program,),
            ),
            _SOURCES,
            _derived(
                "missions",
                RECORDS,
                "Its missions in launch order: id, name, launch_date and status of each.",
                Derived("members"),
            ),
        ),
        listing=Listing(
            (("step", "Step"), ("name", "Name"), ("goal", "Goal"), ("missions", "Missions")),
            ("step",),
            ("name", "goal", "missions"),
            "Step",
        ),
        title="name",
        order="step IS NULL, step",
    ),
    Kind.mission: KindSpec(
        fields=(
            _ID,
            _f("name", TEXT, "Name of the craft or flight.", req=True),
            _NAME_ZH,
            _f("program", REF, "The program it belongs to.", req=True, to=(Kind.program,)),
            _f("type", TEXT, "orbiter, lander and rover, crewed spacecraft, ..."),
            _f("step", INT, "The lunar step (1-3) it belongs to, for the three-step missions."),
            _STATUS,
            _f("status_date", DATE, "The date its status is known to be right as of."),
            _f("launch_date", DATE, "Launch date (Beijing time)."),
            _f("end_date", DATE, "Landing, return or end date (Beijing time)."),
            _f("crew", REFS, "Astronauts aboard (ids).", to=(Kind.astronaut,)),
            _checked(
                "cospar",
                TEXT,
                "COSPAR international designator of the craft launched.",
                pattern=r"(19[5-9]\d|2\d{3})-\d{3}[A-Z]{1,3}",
                example="2023-077A",
            ),
            _f("satcat", INT, "Its SATCAT (NORAD) catalogue number."),
            _checked(
                "wikidata", TEXT, "Its Wikidata item.", pattern=r"Q[1-9]\d*", example="Q12345"
            ),
            _f("achievements", TEXTS, "Key achievements, one phrase each."),
            _ALIASES,
            _SOURCES,
            _derived("crew_names", TEXTS, "The crew's names.", Derived("name", "crew")),
        ),
        listing=Listing(
            (
                ("launch_date", "Launch"),
                ("id", "Id"),
                ("program", "Program"),
                ("status", "Status"),
                ("type", "Type"),
                ("name", "Name"),
            ),
            ("launch_date", "program", "status"),
            ("name", "id", "type"),
            "Mission",
            row=("launch_date", "id", "program", "status", "name", "type"),
        ),
        date="launch_date",
        names=("name", "name_zh", "cospar", "aliases"),
        name_rank=10,
        title="name",
        order=_order("launch_date"),
        searched=True,
    ),
}

SEARCHED: tuple[Kind, ...] = tuple(k for k in Kind if SCHEMA[k].searched)
DATED: tuple[Kind, ...] = tuple(k for k in Kind if SCHEMA[k].date and k is not Kind.source)

# Records the commands print that are not kinds of the fact file: their JSON fields, in
# contract order, with their types and meaning, the command that prints them, and their
# listings.


class Shape(NamedTuple):
    fields: tuple[Field, ...]
    command: str
    listing: Listing


def _out(name: str, type_: str, help_: str, always: bool = True) -> Field:
    return Field(name, type_, help_, required=always)


_KIND = _out("kind", TEXT, "milestone, statement or mission.")
_WHO = _out("id", TEXT, "The record's id (for `spacefacts show`).")
_TITLE = _out("title", TEXT, "Its title, name, or speaker and text.")

SHAPES: dict[str, Shape] = {
    "hit": Shape(
        (
            _KIND, _WHO,
            _out("date", DATE, "Its date (a mission's launch date).", always=False),
            _TITLE,
            _out("snippet", TEXT, "The best-matching words of its text."),
            _out("score", "number", "BM25 relevance, higher is better (compare within a search)."),
        ),
        "search",
        Listing(
            (("kind", "Kind"), ("date", "Date"), ("id", "Id"), ("title", "Title"),
             ("snippet", "Match")),
            ("kind", "date"), ("title", "id", "snippet"), "Hit",
        ),
    ),
    "anniversary": Shape(
        (
            _KIND, _WHO, _out("date", DATE, "Its date, YYYY-MM-DD (or YYYY-MM with --month)."),
            _TITLE,
            _out("years_ago", INT, "Years between its date and the day asked about."),
        ),
        "on",
        Listing(
            (("date", "Date"), ("years_ago", "When"), ("kind", "Kind"), ("id", "Id"),
             ("title", "Title")),
            ("date", "years_ago"), ("title", "id"), "Record",
        ),
    ),
    "upcoming": Shape(
        (
            _out("kind", TEXT, "milestone or mission."), _WHO,
            _out("date", DATE, "When it is planned, at the precision known.", always=False),
            _TITLE,
            _out("program", TEXT, "Its program's id."),
            _out("in_days", INT, "Days from today, when the date is a day.", always=False),
            _out("overdue", BOOL, "The planned date has passed with no report yet."),
            _out("sources", REFS, "Ids of the sources it cites."),
        ),
        "next",
        Listing(
            (("date", "Date"), ("in_days", "In"), ("kind", "Kind"), ("program", "Program"),
             ("id", "Id"), ("title", "Title")),
            ("date", "in_days", "program"), ("title", "id", "sources"), "Planned",
        ),
    ),
    "stat": Shape(
        (
            _out("group", TEXT, "as_of, kind, program, status, topic, decade or sources."),
            _out(
                "value",
                TEXT,
                'The date the facts are current to (as_of), the kind, program id, status, topic '
                'id or decade ("2020s").',
            ),
            _out("count", INT, "How many records (as_of: all of them)."),
        ),
        "stats",
        Listing((("group", "Group"), ("value", "Value"), ("count", "Count"))),
    ),
    "tag": Shape(
        (
            _out("tag", TEXT, "A tag of milestones."),
            _out("milestones", INT, "How many milestones have it."),
        ),
        "tags",
        Listing((("milestones", "Milestones"), ("tag", "Tag"))),
    ),
    "problem": Shape(
        (
            _out("file", TEXT, "The fact file."),
            _out("line", INT, "Line in it, when known.", always=False),
            _out("column", INT, "Column, when known.", always=False),
            _out("id", TEXT, "The record's id, when known.", always=False),
            _out("field", TEXT, "The field, when the problem is in one.", always=False),
            _out("message", TEXT, "What is wrong."),
            _out("severity", TEXT, "error (fails a load, exit 3) or warning (reported only)."),
        ),
        "validate",
        Listing(
            (("file", "File"), ("line", "Line"), ("severity", "Severity"), ("id", "Id"),
             ("field", "Field"), ("message", "Problem")),
            ("line", "severity"), ("message", "file", "id", "field"), "Problem",
        ),
    ),
}  # fmt: skip


def listing(shape: str) -> Listing:
    """The listing of a kind or of one of the SHAPES."""
    return SHAPES[shape].listing if shape in SHAPES else SCHEMA[Kind(shape)].listing


def fields_of(shape: str) -> tuple[str, ...]:
    """The JSON fields of a kind or shape, in output order (the documented contract)."""
    if shape in SHAPES:
        return tuple(f.name for f in SHAPES[shape].fields)
    return (*SCHEMA[Kind(shape)].field_names, "origin")


def detail_fields(kind: str) -> tuple[str, ...]:
    """One record shown in full: its kind's fields, its date (as the timeline places it: a
    mission's launch, a source's publication), its citations and relations."""
    fields = fields_of(kind)
    return ("kind", *fields, *(() if "date" in fields else ("date",)), "citations", "relations")


def record_date(kind: Kind, record: JsonRecord) -> str | None:
    """The date a record is placed at (its kind's date field), if any."""
    field = SCHEMA[kind].date
    return record.get(field) if field else None


def record_title(kind: Kind, record: JsonRecord) -> str:
    """A record as a one-line title; a status other than done is said."""
    if kind is Kind.statement:
        from spacefacts.text import shorten

        speaker = record.get("speaker_name") or record["speaker"]
        return f"{speaker}: {shorten(record['text'], 90)}"
    title = str(record.get(SCHEMA[kind].title) or record.get("id"))
    return title + status_of(record).mark
