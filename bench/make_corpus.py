"""Generate a deterministic synthetic interview corpus for the import benchmark.

Usage::

    python bench/make_corpus.py OUTDIR [--docs 500] [--words 8000] [--seed 7]

The corpus imitates a scale study on forced begging: N interview transcripts of about W
whitespace-separated words each, in the scripts, languages, encodings and formats that
users import:

============================  =====  ==============================================
kind                          share  bytes
============================  =====  ==============================================
Serbian Latin ``.txt``        17.5%  UTF-8, LF line ends
Serbian Latin ``.txt``        17.5%  Windows-1250, CRLF line ends
Serbian Cyrillic ``.txt``     20%    Windows-1251, CRLF line ends
Bosnian (ijekavian) ``.txt``  10%    UTF-8, LF
English ``.txt``              15%    UTF-8, LF
``.docx``                     10%    any of the four languages (python-docx)
``.vtt``                      10%    any of the four languages, ``<v Name>`` voices
============================  =====  ==============================================

Files go to ``OUTDIR/txt``, ``OUTDIR/docx`` and ``OUTDIR/vtt``; every file name (and so every
document name) is unique and every file has different bytes. The same arguments always give
byte-identical files: only ``random.Random`` seeded from ``--seed`` is used, docx parts get
fixed dates and zip timestamps, and nothing depends on the clock, the locale or the network.
"""

from __future__ import annotations

import argparse
import functools
import io
import random
import sys
import time
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from itertools import accumulate
from pathlib import Path

# --------------------------------------------------------------------------------------------
# Vocabulary. Serbian is written in Latin (ekavian) and transliterated for Cyrillic; Bosnian is
# Serbian with ijekavian forms and a few Bosnian words. Weights: function words are frequent,
# common verbs and adverbs less so, topic nouns and adjectives least (a rough Zipf shape).
# --------------------------------------------------------------------------------------------

