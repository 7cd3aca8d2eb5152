"""Every fixed label of the report, in English, Serbian Latin and Serbian Cyrillic.

Serbian is written once, in Latin; the Cyrillic is made by the project's own transliteration
(:func:`qualcode.text.script.to_cyrillic`), so the two scripts can never drift apart. What
must not be transliterated — ``{placeholders}`` and the statistic name ``AC1`` — is kept as
is. Foreign names are written the Serbian way (Kripendorf, Koen) so they transliterate well.
Labels avoid "number + noun" phrases ("Interviews: 8"), because Serbian nouns change form
with the number and a fixed label cannot.
"""

from __future__ import annotations

import re
from datetime import date

from qualcode.errors import QualcodeError

LANGUAGES = ("en", "sr-Latn", "sr-Cyrl")

#: key -> (English, Serbian Latin)
_TEXT: dict[str, tuple[str, str]] = {
    "report": ("Thematic report", "Tematski izveštaj"),
    "corpus": (
        "Interviews: {interviews} · participants: {participants} · words: {words} · "
        "coded passages: {passages}",
        "Intervjui: {interviews} · učesnici: {participants} · reči: {words} · kodirani odlomci: {passages}",
    ),
    "contents": ("Contents", "Sadržaj"),
    "methods": ("Methods", "Metod"),
    "interviews_participants": ("Interviews and participants", "Intervjui i učesnici"),
    "corpus_sentence": (
        "Interviews: {interviews}; participants: {participants}; words: {words}; coded passages: {passages}.",
        "Broj intervjua: {interviews}; broj učesnika: {participants}; broj reči: {words}; "
        "broj kodiranih odlomaka: {passages}.",
    ),
    "selection": (
        "The report covers only the interviews whose participant matches: {conditions}.",
        "Izveštaj obuhvata samo intervjue čiji učesnik ispunjava uslov: {conditions}.",
    ),
    "by_attribute_caption": (
        "Interviews and participants by {attribute}",
        "Intervjui i učesnici po grupama: {attribute}",
    ),
    "value": ("Group", "Grupa"),
    "interviews": ("Interviews", "Intervjui"),
    "participants": ("Participants", "Učesnici"),
    "passages": ("Coded passages", "Kodirani odlomci"),
    "total": ("All", "Ukupno"),
    "attribute": ("Attribute", "Obeležje"),
    "no_value": ("(not recorded)", "(nije navedeno)"),
    "coders": ("Coders", "Koderi"),
    "coder": ("Coder", "Koder"),
    "codings": ("Codings", "Kodiranja"),
    "coders_caption": ("Codings per coder", "Kodiranja po koderu"),
    "codebook": ("Codebook", "Kodna knjiga"),
    "codebook_sentence": (
        "Codebook: {title}; version: {version}. Themes: {themes}; codes: {codes}.",
        "Kodna knjiga: {title}; verzija: {version}. Broj tema: {themes}; broj kodova: {codes}.",
    ),
    "untitled": ("untitled", "bez naslova"),
    "unversioned": ("not given", "nije navedena"),
    "agreement": ("Agreement between coders", "Slaganje kodera"),
    "agreement_sentence": (
        "Agreement was measured between the coders {coders} on the interviews all of them coded "
        "({documents}). Unit of analysis: {unit}. Statistics: {statistics}.",
        "Slaganje je mereno između kodera {coders} na intervjuima koje su svi kodirali "
        "({documents}). Jedinica analize: {unit}. Statistike: {statistics}.",
    ),
    "agreement_pooled": ("All codes pooled: {values}.", "Svi kodovi zajedno: {values}."),
    "agreement_none": (
        "Agreement between coders could not be measured: {reason}.",
        "Slaganje kodera nije moglo da se izmeri: {reason}.",
    ),
    "one_coder": (
        "the interviews were coded by one coder only",
        "intervjue je kodirao samo jedan koder",
    ),
    "agreement_appendix": (
        "Agreement per code is in Appendix B.",
        "Slaganje po kodovima je u Prilogu 2.",
    ),
    "unit_characters": (
        "characters (every character of the shared interviews, coded or not by each coder)",
        "znakovi (svaki znak zajedničkih intervjua, koji je svaki koder kodirao ili nije)",
    ),
    "unit_units": (
        "{kind} (a code applies to a unit when a coding overlaps it)",
        "{kind} (kod važi za jedinicu kada se kodiranje preklapa s njom)",
    ),
    "unit_documents": (
        "interviews (whether the code was used in the interview at all)",
        "intervjui (da li je kod uopšte upotrebljen u intervjuu)",
    ),
    "unit_segments": (
        "coded segments matched when they overlap by at least {overlap}",
        "kodirani segmenti, upareni kada se preklapaju bar {overlap}",
    ),
    "unit_unitizing": ("the boundaries of the coded spans", "granice kodiranih raspona"),
    "kind_turn": ("speaker turns", "replike govornika"),
    "kind_paragraph": ("paragraphs", "pasusi"),
    "kind_sentence": ("sentences", "rečenice"),
    "kind_cue": ("subtitle cues", "titlovi"),
    "percent_agreement": ("percent agreement", "procenat slaganja"),
    "cohen_kappa": ("Cohen's κ", "Koenova κ"),
    "fleiss_kappa": ("Fleiss' κ", "Flajsova κ"),
    "krippendorff_alpha_nominal": ("Krippendorff's α", "Kripendorfova α"),
    "gwet_ac1": ("Gwet's AC1", "Gvetov AC1"),
    "krippendorff_unitizing_alpha": ("Krippendorff's unitizing α", "Kripendorfova α za segmentaciju"),
    "short_percent_agreement": ("% agr.", "% slag."),
    "short_cohen_kappa": ("κ (Cohen)", "κ (Koen)"),
    "short_fleiss_kappa": ("κ (Fleiss)", "κ (Flajs)"),
    "short_krippendorff_alpha_nominal": ("α", "α"),
    "short_gwet_ac1": ("AC1", "AC1"),
    "short_krippendorff_unitizing_alpha": ("α (unitizing)", "α (segmentacija)"),
    "readings_note": (
        "Readings: α as Krippendorff reads it (α ≥ {reliable} reliable, α ≥ {tentative} tentative "
        "conclusions only); κ in the bands of Landis & Koch.",
        "Tumačenje: α po Kripendorfu (α ≥ {reliable} pouzdano, α ≥ {tentative} samo okvirni "
        "zaključci); κ po rasponima Landisa i Koha.",
    ),
    "alpha_reliable": ("reliable", "pouzdano"),
    "alpha_tentative": ("tentative conclusions only", "samo za okvirne zaključke"),
    "alpha_unreliable": ("not reliable", "nije pouzdano"),
    "alpha_benchmark": (
        "Krippendorff: α ≥ {reliable} reliable, α ≥ {tentative} tentative",
        "Kripendorf: α ≥ {reliable} pouzdano, α ≥ {tentative} okvirno",
    ),
    "kappa_band": ("{band} agreement (Landis & Koch)", "{band} slaganje (Landis i Koh)"),
    "band_poor": ("poor", "loše"),
    "band_slight": ("slight", "neznatno"),
    "band_fair": ("fair", "osrednje"),
    "band_moderate": ("moderate", "umereno"),
    "band_substantial": ("substantial", "značajno"),
    "band_almost perfect": ("almost perfect", "skoro savršeno"),
    "not_defined": ("not defined", "nije definisano"),
    "prevalence_method": ("How prevalence is counted", "Kako se računa zastupljenost"),
    "prevalence_rule": (
        "A coded passage is a stretch of text coded with the code or one of its sub-codes by at "
        "least one coder; overlapping codings of several coders count once. A theme or code counts "
        "in an interview, and for a participant, when at least one passage of theirs is coded with it.",
        "Kodirani odlomak je deo teksta koji je bar jedan koder kodirao datim kodom ili nekim od "
        "njegovih potkodova; kodiranja više kodera koja se preklapaju broje se jednom. Tema ili kod "
        "se računa u intervjuu, i za učesnika, kada je bar jedan njegov odlomak kodiran njime.",
    ),
    "quote_method": ("How quotes are chosen", "Kako su birani citati"),
    "quote_rule": (
        "Up to {quotes} quotes per code, each the exact coded text. Passages marked important come "
        "first; then passages of participants not quoted yet for the code, then of groups ({groups}) "
        "not quoted yet; passages of {shortest} to {longest} characters come before shorter or longer "
        "ones, and among equals the one closest to {ideal} characters; a passage that overlaps a "
        "chosen one is left out. Quotes are attributed only by: {attribution}.",
        "Najviše {quotes} citata po kodu, svaki je tačan kodirani tekst. Prvo dolaze odlomci označeni "
        "kao važni; zatim odlomci učesnika koji još nisu citirani za taj kod, pa odlomci grupa "
        "({groups}) koje još nisu citirane; odlomci dužine od {shortest} do {longest} znakova imaju "
        "prednost pred kraćim i dužim, a među jednakima onaj najbliži dužini od {ideal} znakova; "
        "odlomak koji se preklapa s već izabranim se izostavlja. Uz citate se navode samo: "
        "{attribution}.",
    ),
    "cooccurrence_method": (
        "Co-occurrence: for each code, the share of its passages that overlap a passage of another "
        "code or theme.",
        "Zajedničko javljanje: za svaki kod, udeo njegovih odlomaka koji se preklapaju s odlomkom "
        "drugog koda ili teme.",
    ),
    "definition": ("Definition.", "Definicija."),
    "inclusion": ("Include:", "Uključuje:"),
    "exclusion": ("Exclude:", "Isključuje:"),
    "example": ("Example:", "Primer:"),
    "prevalence": ("Prevalence.", "Zastupljenost."),
    "prevalence_line": (
        "Coded passages: {passages} · interviews: {interviews} of {all_interviews} · participants: "
        "{participants} of {all_participants}.",
        "Kodirani odlomci: {passages} · intervjui: {interviews} od {all_interviews} · učesnici: "
        "{participants} od {all_participants}.",
    ),
    "prevalence_caption": (
        "{code}: coded passages, interviews and participants, overall and by group",
        "{code}: kodirani odlomci, intervjui i učesnici, ukupno i po grupama",
    ),
    "chart_caption": (
        "{code}: interviews in which it was coded (dark), out of all interviews of each group (light)",
        "{code}: intervjui u kojima je kodiran (tamno), od svih intervjua grupe (svetlo)",
    ),
    "theme_chart_caption": (
        "{theme}: interviews in which each code was coded (dark), out of all interviews (light)",
        "{theme}: intervjui u kojima je kodiran svaki kod (tamno), od svih intervjua (svetlo)",
    ),
    "figure": ("Figure", "Slika"),
    "table": ("Table", "Tabela"),
    "quotes": ("Quotes.", "Citati."),
    "interview": ("interview", "intervju"),
    "at_turn": ("turn {number}", "replika {number}"),
    "no_participant": ("participant not recorded", "učesnik nije naveden"),
    "memos": ("Memos.", "Beleške."),
    "cooccurs": (
        "Co-occurs most with (overlapping passages / all passages):",
        "Najčešće se javlja zajedno sa (odlomci koji se preklapaju / svi odlomci):",
    ),
    "theme_not_coded": (
        "No passage of these interviews was coded with this theme.",
        "Nijedan odlomak ovih intervjua nije kodiran ovom temom.",
    ),
    "codes_not_coded": (
        "Codes without coded passages in these interviews:",
        "Kodovi bez kodiranih odlomaka u ovim intervjuima:",
    ),
    # Serbian numbers its appendices: letters would follow a different order in each script.
    "appendix_codebook": ("Appendix A. Codebook", "Prilog 1. Kodna knjiga"),
    "appendix_agreement": ("Appendix B. Agreement per code", "Prilog 2. Slaganje kodera po kodovima"),
    "appendix_groups": ("Appendix C. Codes by participant group", "Prilog 3. Kodovi po grupama učesnika"),
    "code": ("Code", "Kod"),
    "description": ("Description", "Opis"),
    "reading": ("Reading", "Tumačenje"),
    "pooled": ("All codes pooled", "Svi kodovi zajedno"),
    "agreement_caption": ("Agreement per code, on {unit}", "Slaganje po kodovima, na jedinici: {unit}"),
    "groups_caption": (
        "Participants per code, by {attribute}",
        "Broj učesnika po kodu, po grupama: {attribute}",
    ),
    "groups_note": (
        "Each cell is the number of participants of the group with at least one passage coded with the "
        "code or one of its sub-codes.",
        "Svaka ćelija je broj učesnika grupe koji imaju bar jedan odlomak kodiran datim kodom ili "
        "nekim od njegovih potkodova.",
    ),
}

