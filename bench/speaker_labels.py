"""Speaker labels on real files: turns, speakers, and the speakers that look wrong.

Usage::

    python bench/speaker_labels.py [--corpus ../shared/corpus] [--sample transcripts] [-v] [--json]

Reads every transcript of the reference corpus (ParlaMint, Sheffield, the PDF user study, the
QualCoder examples, the qualitative-coding demo and Spanish example, the Zoom files, the Word
edge-case documents), the documents of its
REFI-QDA projects (NVivo, QualCoder, ATLAS.ti) and the sample study exactly as ``qualcode
import`` does — the same readers and unit builder, in this process, no project written — and
prints one row per document: turns, turns with a speaker, the longest turn in characters, distinct
speakers, and the speakers flagged as suspicious:

* ``once-long``: a label used for one turn only, and that turn is 1,000 characters or more
  (a title or a sentence taken for a speaker swallows everything up to the next label);
* ``long``: a speaker name of more than four words;
* ``common-word``: a speaker of one or two turns whose name's first word is also written in
  lower case in the document (an ordinary word — "Kötelező oltás" beside "kötelező" — rather
  than a name; a speaker of many turns is a role such as "Researcher", not a stray sentence);
* ``lower-after``: most of the speaker's turns start with a lower-case letter (a sentence that
  goes on after a colon, not a new speaker's words);
* ``digit-start``: the name starts with a digit (a date or a number, not a person).

A flag is a reason to look, not a verdict: ``-v`` prints every speaker with its turn count and
the first words of its longest turn, so each flag can be judged by reading. The exit code is 0
whatever is found.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path

from qualcode.errors import QualcodeError
from qualcode.ingest.model import UnitSpan
from qualcode.ingest.readers import SUPPORTED_SUFFIXES, read_transcript
from qualcode.ingest.units import build_units

ROOT = Path(__file__).resolve().parent.parent
LONG_TURN = 1000
#: Corpus folders with transcripts (derived/ holds re-encoded copies of ParlaMint: same labels).
TRANSCRIPT_FOLDERS = (
    "transcripts/parlamint_bcms",
    "transcripts/sheffield_open_qual_research_CC-BY-NC",
    "transcripts/pdpilot_user_study_pdf",
    "transcripts/qualcoder_examples",
    "transcripts/qualitative-coding_demo",
    "transcripts/qc_example_spanish_GPL3",
    "subtitles",
    "fixtures/docx",
)
_WORD = re.compile(r"[^\W\d_]+")


@dataclass
class Speaker:
    """One speaker of a document: how often and how long it speaks, and its flags."""

    name: str
    turns: int
    longest: int
    opening: str
    flags: list[str] = field(default_factory=list)


@dataclass
class Row:
    """One document: where it comes from, its turns and speakers."""

    group: str
    document: str
    turns: int
    labelled: int
    longest: int
    speakers: list[Speaker]

    @property
    def flagged(self) -> list[Speaker]:
        """The speakers with at least one flag."""
        return [s for s in self.speakers if s.flags]


def measure(group: str, document: str, text: str, units: list[UnitSpan]) -> Row:
    """Turns, speakers and flags of one document's units."""
    every = [u for u in units if u.kind == "turn"]
    turns = [u for u in every if u.speaker]
    lower_words = {w for w in _WORD.findall(text) if w.islower()}
    speakers = []
    for name in dict.fromkeys(u.speaker or "" for u in turns):
        own = [u for u in turns if u.speaker == name]
        longest = max(own, key=lambda u: u.end - u.start)
        flags = []
        if len(own) == 1 and longest.end - longest.start >= LONG_TURN:
            flags.append("once-long")
        if len(name.split()) > 4:
            flags.append("long")
        first = _WORD.search(name)
        common = first is not None and first[0].casefold() in lower_words and first[0].casefold() != first[0]
        if common and len(own) <= 2:
            flags.append("common-word")
        if sum(1 for u in own if text[u.start : u.start + 1].islower()) * 2 > len(own):
            flags.append("lower-after")
        if name[:1].isdigit():
            flags.append("digit-start")
        opening = " ".join(text[longest.start : longest.start + 60].split())
        speakers.append(Speaker(name, len(own), longest.end - longest.start, opening, flags))
    longest_turn = max((u.end - u.start for u in every), default=0)
    return Row(group, document, len(every), len(turns), longest_turn, speakers)