_SR_FUNCTION = """
i u na se je da to ne su sa za od do po kod iz ali ili a pa jer kad kada ako što koji koja koje kao onda
tada tu tamo ovde sad sada već još samo baš znači recimo ono mi oni ja vi on ona nas njih ih ga joj im nam
mu sve svi neki neka neko nešto nekad ponekad uvek nikad često retko obično uglavnom zapravo stvarno dakle
eto bukvalno jako malo mnogo više manje dosta tako takođe nego bi bio bila bilo bili biti smo ste sam si će
ćemo može mogu možemo treba ima nema imamo nemamo hoće neće ni kroz prema posle pre između oko bez preko
zbog njihov njihova naš naša svoj svoje taj ta te ovaj ova ovo onaj isto jedan jedna dva tri pet deset
"""
_SR_VERBS = """
dolazi dolaze dođu dovede dovedu zovemo pozovu pozove prijavi prijavljuju pronađemo vratimo vraćaju vrati
smeštamo smestimo šaljemo upućujemo uputimo razgovaramo razgovara pitamo pitam kažu kaže rekao rekla znam
znamo vidim vidimo videli pokušavamo pokušali moramo mora trebalo desi dešava dešavalo ostaju ostane beže
pobegne prose prosi sede stoje čekaju dobijaju dobije plaćaju odlučuje procenjujemo pratimo sarađujemo
radimo radi rade radila radio živi žive živeli ide idu išli uzima uzimaju daju dali šalje traži traže
tražimo javi javljaju obavestimo obaveštavamo reaguje reagujemo interveniše privede privode zadrže pusti
puste nađe nađu primi primimo napusti vodi vode odvede ostavi ostavljaju kontaktiramo evidentiramo
zapisujemo razumem razumeju shvatam verujem čini čine funkcioniše postoji postoje nedostaje fali pomaže
pomognemo pomoći štiti zaštiti mislim
"""
_SR_NOUNS = """
prosjačenje prosjačenja dete deca dece deteta detetu roditelj roditelji roditelja majka otac porodica
porodice porodici policija policije policiji policajac policajci centar centra centru rad radnik radnici
radnica radnice hranitelji prihvatilište prihvatilišta sklonište ulica ulici ulice grad gradu trg semafor
semaforu raskrsnici novac novca dinara evra škola školu škole obrazovanje zdravlje bolnica bolnicu sud sudu
tužilaštvo prekršaj prekršaja prijava prijavu uput slučaj slučaja slučajeva postupak postupka mera mere
zaštita zaštite starateljstvo organ organa ustanova ustanove saradnja saradnje sistem sistema zakon zakona
propisi institucija institucije udruženje udruženja organizacija organizacije program projekat servis
usluga usluge smeštaj smeštaja hrana odeća dokumenta dokumenata karta naselje naselja zajednica zajednice
siromaštvo eksploatacija trgovina žrtva žrtve nasilje zlostavljanje zanemarivanje rizik procena procenu
plan tim tima stručnjak stručnjaci psiholog pedagog pravnik kolega koleginica direktor rukovodilac smena
vikend noć zima zimi leto leti jutro godina godine godinu mesec meseci nedelja dan dana sat sati put puta
broj podatak podaci evidencija izveštaj beleška poziv telefon dežurstvo intervencija patrola patrole
stanica nalog kazna kazne odluka rešenje žalba terenu teren ljudi čovek žena žene muškarac brat sestra
baka vršnjaci drug problem problema pitanje pitanja situacija situacije iskustvo posao posla prostor mesto
mesta vreme vremena reč primer razlog razloga način deo kraj početak pomoć podrška podršku pravo prava
migranti migranata džep džeparac opština opštine
"""
_SR_ADJECTIVES = """
mali mala maloletni maloletno stariji starija mlađi mlađa romski romske lokalni gradski državni poseban
posebno dobar dobro loše težak teško lako važno ozbiljan ozbiljno novi nova isti ceo cela celu dugo kratko
hitno odmah kasnije ranije zajedno sami sama stalno formalno neformalno naravno verovatno sigurno moguće
nemoguće potrebno nadležni nadležna socijalni socijalna zdravstveni pravni prekršajni zvanično konkretno
nažalost srećom jednostavno prosto ljubazno hraniteljska lična matične ljudska
"""
#: Ekavian → ijekavian (and Serbian → Bosnian) word forms.
_BS_PAIRS = """
deca:djeca dece:djece dete:dijete deteta:djeteta detetu:djetetu mesto:mjesto mesta:mjesta vreme:vrijeme
reč:riječ primer:primjer uvek:uvijek retko:rijetko posle:poslije pre:prije ovde:ovdje mesec:mjesec
meseci:mjeseci nedelja:sedmica mere:mjere mera:mjera smeštaj:smještaj smeštaja:smještaja
smeštamo:smještamo smestimo:smjestimo pobegne:pobjegne beže:bježe videli:vidjeli procena:procjena
procenu:procjenu procenjujemo:procjenjujemo čovek:čovjek leto:ljeto leti:ljeti ceo:cijeli cela:cijela
celu:cijelu verujem:vjerujem verovatno:vjerovatno razumem:razumijem razumeju:razumiju odeća:odjeća
dinara:maraka evra:eura sede:sjede beleška:bilješka rešenje:rješenje živeli:živjeli
obavestimo:obavijestimo obaveštavamo:obavještavamo takođe:također opština:općina opštine:općine što:šta
"""
_BS_FORMS = {old: new for old, _, new in (pair.partition(":") for pair in _BS_PAIRS.split())}
_BS_EXTRA = """
kanton kantona kantonalni entitet sedmično hiljadu historija mjesna mahala nana kahva općinski
"""