_MONTHS = {
    "en": "January February March April May June July August September October November December",
    "sr-Latn": "januar februar mart april maj jun jul avgust septembar oktobar novembar decembar",
}
# Kept as written in Cyrillic: placeholders, and the name of a statistic.
_KEEP = re.compile(r"(\{[^}]*\}|AC1)")


def _cyrillic(text: str) -> str:
    from qualcode.text.script import to_cyrillic

    return "".join(part if _KEEP.fullmatch(part) else to_cyrillic(part) for part in _KEEP.split(text))


class Labels:
    """The fixed labels of one language: ``labels("corpus", interviews=8, …)``."""

    def __init__(self, language: str) -> None:
        if language not in LANGUAGES:
            raise QualcodeError(f"--language {language!r}: use one of {', '.join(LANGUAGES)}")
        self.language = language
        column = 0 if language == "en" else 1
        self._text = {key: pair[column] for key, pair in _TEXT.items()}
        months = _MONTHS["en" if language == "en" else "sr-Latn"].split()
        if language == "sr-Cyrl":
            self._text = {key: _cyrillic(value) for key, value in self._text.items()}
            months = [_cyrillic(m) for m in months]
        self._months = months

    def __call__(self, key: str, **values: object) -> str:
        """The label ``key`` with its placeholders filled in."""
        return self._text[key].format(**values) if values else self._text[key]

    def number(self, value: float, decimals: int = 0) -> str:
        """A number as the language writes it: 53,120.5 in English, 53.120,5 in Serbian."""
        text = f"{value:,.{decimals}f}"
        if self.language == "en":
            return text
        return text.replace(",", "\0").replace(".", ",").replace("\0", ".")

    def date(self, day: date) -> str:
        """28 November 2026; 28. novembar 2026.; 28. новембар 2026."""
        month = self._months[day.month - 1]
        if self.language == "en":
            return f"{day.day} {month} {day.year}"
        return f"{day.day}. {month} {day.year}."

    def text(self) -> dict[str, str]:
        """Every label without placeholders filled (for tests and checks)."""
        return dict(self._text)