def file_rows(group: str, paths: list[Path]) -> list[Row]:
    """Rows for transcript files, read as ``qualcode import`` reads them."""
    rows = []
    for path in paths:
        try:
            parsed = read_transcript(path, path.read_bytes())
        except QualcodeError as exc:  # a file the importer refuses has no speakers to measure
            print(f"{path.name}: not read ({exc})", file=sys.stderr)
            continue
        rows.append(measure(group, path.name, parsed.text, build_units(parsed)))
    return rows


def refi_rows(path: Path) -> list[Row]:
    """Rows for the text documents of a REFI-QDA project, prepared as its import prepares them."""
    from qualcode.ingest.importer import ImportOptions
    from qualcode.refi.archive import open_project_file
    from qualcode.refi.importer import RefiImportReport, _prepare_documents
    from qualcode.refi.qde import parse_project_xml
    from qualcode.refi.reader import read_project

    data = path.read_bytes()
    archive = open_project_file(path, data)
    model = read_project(parse_project_xml(archive.qde), archive.qde, path.name)
    # The import's own preparation (private, but a benchmark must see exactly what it stores).
    documents = _prepare_documents(model, archive, ImportOptions(), RefiImportReport(origin=model.origin))
    return [measure(path.name, doc.name, doc.parsed.text, doc.units) for doc in documents]


def collect(corpus: Path | None, sample: Path) -> list[Row]:
    """Every document of the corpus (when present) and of the sample study."""
    rows: list[Row] = []
    if corpus is not None and corpus.is_dir():
        for folder in TRANSCRIPT_FOLDERS:
            paths = sorted(p for p in (corpus / folder).glob("*") if p.suffix.lower() in SUPPORTED_SUFFIXES)
            paths = [p for p in paths if p.name.lower() != "readme.md" and not p.name.endswith(".out.txt")]
            rows += file_rows(folder.split("/")[-1], paths)
        for project in sorted((corpus / "refi_qda" / "projects").glob("*.qdpx")):
            rows += refi_rows(project)
    sample_paths = sorted(p for p in sample.glob("*") if p.suffix.lower() in SUPPORTED_SUFFIXES)
    rows += file_rows("sample study", [p for p in sample_paths if p.name.lower() != "readme.md"])
    return rows


def render(rows: list[Row], verbose: bool) -> str:
    """A Markdown table, one row per document, and (verbose) every speaker."""
    lines = [
        "| source | document | turns | with a speaker | longest turn | speakers | flagged |",
        "| --- | --- | ---: | ---: | ---: | ---: | --- |",
    ]
    for row in rows:
        flagged = ", ".join(f"{s.name} ({'/'.join(s.flags)})" for s in row.flagged[:4])
        if len(row.flagged) > 4:
            flagged += f" … {len(row.flagged)} in all"
        lines.append(
            f"| {row.group} | {row.document} | {row.turns} | {row.labelled} | {row.longest:,} "
            f"| {len(row.speakers)} | {flagged} |"
        )
    totals = Counter(flag for row in rows for s in row.speakers for flag in s.flags)
    by_flag = ", ".join(f"{flag} {n}" for flag, n in sorted(totals.items()))
    lines.append("")
    lines.append(
        f"{len(rows)} documents, {sum(r.turns for r in rows)} turns "
        f"({sum(r.labelled for r in rows)} with a speaker), "
        f"{sum(len(r.speakers) for r in rows)} speakers, "
        f"{sum(len(r.flagged) for r in rows)} flagged ({by_flag})"
    )
    if verbose:
        for row in rows:
            lines.append(f"\n{row.group} / {row.document}")
            for s in row.speakers:
                mark = f"  [{'/'.join(s.flags)}]" if s.flags else ""
                lines.append(f"  {s.name!r}: {s.turns} turn(s), longest {s.longest} — {s.opening}{mark}")
    return "\n".join(lines)


def main() -> None:
    """Parse the arguments, measure, print."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus")
    parser.add_argument("--sample", type=Path, default=ROOT / "transcripts")
    parser.add_argument("-v", "--verbose", action="store_true", help="list every speaker of every document")
    parser.add_argument("--json", action="store_true", help="rows as JSON")
    args = parser.parse_args()
    if not args.corpus.is_dir():
        print(
            f"reference corpus not found at {args.corpus}: measuring the sample study only", file=sys.stderr
        )
    rows = collect(args.corpus, args.sample)
    if args.json:
        print(json.dumps([asdict(r) for r in rows], ensure_ascii=False, indent=1))
    else:
        print(render(rows, args.verbose))


if __name__ == "__main__":
    main()
