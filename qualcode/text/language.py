"""Offline guess of a transcript's language and script: Serbian, Croatian, Bosnian or English.

Off-the-shelf detectors either need models we cannot download or cannot tell Serbian,
Croatian and Bosnian apart (they are one language, BCMS, with different standards). The
differences that *are* reliable in running text are few and well known, so this is a
transparent heuristic that reports which evidence decided:

1. **Script.** Cyrillic-dominant text is Serbian Cyrillic (``sr-Cyrl``): Croatian is never
   and Bosnian rarely written in Cyrillic. Non-Serbian Cyrillic (Russian ы э я…) → ``und``.
2. **English or BCMS** by the share of tokens that are frequent function words of each.
3. **Yat reflex.** Serbian in Serbia is ekavian (``dete``, ``vreme``, ``mesto``); Croatian and
   Bosnian are ijekavian (``dijete``, ``vrijeme``, ``mjesto``). More ekavian forms → ``sr-Latn``.
4. **Croatian vs Bosnian** in ijekavian text by lexical markers: Croatian ``tko``, ``tisuća``,
   ``tjedan``, ``obitelj``, month names ``siječanj``…; Bosnian (shared with Serbian, as against
   Croatian) ``ko``, ``hiljada``, ``sedmica``, ``historija``, ``porodica``…. Ijekavian text with
   no Croatian markers is ``bs``: Serbian ijekavian (Republika Srpska, Montenegro) cannot be
   told from Bosnian by these markers and is reported as ``bs`` too; the importer lets the
   user override the language.

Tokens are compared in folded form (:func:`qualcode.text.fold.fold`), so texts typed without
diacritics (``rijec``, ``sto``) and Cyrillic passages count the same. Only the first
:data:`SAMPLE_CHARS` characters are read: that is plenty of evidence and keeps import fast.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from qualcode.text.fold import fold
from qualcode.text.script import count_scripts

__all__ = ["MIN_WORDS", "SAMPLE_CHARS", "LanguageGuess", "detect_language"]

#: Characters read from the start of the text.
SAMPLE_CHARS = 60_000
#: Fewer words than this: the language is ``"und"`` (the script is still reported).
MIN_WORDS = 20
# A language must own at least this share of tokens as function words to be recognised
# (English conversation ~40 %, BCMS ~30 %; Spanish or Hungarian text scores far lower on both).
_MIN_STOPWORD_SHARE = 0.08


@dataclass(frozen=True)
class LanguageGuess:
    """The detector's answer.

    ``code`` is a BCP 47 tag: ``"sr-Latn"``, ``"sr-Cyrl"``, ``"hr"``, ``"bs"``, ``"en"`` or
    ``"und"`` (undetermined). ``script`` is ``"Latn"``, ``"Cyrl"`` or ``""`` (no letters);
    ``mixed_script`` says both scripts are substantial (see
    :func:`qualcode.text.script.is_mixed_script`); ``confidence`` is in [0, 1]; ``reason`` says,
    for people, which evidence decided.
    """

    code: str
    script: str
    mixed_script: bool
    confidence: float
    reason: str


def _folded(words: str) -> frozenset[str]:
    return frozenset(fold(w) for w in words.split())


# "a", "i", "to", "on", "no", "me", "do", "so" are words in both languages: left out of both.
_EN_STOPWORDS = _folded(
    "the and of is that it in for you was with as are this be have not but they we at or what "
    "there if my just like know think about would can all from an he she were been has had which "
    "our their them will because yeah um uh really very going your don't it's i'm that's get got "
    "when who how some more than then also into could should did does out up these those"
)
_BCMS_STOPWORDS = _folded(
    "je da u se na su za ne što šta sto sta od sa iz po pa li mi vi ja ti oni ona ono smo ste sam "
    "bi bio bila bilo će ću ćemo koji koja koje kao ali ili ako jer kad kada još već ovo ova ovaj "
    "taj ta nije nisu biti kako gde gdje sve samo tako sada onda nas vas ima nema jedan jedna "
    "mislim znači dakle zato među prema kod bez preko kroz"
)

# Yat reflexes: forms (exact) and stems (prefixes), ekavian vs ijekavian. Only forms that do
# not exist in the other variant (so "vremena", genitive in both, is not listed).
_EKAVIAN_FORMS = _folded(
    "dete deteta detetu detetom deca dece deci decom vreme reč rečju mesto mesta mestu mestima "
    "lepo lep lepa lepe lepi lepu primer primera primeru primere cena cene ceni cenu reka reke "
    "mleko uvek gde negde nigde ovde onde svugde posle pre hteo htela hteli želeo želela želeli "
    "voleo volela voleli razumeo umeo smeo mesec meseca mesecu meseci vek veka veku čovek čoveka "
    "čoveku telo tela telu sneg snega verovatno deo dve napred leto leta letu ceo cela celo cele "
    "celu celi mera mere meru smer sećam sećanje sedeo sedela"
)
_EKAVIAN_STEMS = tuple(
    _folded(
        "sednic zasedanj predsedn predsedavajuć podseć obavešt primen izmen zahtev bezbedn "
        "sledeć nedelj devojk svetsk lekar ponedelj pesm uspeh uspeš rešenj rešav rešit "
        "primedb vrednost vredn zamen posledic odeljen verova delovanj delatn uvere"
    )
)
_IJEKAVIAN_FORMS = _folded(
    "dijete djeteta djetetu djetetom djeca djece djeci djecom vrijeme riječ riječi mjesto mjesta "
    "mjestu mjestima lijepo lijep lijepa lijepe lijepi lijepu primjer primjera primjeru primjere "
    "cijena cijene cijeni cijenu rijeka rijeke mlijeko uvijek gdje negdje nigdje ovdje ondje "
    "svugdje poslije prije htio htjela htjeli želio željela željeli volio voljela voljeli "
    "razumio umio smio vidio čovjek čovjeka čovjeku tijelo tijela tijelu snijeg snijega dio "
    "dvije naprijed ljeto ljeta ljetu cio cijeli cijela cijelo cijele cijelu mjera mjere mjeru "
    "smjer sjećam sjećanje sjedio sjedila vijek vijeka vijeku"
)
_IJEKAVIAN_STEMS = tuple(
    _folded(
        "sjednic zasjedanj predsjedn predsjedavajuć podsjeć obavješt primjen izmjen zahtjev "
        "bezbjedn sljedeć nedjelj djevojk svjetsk ljekar ponedjelj pjesm uspjeh uspješ rješenj "
        "rješav riješit primjedb vrijedn zamjen posljedic odjeljen vjerova vjerojat djelovanj "
        "djelatn uvjer mjesec djec dijel svijet"
    )
)
# Croatian-only vocabulary (the Serbian/Bosnian word differs).
_CROATIAN_FORMS = _folded(
    "tko nitko netko itko kava kave kavu tijekom glede točno jučer kruh vlak zrak siječanj "
    "siječnja veljača veljače ožujak ožujka travanj travnja svibanj svibnja lipanj lipnja srpanj "
    "srpnja kolovoz kolovoza rujan rujna listopad listopada studenoga prosinac prosinca "
    "primjerice unatoč sudac suci suca uopće"
)
_CROATIAN_STEMS = tuple(
    _folded(
        "tisuć sveučiliš obitelj tjed sustav izvješć glazb zrakoplov povijes povjes znanost "
        "mirovin točk kazališ nogomet kolodvor liječnik nazočn udrug ravnatelj milijun kemij "
        "europ odvjetni sudjelov priopćen gospodarst uvjet djelatnik izvanred"
    )
)
# Bosnian (and Serbian) vocabulary where Croatian differs; evidence for bs in ijekavian text.
_BOSNIAN_FORMS = _folded(
    "ko niko neko iko kafa kafe kafu lahko hljeb voz vozom juče tačno hiljadu takođe "
    "januar januara februar februara juni juli august augusta"
)
_BOSNIAN_STEMS = tuple(
    _folded(
        "hiljad sedmic historij porodic hemij milion nauk fudbal pozoriš evrop vazduh sudij "
        "uslov tačk saobraćaj opšt opštin istorij"
    )
)
# Cyrillic letters Russian/Ukrainian/Bulgarian use and Serbian does not.
_NON_SERBIAN_CYRILLIC = re.compile("[ыэъёйщюяьєіїґЫЭЪЁЙЩЮЯЬЄІЇҐ]")
_SERBIAN_ONLY_CYRILLIC = re.compile("[ђјљњћџЂЈЉЊЋЏ]")
_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?")
_JE_LI = re.compile(r"\bje li\b")
_DA_LI = re.compile(r"\bda li\b")


def detect_language(text: str) -> LanguageGuess:
    """Guess the language and script of a transcript (reads at most the first 60,000 characters).

    Returns ``"und"`` with low confidence for text with fewer than 20 words or without enough
    English or BCMS function words; the script is reported whenever there are letters.
    """
    sample = text[:SAMPLE_CHARS]
    counts = count_scripts(sample)
    script, mixed = counts.dominant, counts.mixed
    if not script:
        return LanguageGuess("und", "", False, 0.0, "no letters")
    words = Counter(_WORD.findall(sample.casefold()))
    n_words = sum(words.values())
    if n_words < MIN_WORDS:
        return LanguageGuess("und", script, mixed, 0.1, f"too little text ({n_words} words)")
    if script == "Cyrl":
        return _cyrillic_guess(sample, counts.cyrillic, mixed)
    # Fold each distinct word once (far fewer than tokens) and keep one spelling for the reason.
    freq: Counter[str] = Counter()
    spelling: dict[str, str] = {}
    for word, n in words.items():
        key = fold(word)
        freq[key] += n
        spelling.setdefault(key, word)
    en = sum(freq[w] for w in _EN_STOPWORDS)
    bcms = sum(freq[w] for w in _BCMS_STOPWORDS)
    shares = f"function words: English {en / n_words:.0%}, BCMS {bcms / n_words:.0%}"
    if max(en, bcms) < _MIN_STOPWORD_SHARE * n_words:
        return LanguageGuess("und", script, mixed, 0.2, f"neither English nor BCMS ({shares})")
    if en > bcms:
        return LanguageGuess("en", script, mixed, _confidence(en, bcms, 50), shares)
    base = _confidence(bcms, en, 50)
    if mixed:
        # Both scripts in one BCMS text: only Serbian is written like that.
        return LanguageGuess(
            "sr-Latn", script, True, base, f"Serbian in both scripts, Latin majority ({shares})"
        )
    return _variant_guess(freq, spelling, fold(sample), base)


def _cyrillic_guess(sample: str, cyrillic_letters: int, mixed: bool) -> LanguageGuess:
    foreign = len(_NON_SERBIAN_CYRILLIC.findall(sample))
    serbian = len(_SERBIAN_ONLY_CYRILLIC.findall(sample))
    # ы э я й … are ~10 % of Russian letters; a few may be quoted names in a Serbian text.
    if foreign > serbian and foreign > 0.01 * cyrillic_letters:
        return LanguageGuess(
            "und", "Cyrl", mixed, 0.3, f"Cyrillic but not Serbian ({foreign} letters such as ы, э, я)"
        )
    # Serbian-only letters (ј in "је" above all) turn "some Cyrillic" into "Serbian Cyrillic".
    confidence = round(0.6 + 0.39 * min(1.0, serbian / 20), 2)
    note = ", mixed with Latin" if mixed else ""
    return LanguageGuess(
        "sr-Cyrl",
        "Cyrl",
        mixed,
        confidence,
        f"Cyrillic script ({serbian} Serbian-only letters ђ ј љ њ ћ џ){note}",
    )


def _matches(freq: Counter[str], forms: frozenset[str], stems: tuple[str, ...]) -> Counter[str]:
    return Counter({w: n for w, n in freq.items() if w in forms or w.startswith(stems)})


def _variant_guess(freq: Counter[str], spelling: dict[str, str], folded: str, base: float) -> LanguageGuess:
    ekav = _matches(freq, _EKAVIAN_FORMS, _EKAVIAN_STEMS)
    ijek = _matches(freq, _IJEKAVIAN_FORMS, _IJEKAVIAN_STEMS)
    hr = _matches(freq, _CROATIAN_FORMS, _CROATIAN_STEMS)
    bs = _matches(freq, _BOSNIAN_FORMS, _BOSNIAN_STEMS)
    # Questions: "je li" is Croatian, "da li" Serbian and Bosnian. Cheap and telling.
    hr["je li"] = len(_JE_LI.findall(folded))
    bs["da li"] = len(_DA_LI.findall(folded))
    n_ek, n_ij, n_hr, n_bs = (sum(c.values()) for c in (ekav, ijek, hr, bs))

    def top(hits: Counter[str]) -> str:
        shown = [f"{spelling.get(w, w)} ×{n}" for w, n in hits.most_common(3) if n]
        return f"({', '.join(shown)})" if shown else "(none)"

    if n_ek > n_ij:
        return LanguageGuess(
            "sr-Latn",
            "Latn",
            False,
            min(base, _confidence(n_ek, n_ij, 10)),
            f"ekavian forms {top(ekav)} outnumber ijekavian {top(ijek)}",
        )
    if n_ij > n_ek:
        variant = min(base, _confidence(n_ij, n_ek, 10))
        ijekavian = f"ijekavian forms {top(ijek)} outnumber ekavian {top(ekav)}"
        if n_hr > n_bs:
            return LanguageGuess(
                "hr",
                "Latn",
                False,
                min(variant, _confidence(n_hr, n_bs, 5)),
                f"{ijekavian}; Croatian words {top(hr)} outnumber Bosnian/Serbian {top(bs)}",
            )
        return LanguageGuess(
            "bs",
            "Latn",
            False,
            min(variant, _confidence(n_bs, n_hr, 5) if n_bs else 0.5),
            f"{ijekavian}; Bosnian/Serbian words {top(bs)}, Croatian {top(hr)}",
        )
    # No yat evidence either way: vocabulary alone, with low confidence.
    if n_hr > n_bs:
        return LanguageGuess(
            "hr", "Latn", False, min(base, 0.4), f"no ekavian/ijekavian forms; Croatian words {top(hr)}"
        )
    return LanguageGuess(
        "sr-Latn",
        "Latn",
        False,
        min(base, 0.3),
        f"no ekavian/ijekavian forms; BCMS, guessed Serbian (Croatian words {top(hr)})",
    )


def _confidence(winner: int, loser: int, enough: int) -> float:
    """Share of the evidence that points to the winner, discounted when there is little of it.

    Capped at 0.99: a heuristic is never certain.
    """
    if winner <= 0:
        return 0.0
    share = winner / (winner + loser)
    amount = min(1.0, winner / enough)
    return round(min(0.99, share * (0.5 + 0.5 * amount)), 2)