_EN_FUNCTION = """
the the the a a and and to to of of in in is it it that that we we they they you I I for on with but so or
if when then there here not no yes do don't have has had be was were are been can could would should will
what which who this these those some all very really just also more most often sometimes usually always
never mostly actually basically like um because about from by at after before between without our their
them us he she his her one two three five ten
"""
_EN_VERBS = """
come comes came bring brings brought call called report reported find found return returned place placed
send sent talk talked ask asked say says said think know see saw try tried must need needs happen happens
happened stay stays run ran beg begs sit stand wait get gets pay decide decides assess follow work works
worked live lives go goes went take takes give gave look contact register understand believe seems exists
lacks help helps protect mean
"""
_EN_NOUNS = """
begging children child kids parents mother father family families police officer officers patrol station
social worker workers centre shelter shelters street streets city square traffic lights intersection money
euros marks school education health hospital court judge prosecutor misdemeanour offence report referral
referrals case cases procedure measure protection guardianship authority institution institutions
organisation NGO programme project service services accommodation food clothes documents ID birth
registration settlement community communities poverty exploitation trafficking victim victims violence
abuse neglect risk assessment plan team psychologist lawyer colleague director shift weekend night winter
summer morning year years month months week day days hour hours time number data records phone calls duty
intervention fine fines decision appeal field outreach people man woman women brother sister grandmother
peers problem problems question situation experience job place reason way support rights migrants Roma
system law laws cooperation network mandate capacity funding budget donor ministry municipality canton
"""
_EN_ADJECTIVES = """
small young older younger local municipal state special good bad hard difficult easy important serious new
same whole long short urgent immediately later earlier together alone constantly formal informal probably
certainly possible impossible necessary responsible competent legal official concrete unfortunately
luckily simply
"""


@dataclass(frozen=True)
class Language:
    """Words, labels and conventions of one transcript language."""

    code: str
    words: tuple[str, ...]
    cum_weights: tuple[float, ...]
    question_starts: tuple[str, ...]
    abbreviations: tuple[str, ...]
    marks: tuple[str, ...]
    label_pairs: tuple[tuple[str, str], ...]
    voices: tuple[tuple[str, str], ...]
    places: tuple[str, ...]
    header: str  # format string: code, date, place, minutes
    decimal_comma: bool = True


def _weighted(*tiers: tuple[str, float]) -> tuple[tuple[str, ...], tuple[float, ...]]:
    """Words of all tiers (duplicates add up) with cumulative weights for ``Random.choices``."""
    words: list[str] = []
    weights: list[float] = []
    for text, weight in tiers:
        for word in text.split():
            words.append(word)
            weights.append(weight)
    return tuple(words), tuple(accumulate(weights))


def _bosnian(text: str) -> str:
    return " ".join(_BS_FORMS.get(word, word) for word in text.split())


SERBIAN = Language(
    "sr-Latn",
    *_weighted((_SR_FUNCTION, 8.0), (_SR_VERBS, 2.5), (_SR_NOUNS, 1.5), (_SR_ADJECTIVES, 1.5)),
    question_starts=("Da li", "Kako", "Šta", "Koliko", "Zašto", "Kada", "Ko", "Gde", "A da li"),
    abbreviations=("npr.", "tj.", "itd.", "br.", "odn."),
    marks=("[nerazumljivo]", "[nerazumljivo]", "[smeh]", "[pauza]"),
    label_pairs=(("I", "R"), ("Istraživač", "Sagovornik"), ("Istraživačica", "Sagovornica")),
    voices=(
        ("Jelena Petrović", "Dragan M."),
        ("Milica Jovanović", "Socijalna radnica"),
        ("Ana Nikolić", "Nenad S."),
        ("Ivana Đorđević", "Policajac"),
    ),
    places=("Beograd", "Novi Sad", "Niš", "Kragujevac", "Subotica", "Novi Pazar", "Zrenjanin", "Čačak"),
    header="Intervju {code}\nDatum: {date} | Mesto: {place} | Trajanje: {minutes} min",
)
CYRILLIC_LABELS = (("Intervjuer", "Sagovornik"), ("Intervjuer", "Sagovornica"))
BOSNIAN = Language(
    "bs",
    *_weighted(
        (_bosnian(_SR_FUNCTION), 8.0),
        (_bosnian(_SR_VERBS), 2.5),
        (_bosnian(_SR_NOUNS) + _BS_EXTRA, 1.5),
        (_bosnian(_SR_ADJECTIVES), 1.5),
    ),
    question_starts=("Da li", "Kako", "Šta", "Koliko", "Zašto", "Kada", "Ko", "Gdje", "A da li"),
    abbreviations=("npr.", "tj.", "itd.", "br."),
    marks=("[nerazumljivo]", "[nerazumljivo]", "[smijeh]", "[pauza]"),
    label_pairs=(("I", "R"), ("Istraživač", "Sagovornik"), ("Istraživačica", "Sagovornica")),
    voices=(("Amra Hadžić", "Mirza K."), ("Lejla Begović", "Socijalni radnik"), ("Emina Kovač", "Haris D.")),
    places=("Sarajevo", "Tuzla", "Zenica", "Mostar", "Bihać", "Banja Luka", "Brčko", "Travnik"),
    header="Intervju {code}\nDatum: {date} | Mjesto: {place} | Trajanje: {minutes} min",
)
ENGLISH = Language(
    "en",
    *_weighted((_EN_FUNCTION, 8.0), (_EN_VERBS, 2.5), (_EN_NOUNS, 1.5), (_EN_ADJECTIVES, 1.5)),
    question_starts=("How", "What", "Do you", "Why", "When", "Who", "Where", "And do you", "Could you"),
    abbreviations=("e.g.", "i.e.", "etc.", "Mr.", "Dr."),
    marks=("[inaudible]", "[inaudible]", "[laughs]", "[crosstalk]"),
    label_pairs=(("Q", "A"), ("Interviewer", "Respondent")),
    voices=(("Sara Whitfield", "Mirza K."), ("Tom Baker", "Shelter coordinator"), ("Ann Lee", "Officer")),
    places=("Belgrade", "Sarajevo", "Tuzla", "Banja Luka", "Novi Sad", "Skopje"),
    header="Interview {code}\nDate: {date} | Place: {place} | Duration: {minutes} min",
    decimal_comma=False,
)
LANGUAGES = {"sr-Latn": SERBIAN, "sr-Cyrl": SERBIAN, "bs": BOSNIAN, "en": ENGLISH}

