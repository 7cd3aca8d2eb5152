"""Stop words for topic modelling: Serbian/Croatian/Bosnian (one list) and English.

Written for interview transcripts, not for news text: besides function words, pronouns and
auxiliaries they hold the discourse fillers people say while thinking (``ovaj``, ``znate``,
``dakle``, ``eto``; ``um``, ``you know``, ``like``) and the marks transcribers insert
(``nerazumljivo``, ``smeh``; ``inaudible``, ``laughs``). Left in, these are the most frequent
"terms" of every interview and end up at the top of every candidate theme.

The Serbo-Croatian list is written in Latin script, with diacritics, and covers ekavian and
ijekavian forms (``gde``/``gdje``, ``posle``/``poslije``); Cyrillic text is transliterated to
Latin before matching. Where simplemma's lemma of a filler differs from the word itself
(``znate`` → ``znati``, ``mislim`` → ``misliti``, ``was`` → ``be``), the lemma is listed too,
because theme terms are lemmas. Multi-word fillers are covered word by word: ``you know`` by
``you`` and ``know``, ``I mean`` by ``mean`` (``I`` is too short to be a term anyway).
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache

from qualcode.text.fold import fold

__all__ = ["ENGLISH", "SERBO_CROATIAN", "stop_words"]


def _words(block: str) -> tuple[str, ...]:
    """The whitespace-separated words of a block: lists stay readable as running text."""
    return tuple(block.split())


#: Serbian, Croatian and Bosnian (both pronunciations), Latin script, as written.
SERBO_CROATIAN: tuple[str, ...] = _words(
    """
    ja ti on ona ono mi vi oni one me mene meni mnom mnome te tebe tebi tobom ga njega njemu mu
    nju njoj njom njome nas nama vas vama ih njih im njima se sebe sebi sobom
    moj moja moje moji moju mog moga mojeg mom mome mojem mojim mojih tvoj tvoja tvoje tvoji tvog
    njegov njegova njegovo njegove njegovi njen njena njeno njene njeni njezin njezina njezino
    njihov njihova njihovo njihove njihovi naš naša naše naši naših našim vaš vaša vaše vaši
    svoj svoja svoje svoji svoju svog svoga svom svojim svojih
    taj ta to tog toga tom tome tim tima tu tih ovaj ova ovo ovi ove ovog ovoga ovom ovome ovim ovu
    ovih onaj onog onoga onom onome onim onu onih takav takva takvo takve takvi ovakav ovakvo
    onakav isti ista isto iste
    ko tko koga kome komu šta što čega čemu čime koji koja koje kojeg kojega kojem kojim koju
    kojih kojima čiji čija čije kakav kakva kakvo kakve kada kad gde gdje kuda kako zašto koliko
    neko netko nešto nekog nekoga nekom neki neka neke nekih nekim nekako negde negdje nekad
    nekada niko nitko ništa nikog nikad nikada nigde nigdje nikako svako svaki svaka svake
    svakog svakom sve svi sva svih svim svima svega svemu sav svašta iko išta
    biti sam si je smo ste su bih bi bismo biste bio bila bilo bili bile budem bude budu jesam
    jesi jeste jest jesmo jesu nisam nisi nije nismo niste nisu
    ću ćeš će ćemo ćete neću nećeš neće nećemo nećete hteti htjeti hoću hoćeš hoće hoćemo hoćete
    imati imam imaš ima imamo imate imaju imao imala imali nemati nemam nema nemaju
    moći mogu možeš može možemo možete mogao mogla mogli trebati treba trebalo trebao trebala
    morati moram moraš mora moramo morate moraju morao morala morali
    jedan jedna jedno jednog jednom jednu dva dve dvije tri četiri pet šest sedam osam devet deset
    drugi druga drugo druge drugih drugim
    i a ali ili pa da ne ni niti već nego no jer ako kao dok čak li zar baš još samo tek
    sad sada tada onda tad tamo ovde ovdje ondje gore dole dolje ovako onako tako toliko
    jako vrlo mnogo puno malo više manje dosta uvek uvijek opet također takođe možda valjda
    sigurno naravno stvarno zapravo ustvari uglavnom recimo odnosno inače uopšte uopće
    ponekad često retko rijetko obično bukvalno zaista verovatno vjerovatno otprilike skoro gotovo
    ipak međutim naime pošto ukoliko iako mada premda
    u na za od do iz s sa o po pri kod ka k prema kroz preko između pred pored oko bez nad pod uz
    niz među posle poslije pre prije protiv zbog radi umesto umjesto osim iza ispred iznad ispod
    unutar van izvan nakon tokom tijekom
    dakle znači značiti eto evo eno znaš znate znam znao znati kažem kaže kažu kazati reći rekao
    rekla mislim misliš misliti vidiš vidite videti vidjeti razumeš razumete razumiješ razumijete
    razumeti razumjeti jel jelda aha mhm hmm eee ajde hajde bre ba brate tipa fakat okej
    dobro stvar stvari npr tj itd
    nerazumljivo nerazumljiv nejasno nečujno smeh smijeh smeje smije pauza tišina prekid
    kašalj uzdah intervjuer intervjuerka ispitanik ispitanica sagovornik sagovornica
    sugovornik sugovornica
    """
)

#: English, with interview fillers and transcription marks. Contractions are split by the
#: tokenizer at the apostrophe (``don't`` → ``don`` + ``t``), hence ``don``, ``isn``, ….
ENGLISH: tuple[str, ...] = _words(
    """
    i me my myself we us our ours ourselves you your yours yourself yourselves he him his himself
    she her hers herself it its itself they them their theirs themselves
    what which who whom whose this that these those here there where when why how
    am is are was were be been being have has had having do does did doing done
    will would shall should can could may might must ought
    don doesn didn isn aren wasn weren haven hasn hadn won wouldn couldn shouldn cannot
    ain gonna wanna gotta
    a an the and but if or because as until while of at by for with about against between into
    through during before after above below to from up down in out on off over under again
    further then once
    all any both each few more most other some such no nor not only own same so than too very
    just also even still already ever never always sometimes often maybe perhaps quite rather
    something anything everything nothing someone anyone everyone somebody anybody everybody
    one ones two three four five six seven eight nine ten lot lots usually mostly
    get gets got getting go goes going went gone say says said saying think thought
    know knew mean means tell told
    um uh erm er ah oh hmm mm mhm uhm huh yeah yes yep nope okay ok like well right
    really actually basically literally honestly kind sort stuff thing things whatever
    laughs laugh laughter laughing inaudible unintelligible indistinct crosstalk pause coughs
    cough sighs sigh interviewer interviewee respondent participant
    """
)

#: Language subtags that share the Serbo-Croatian list (as in :mod:`qualcode.text.lemmas`).
_HBS = frozenset({"sr", "hr", "bs", "sh", "cnr", "hbs"})


@cache
def _folded(words: tuple[str, ...]) -> frozenset[str]:
    return frozenset(fold(word) for word in words)


def stop_words(languages: Iterable[str]) -> frozenset[str]:
    """The folded stop words for the given language tags (``sr-Cyrl``, ``hr``, ``bs``, ``en``…).

    Folded (:func:`qualcode.text.fold.fold`: ``što`` → ``sto``, ``ćemo`` → ``cemo``) so they
    match folded tokens and lemmas. Tags of languages without a list are ignored: a corpus in
    German simply gets no stop words rather than an error.
    """
    result: frozenset[str] = frozenset()
    for tag in languages:
        primary = tag.split("-", 1)[0].strip().lower()
        if primary in _HBS:
            result |= _folded(SERBO_CROATIAN)
        elif primary == "en":
            result |= _folded(ENGLISH)
    return result