# --------------------------------------------------------------------------------------------
# Serbian Latin → Cyrillic: digraphs first, then letter by letter.
# --------------------------------------------------------------------------------------------

_DIGRAPHS = (
    ("Lj", "Љ"),
    ("LJ", "Љ"),
    ("lj", "љ"),
    ("Nj", "Њ"),
    ("NJ", "Њ"),
    ("nj", "њ"),
    ("Dž", "Џ"),
    ("DŽ", "Џ"),
    ("dž", "џ"),
)
_LETTERS = dict(zip("abcčćdđefghijklmnoprsštuvzž", "абцчћдђефгхијклмнопрсштувзж", strict=True))
_TO_CYRILLIC = str.maketrans({**_LETTERS, **{k.upper(): v.upper() for k, v in _LETTERS.items()}})


def to_cyrillic(text: str) -> str:
    """Transliterate Serbian Latin to Serbian Cyrillic (lj, nj, dž are single letters)."""
    for latin, cyrillic in _DIGRAPHS:
        text = text.replace(latin, cyrillic)
    return text.translate(_TO_CYRILLIC)


# --------------------------------------------------------------------------------------------
# One interview: header, speaker labels and turns, independent of the file format.
# --------------------------------------------------------------------------------------------


@dataclass
class Turn:
    """One speaker turn: ``speaker`` 0 is the interviewer, 1 the respondent; paragraphs of sentences."""

    speaker: int
    paragraphs: list[list[str]]


@dataclass
class Interview:
    """Everything a renderer needs; ``words`` counts the whitespace tokens of the transcript text."""

    header: list[str]
    labels: tuple[str, str]
    voices: tuple[str, str]
    turns: list[Turn] = field(default_factory=list)

    def map_text(self, convert: Callable[[str], str]) -> Interview:
        """The same interview with every string passed through ``convert`` (e.g. to Cyrillic)."""
        return Interview(
            header=[convert(line) for line in self.header],
            labels=(convert(self.labels[0]), convert(self.labels[1])),
            voices=(convert(self.voices[0]), convert(self.voices[1])),
            turns=[Turn(t.speaker, [list(map(convert, para)) for para in t.paragraphs]) for t in self.turns],
        )


def _number(rng: random.Random, lang: Language) -> str:
    """A number as transcribers write them: counts, years, amounts, percentages, decimals."""
    form = rng.randrange(6)
    if form == 0:
        return str(rng.randint(2, 60))
    if form == 1:
        year = rng.randint(1995, 2024)
        return f"{year}." if lang.decimal_comma else str(year)
    if form == 2:
        thousands = rng.randint(1, 40)
        return f"{thousands}.000" if lang.decimal_comma else f"{thousands},000"
    if form == 3:
        return f"{rng.randint(5, 95)}%"
    if form == 4:
        sep = "," if lang.decimal_comma else "."
        return f"{rng.randint(1, 9)}{sep}{rng.randint(1, 9)}"
    return str(rng.randint(100, 999))


def _sentence(rng: random.Random, lang: Language, length: int, *, question: bool = False) -> list[str]:
    """One sentence as a list of tokens (punctuation attached)."""
    tokens = rng.choices(lang.words, cum_weights=lang.cum_weights, k=length)
    roll = rng.random()
    if roll < 0.10:
        tokens.insert(rng.randrange(1, length), rng.choice(lang.abbreviations))
    elif roll < 0.22:
        tokens.insert(rng.randrange(1, length), _number(rng, lang))
    if rng.random() < 0.04:
        tokens.insert(rng.randrange(0, len(tokens)), rng.choice(lang.marks))
    for _ in range(len(tokens) // 7):
        pos = rng.randrange(1, len(tokens) - 1) if len(tokens) > 2 else 0
        if not tokens[pos].endswith((",", ".", "]")):
            tokens[pos] += ","
    if question:
        tokens[0:0] = rng.choice(lang.question_starts).split()
    first = tokens[0]
    if not first.startswith("["):
        tokens[0] = first[:1].upper() + first[1:]
    last = tokens[-1]
    end = "?" if question else rng.choice((".", ".", ".", ".", ".", "...", "!"))
    tokens[-1] = last.rstrip(",.") + end if not last.endswith("]") else last + end
    return tokens


def _date(rng: random.Random) -> str:
    return f"{rng.randint(2023, 2025)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"


def make_interview(rng: random.Random, language: str, code: str, target_words: int) -> Interview:
    """Turns of alternating interviewer questions and longer answers, until about ``target_words``."""
    lang = LANGUAGES[language]
    pairs = CYRILLIC_LABELS if language == "sr-Cyrl" else lang.label_pairs
    labels = rng.choice(pairs)
    header_text = lang.header.format(
        code=code, date=_date(rng), place=rng.choice(lang.places), minutes=max(20, target_words // 130)
    )
    interview = Interview(header=header_text.split("\n"), labels=labels, voices=rng.choice(lang.voices))
    words = len(header_text.split())
    speaker = 0
    while words < target_words:
        if speaker == 0:
            sentences = [_sentence(rng, lang, rng.randint(5, 12)) for _ in range(rng.randint(0, 1))]
            sentences.append(_sentence(rng, lang, rng.randint(4, 12), question=True))
            paragraphs = [sentences]
        else:
            paragraphs = [
                [_sentence(rng, lang, rng.randint(5, 22)) for _ in range(rng.randint(2, 7))]
                for _ in range(rng.choice((1, 1, 1, 2, 2, 3)))
            ]
        words += 1 + sum(len(sentence) for para in paragraphs for sentence in para)
        interview.turns.append(Turn(speaker, [[" ".join(s) for s in para] for para in paragraphs]))
        speaker = 1 - speaker
    if language == "sr-Cyrl":
        interview = interview.map_text(to_cyrillic)
    return interview


# --------------------------------------------------------------------------------------------
# Renderers: each returns the file's bytes and the words a reader of the file would see.
# --------------------------------------------------------------------------------------------


def render_text(interview: Interview, encoding: str, newline: str) -> tuple[bytes, int]:
    """Plain text: header, blank line, ``Label: words`` paragraphs; continuation paragraphs unlabelled."""
    blocks = ["\n".join(interview.header)]
    for turn in interview.turns:
        label = interview.labels[turn.speaker]
        for i, para in enumerate(turn.paragraphs):
            body = " ".join(para)
            blocks.append(f"{label}: {body}" if i == 0 else body)
    text = "\n\n".join(blocks) + "\n"
    return text.replace("\n", newline).encode(encoding), len(text.split())


_DOCX_DATE = datetime(2024, 1, 15, 9, 30, tzinfo=UTC)
_ZIP_DATE = (2024, 1, 15, 9, 30, 0)


@functools.cache
def _docx_template() -> bytes:
    """The bytes of python-docx's default document, made once and then opened from memory."""
    import docx

    buffer = io.BytesIO()
    docx.Document().save(buffer)
    return buffer.getvalue()


def render_docx(interview: Interview, title: str) -> tuple[bytes, int]:
    """A Word document: heading, header line, one paragraph per turn paragraph with a bold label run."""
    import docx

    document = docx.Document(io.BytesIO(_docx_template()))
    props = document.core_properties
    props.title = title
    props.author = "qualcode bench"
    props.last_modified_by = "qualcode bench"
    props.revision = 1
    props.created = _DOCX_DATE
    props.modified = _DOCX_DATE
    document.add_heading(interview.header[0], level=1)
    for line in interview.header[1:]:
        document.add_paragraph(line)
    words = sum(len(line.split()) for line in interview.header)
    for turn in interview.turns:
        label = interview.labels[turn.speaker]
        words += 1
        for i, para in enumerate(turn.paragraphs):
            body = " ".join(para)
            words += len(body.split())
            if i == 0:
                paragraph = document.add_paragraph()
                paragraph.add_run(f"{label}:").bold = True
                paragraph.add_run(f" {body}")
            else:
                document.add_paragraph(body)
    buffer = io.BytesIO()
    document.save(buffer)
    return _stable_zip(buffer.getvalue()), words


def _stable_zip(data: bytes) -> bytes:
    """Rewrite a zip with fixed member timestamps and attributes, so equal input gives equal bytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for member in source.infolist():
            info = zipfile.ZipInfo(member.filename, date_time=_ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            target.writestr(info, source.read(member.filename))
    return out.getvalue()


def _clock(ms: int) -> str:
    hours, rest = divmod(ms, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    seconds, millis = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{seconds:02d}.{millis:03d}"


def render_vtt(rng: random.Random, interview: Interview) -> tuple[bytes, int]:
    """WebVTT: a NOTE with the header, then numbered cues of 5-14 words with ``<v Name>`` voices.

    Cue times increase: speech at 2-3.2 words/s, short gaps inside a turn, longer between turns.
    Words are those the importer's text has: ``Name:`` once per turn plus the cue texts.
    """
    lines = ["WEBVTT", "", "NOTE", " | ".join(interview.header), ""]
    clock = rng.randint(2_000, 9_000)
    number = 0
    words = 0
    for turn in interview.turns:
        voice = interview.voices[turn.speaker]
        words += len(voice.split())
        tokens = " ".join(s for para in turn.paragraphs for s in para).split()
        pos = 0
        while pos < len(tokens):
            chunk = tokens[pos : pos + rng.randint(5, 14)]
            pos += len(chunk)
            words += len(chunk)
            duration = int(len(chunk) / rng.uniform(2.0, 3.2) * 1000)
            number += 1
            lines += [
                str(number),
                f"{_clock(clock)} --> {_clock(clock + duration)}",
                f"<v {voice}>{' '.join(chunk)}</v>",
                "",
            ]
            clock += duration + rng.randint(40, 700)
        clock += rng.randint(300, 2_500)
    return "\n".join(lines).encode("utf-8"), words


# --------------------------------------------------------------------------------------------
# The corpus.
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FileKind:
    """One kind of file in the corpus and its share of the documents (per mille)."""

    name: str
    fmt: str  # txt | docx | vtt
    share: int
    language: str | None  # None: drawn per file from LANGUAGES
    encoding: str = "utf-8"
    newline: str = "\n"


KINDS = (
    FileKind("sr-latn-utf8", "txt", 175, "sr-Latn"),
    FileKind("sr-latn-cp1250", "txt", 175, "sr-Latn", "cp1250", "\r\n"),
    FileKind("sr-cyrl-cp1251", "txt", 200, "sr-Cyrl", "cp1251", "\r\n"),
    FileKind("bs-utf8", "txt", 100, "bs"),
    FileKind("en-utf8", "txt", 150, "en"),
    FileKind("docx", "docx", 100, None),
    FileKind("vtt", "vtt", 100, None),
)
_CODES = {"sr-Latn": "SR", "sr-Cyrl": "SRC", "bs": "BS", "en": "EN"}


@dataclass(frozen=True)
class GeneratedFile:
    """One written file and what the importer should find in it."""

    path: Path
    kind: str
    fmt: str
    language: str
    encoding: str
    words: int
    size: int


@dataclass
class CorpusSummary:
    """All files written, with totals."""

    outdir: Path
    files: list[GeneratedFile]
    seconds: float

    @property
    def words(self) -> int:
        """Total words (whitespace tokens of the transcript texts)."""
        return sum(f.words for f in self.files)

    @property
    def size(self) -> int:
        """Total bytes written."""
        return sum(f.size for f in self.files)

    def line(self) -> str:
        """The one-line summary printed by the command."""
        fmts = {fmt: sum(1 for f in self.files if f.fmt == fmt) for fmt in ("txt", "docx", "vtt")}
        detail = ", ".join(f"{n} {fmt}" for fmt, n in fmts.items())
        return (
            f"{len(self.files)} files ({detail}), {self.words:,} words, {self.size:,} bytes "
            f"in {self.outdir} ({self.seconds:.1f} s)"
        )


def allocate(docs: int) -> list[FileKind]:
    """``docs`` kinds in the shares of :data:`KINDS` (largest remainder), in a fixed order."""
    exact = [kind.share * docs / 1000 for kind in KINDS]
    counts = [int(x) for x in exact]
    by_remainder = sorted(range(len(KINDS)), key=lambda i: (-(exact[i] - counts[i]), i))
    for i in by_remainder[: docs - sum(counts)]:
        counts[i] += 1
    return [kind for kind, n in zip(KINDS, counts, strict=True) for _ in range(n)]


def generate_corpus(outdir: Path, docs: int = 500, words: int = 8000, seed: int = 7) -> CorpusSummary:
    """Write the corpus into ``outdir`` (created if missing) and describe it.

    Each file has its own generator seeded from the master ``Random(seed)``, so a file's content
    depends only on the arguments and its position.
    """
    if docs < 1 or words < 50:
        raise ValueError("need at least 1 document of at least 50 words")
    started = time.perf_counter()
    master = random.Random(seed)
    kinds = allocate(docs)
    master.shuffle(kinds)
    languages = sorted(LANGUAGES)
    for fmt in ("txt", "docx", "vtt"):
        (outdir / fmt).mkdir(parents=True, exist_ok=True)
    written: list[GeneratedFile] = []
    for index, kind in enumerate(kinds, start=1):
        rng = random.Random(master.getrandbits(64))
        language = kind.language or rng.choice(languages)
        code = f"{_CODES[language]}-{index:04d}"
        target = max(50, round(words * rng.uniform(0.85, 1.15)))
        interview = make_interview(rng, language, code, target)
        stem = f"{index:04d}_{kind.name}" if kind.language else f"{index:04d}_{kind.name}-{language.lower()}"
        if kind.fmt == "txt":
            data, count = render_text(interview, kind.encoding, kind.newline)
        elif kind.fmt == "docx":
            data, count = render_docx(interview, code)
        else:
            data, count = render_vtt(rng, interview)
        path = outdir / kind.fmt / f"{stem}.{kind.fmt}"
        path.write_bytes(data)
        written.append(GeneratedFile(path, kind.name, kind.fmt, language, kind.encoding, count, len(data)))
    return CorpusSummary(outdir, written, time.perf_counter() - started)


def txt_only(summary: CorpusSummary) -> CorpusSummary:
    """The ``.txt`` part of a corpus (for the plain-text throughput figure)."""
    return replace(summary, files=[f for f in summary.files if f.fmt == "txt"])


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("outdir", type=Path, help="folder to write into (created if missing)")
    parser.add_argument("--docs", type=int, default=500, help="number of transcripts (default 500)")
    parser.add_argument("--words", type=int, default=8000, help="about this many words a file (default 8000)")
    parser.add_argument("--seed", type=int, default=7, help="random seed (default 7)")
    args = parser.parse_args(argv)
    try:
        summary = generate_corpus(args.outdir, args.docs, args.words, args.seed)
    except (ValueError, OSError) as exc:
        print(f"Error: {exc}", file=sys.stderr)
        return 1
    print(summary.line())
    return 0


if __name__ == "__main__":
    sys.exit(main())
