"""`qualcode init` and `import` through the CLI: exit codes, stdout/stderr, and an untouched project."""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

from qualcode.cli import app
from tests.conftest import SAMPLE, project_snapshot


@pytest.fixture
def study(tmp_path: Path, runner: CliRunner) -> Path:
    path = tmp_path / "study.db"
    result = runner.invoke(app, ["init", str(path)])
    assert result.exit_code == 0, result.output
    assert result.stdout == f"Created the project {path}\n"
    return path


def test_init_twice_is_an_error_without_traceback(study: Path, runner: CliRunner) -> None:
    result = runner.invoke(app, ["init", str(study)])
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: ") and "already exists" in result.stderr
    assert "Traceback" not in result.output


def test_missing_project_is_a_one_line_error(tmp_path: Path, runner: CliRunner) -> None:
    result = runner.invoke(app, ["transcripts", "list", "-p", str(tmp_path / "nope.db")])
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1
    assert "qualcode init" in result.stderr


def test_project_from_environment(study: Path, runner: CliRunner) -> None:
    result = runner.invoke(app, ["transcripts", "list", "--json"], env={"QUALCODE_PROJECT": str(study)})
    assert result.exit_code == 0
    assert json.loads(result.stdout) == []


def test_import_json_then_again_is_already_present(study: Path, runner: CliRunner) -> None:
    source = SAMPLE / "en03_misdemeanour_judge_banja_luka.txt"
    first = runner.invoke(app, ["import", str(source), "-p", str(study), "--json", "--coder", "ana"])
    assert first.exit_code == 0, first.output
    [row] = json.loads(first.stdout)
    assert row["status"] == "imported"
    assert row["document"] == "en03_misdemeanour_judge_banja_luka"
    assert row["source_format"] == "zoom-txt"
    assert row["language"] == "en"
    assert row["units"]["turn"] >= 20
    again = runner.invoke(app, ["import", str(source), "-p", str(study), "--json"])
    assert again.exit_code == 0
    assert [r["status"] for r in json.loads(again.stdout)] == ["present"]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("junk.txt", bytes(range(256)) * 40, "binary"),
        ("empty.txt", b"", "empty"),
        ("blank.md", b"  \n\n ", "empty"),
        ("cut.docx", None, "damaged or incomplete"),
        ("image.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 64, "cannot import .png"),
    ],
)
def test_bad_files_fail_with_one_line_and_change_nothing(
    study: Path, runner: CliRunner, tmp_path: Path, name: str, content: bytes | None, message: str
) -> None:
    bad = tmp_path / name
    if content is None:
        data = (SAMPLE / "en01_io_programme_officer_belgrade.docx").read_bytes()
        content = data[: len(data) // 2]
    bad.write_bytes(content)
    before = project_snapshot(study)
    result = runner.invoke(app, ["import", str(bad), "-p", str(study)])
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith(f"Error: {bad}: ")
    assert message in result.stderr
    assert "Traceback" not in result.output
    assert project_snapshot(study) == before


@pytest.mark.parametrize("kind", ["missing", "empty folder", "no match"])
def test_bad_paths_fail_before_anything_is_imported(
    study: Path, runner: CliRunner, tmp_path: Path, kind: str
) -> None:
    folder = tmp_path / "empty"
    folder.mkdir()
    (folder / "notes.xlsx").write_bytes(b"x")
    arg = {
        "missing": str(tmp_path / "missing.txt"),
        "empty folder": str(folder),
        "no match": str(tmp_path / "*.vtt"),
    }[kind]
    before = project_snapshot(study)
    result = runner.invoke(
        app, ["import", str(SAMPLE / "en03_misdemeanour_judge_banja_luka.txt"), arg, "-p", str(study)]
    )
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("Error: ")
    assert project_snapshot(study) == before


def test_mixed_batch_imports_the_good_files_and_exits_1(
    study: Path, runner: CliRunner, tmp_path: Path
) -> None:
    bad = tmp_path / "junk.txt"
    bad.write_bytes(b"\0\1\2\3" * 100)
    good = SAMPLE / "en03_misdemeanour_judge_banja_luka.txt"
    result = runner.invoke(app, ["import", str(good), str(bad), "-p", str(study), "--json"])
    assert result.exit_code == 1
    assert [r["status"] for r in json.loads(result.stdout)] == ["imported", "failed"]


def test_huge_file_is_refused_before_reading(study: Path, runner: CliRunner, tmp_path: Path) -> None:
    huge = tmp_path / "huge.txt"
    with huge.open("wb") as fh:  # sparse: 300 MB on paper, nothing on disk
        fh.truncate(300 * 1024 * 1024)
    result = runner.invoke(app, ["import", str(huge), "-p", str(study)])
    assert result.exit_code == 1
    assert "300 MB, more than the import limit of 64 MB" in result.stderr
    assert "--max-size" in result.stderr


def test_same_name_different_content_needs_replace(study: Path, runner: CliRunner, tmp_path: Path) -> None:
    first = tmp_path / "a" / "int01.txt"
    second = tmp_path / "b" / "int01.txt"
    first.parent.mkdir()
    second.parent.mkdir()
    first.write_text("I: Dobar dan.\n\nR: Dobar dan, izvolite.\n", encoding="utf-8")
    second.write_text("I: Dobro jutro.\n\nR: Dobro jutro.\n", encoding="utf-8")
    assert runner.invoke(app, ["import", str(first), "-p", str(study)]).exit_code == 0
    refused = runner.invoke(app, ["import", str(second), "-p", str(study)])
    assert refused.exit_code == 1
    assert "already in the project; rename the file, or use --replace" in refused.stderr
    replaced = runner.invoke(app, ["import", str(second), "-p", str(study), "--replace", "--json"])
    assert replaced.exit_code == 0
    assert json.loads(replaced.stdout)[0]["status"] == "replaced"
    shown = runner.invoke(app, ["transcripts", "show", "int01", "-p", str(study)])
    assert shown.stdout == "I: Dobro jutro.\n\nR: Dobro jutro.\n"


def test_replace_is_refused_while_the_document_has_codings(
    study: Path, runner: CliRunner, tmp_path: Path
) -> None:
    doc = tmp_path / "int02.txt"
    doc.write_text("I: Prvo.\n\nR: Drugo.\n", encoding="utf-8")
    assert runner.invoke(app, ["import", str(doc), "-p", str(study)]).exit_code == 0
    conn = sqlite3.connect(study)
    conn.execute("INSERT INTO coders (name, created_at) VALUES ('ana', '2026-01-01')")
    conn.execute(
        "INSERT INTO codes (name, ordinal, definition, inclusion, exclusion, example, keywords, created_at) "
        "VALUES ('Theme', 0, '', '', '', '', '{}', '2026-01-01')"
    )
    conn.execute(
        'INSERT INTO codings (document_id, code_id, coder_id, start, "end", memo, origin, important, '
        "created_at) VALUES (1, 1, 1, 3, 8, '', 'manual', 0, '2026-01-01')"
    )
    conn.commit()
    conn.close()
    doc.write_text("I: Promenjeno.\n\nR: Drugo.\n", encoding="utf-8")
    before = project_snapshot(study)
    result = runner.invoke(app, ["import", str(doc), "-p", str(study), "--replace"])
    assert result.exit_code == 1
    assert "has 1 coding(s); --replace would lose them" in result.stderr
    assert project_snapshot(study) == before
    removed = runner.invoke(app, ["transcripts", "remove", "int02", "-p", str(study)])
    assert removed.exit_code == 1 and "--force" in removed.stderr


def test_help_lists_every_group(runner: CliRunner) -> None:
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    for name in ("init", "import", "cases", "transcripts", "demo"):
        assert f"  {name} " in result.stdout


def test_usage_error_exits_2(runner: CliRunner) -> None:
    result = runner.invoke(app, ["import", "--no-such-option"])
    assert result.exit_code == 2


def test_no_color_output_has_no_escape_codes(study: Path, runner: CliRunner) -> None:
    result = runner.invoke(
        app,
        ["import", str(SAMPLE / "en03_misdemeanour_judge_banja_luka.txt"), "-p", str(study)],
        env={**os.environ, "NO_COLOR": "1"},
    )
    assert result.exit_code == 0
    assert "\x1b[" not in result.stdout
    assert "1 imported" in result.stdout


def _import_json(runner: CliRunner, study: Path, *args: str) -> list[dict[str, object]]:
    result = runner.invoke(app, ["import", *args, "-p", str(study), "--json"])
    assert result.exit_code == 0, result.output
    rows: list[dict[str, object]] = json.loads(result.stdout)
    return rows


def test_encoding_language_case_and_speaker_overrides(study: Path, runner: CliRunner, tmp_path: Path) -> None:
    legacy = tmp_path / "stari.txt"
    legacy.write_bytes(
        "Ispitivač >> Kako ste?\n\nSocijalna radnica >> Dobro, hvala. Đaci su tu.\n".encode("cp1250")
    )
    [row] = _import_json(
        runner,
        study,
        str(legacy),
        "--encoding",
        "cp1250",
        "--language",
        "hr",
        "--case",
        "P77",
        "--speaker-pattern",
        r"^(?P<speaker>[^>\n]+?) >> ",
    )
    assert (row["encoding"], row["language"], row["case"]) == ("cp1250", "hr", "P77")
    assert row["speakers"] == ["Ispitivač", "Socijalna radnica"]
    cases = json.loads(runner.invoke(app, ["cases", "list", "-p", str(study), "--json"]).stdout)
    assert cases == [{"name": "P77", "documents": ["stari"], "attributes": {}}]


def test_wrong_encoding_override_is_a_clear_failure(study: Path, runner: CliRunner, tmp_path: Path) -> None:
    legacy = tmp_path / "stari.txt"
    legacy.write_bytes("Đaci su došli.".encode("cp1250"))
    result = runner.invoke(app, ["import", str(legacy), "--encoding", "utf-8", "-p", str(study)])
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: {legacy}: ")
    assert "utf-8" in result.stderr


def test_bad_language_tag_is_refused(study: Path, runner: CliRunner) -> None:
    result = runner.invoke(
        app,
        [
            "import",
            str(SAMPLE / "en03_misdemeanour_judge_banja_luka.txt"),
            "--language",
            "Serbian",
            "-p",
            str(study),
        ],
    )
    assert result.exit_code == 1
    assert "not a language tag such as sr-Latn" in result.stderr


def test_mixed_script_document_is_flagged(study: Path, runner: CliRunner, tmp_path: Path) -> None:
    latin = "I: Da li deca prose na raskrsnicama u vašem gradu i ko ih tamo dovodi svakog jutra? " * 3
    cyrillic = "Р: Да, деца просе на раскрсницама, а одрасли их довозе комбијем и чекају у близини. " * 3
    doc = tmp_path / "mesano.txt"
    doc.write_text(latin + "\n\n" + cyrillic + "\n", encoding="utf-8")
    [row] = _import_json(runner, study, str(doc))
    assert row["mixed_script"] is True
    assert row["language"] in ("sr-Latn", "sr-Cyrl")


def test_cyrillic_parlamint_is_sr_cyrl(study: Path, runner: CliRunner, corpus: Path) -> None:
    path = (
        corpus
        / "transcripts"
        / "parlamint_bcms"
        / "derived"
        / "ParlaMint-RS_2022-02-14-0.sr-Cyrl-transliterated.txt"
    )
    [row] = _import_json(runner, study, str(path))
    assert (row["language"], row["script"], row["mixed_script"]) == ("sr-Cyrl", "Cyrl", False)


def test_whole_sample_folder_and_event_log(study: Path, runner: CliRunner) -> None:
    rows = _import_json(runner, study, str(SAMPLE), "--coder", "milica")
    by_name = {r["document"]: r for r in rows}
    assert len(rows) == 8
    assert {r["status"] for r in rows} == {"imported"}
    assert by_name["sr01_socijalna_radnica_nis"]["encoding"] == "cp1250"
    assert by_name["sr03_tuzilac_novi_sad"]["encoding"] == "cp1251"
    assert {n: r["language"] for n, r in by_name.items()} == {
        "sr01_socijalna_radnica_nis": "sr-Latn",
        "sr02_policija_beograd": "sr-Latn",
        "sr03_tuzilac_novi_sad": "sr-Cyrl",
        "sr04_pedagoskinja_subotica": "sr-Cyrl",
        "bs01_nvo_sarajevo": "bs",
        "en01_io_programme_officer_belgrade": "en",
        "en02_shelter_coordinator_tuzla": "en",
        "en03_misdemeanour_judge_banja_luka": "en",
    }
    assert by_name["sr03_tuzilac_novi_sad"]["speakers"] == ["Интервјуер", "Саговорник"]
    assert by_name["bs01_nvo_sarajevo"]["speakers"] == ["Lejla Mehmedović", "Sagovornica"]
    assert all(int(str(r["words"])) >= 1500 for r in rows)
    conn = sqlite3.connect(study)
    events = conn.execute("SELECT coder, action, target FROM events ORDER BY id").fetchall()
    conn.close()
    assert len(events) == 8
    assert {e[:2] for e in events} == {("milica", "document.import")}


def test_transcripts_list_show_remove(study: Path, runner: CliRunner) -> None:
    _import_json(runner, study, str(SAMPLE / "sr01_socijalna_radnica_nis.txt"))
    listed = json.loads(runner.invoke(app, ["transcripts", "list", "-p", str(study), "--json"]).stdout)
    [doc] = listed
    assert sorted(doc) == [
        "case",
        "encoding",
        "imported_at",
        "language",
        "mixed_script",
        "name",
        "script",
        "source_format",
        "source_name",
        "speakers",
        "units",
        "words",
    ]
    assert (doc["name"], doc["language"], doc["script"], doc["speakers"]) == (
        "sr01_socijalna_radnica_nis",
        "sr-Latn",
        "Latn",
        ["I", "R"],
    )
    shown = runner.invoke(
        app, ["transcripts", "show", "sr01_socijalna_radnica_nis", "--units", "-p", str(study)]
    )
    lines = shown.stdout.splitlines()
    assert lines[0].startswith("turn 1 I: ")
    assert lines[1].startswith("turn 2 R: ")
    assert len(lines) == doc["units"]["turn"]
    as_json = json.loads(
        runner.invoke(
            app,
            [
                "transcripts",
                "show",
                "sr01_socijalna_radnica_nis",
                "--unit-kind",
                "sentence",
                "--json",
                "-p",
                str(study),
            ],
        ).stdout
    )
    text = as_json["text"]
    for unit in as_json["units"]:
        assert text[unit["start"] : unit["end"]] == unit["text"]
    missing = runner.invoke(app, ["transcripts", "show", "sr01_socijalna", "-p", str(study)])
    assert missing.exit_code == 1
    assert "did you mean sr01_socijalna_radnica_nis?" in missing.stderr
    removed = runner.invoke(app, ["transcripts", "remove", "sr01_socijalna_radnica_nis", "-p", str(study)])
    assert removed.stdout == "Removed sr01_socijalna_radnica_nis; `qualcode undo` brings it back.\n"
    assert json.loads(runner.invoke(app, ["transcripts", "list", "-p", str(study), "--json"]).stdout) == []


def test_demo_builds_the_sample_project(tmp_path: Path, runner: CliRunner) -> None:
    from qualcode.demo import OUTPUT_NAMES, demo_outputs

    out = tmp_path / "demo"
    out.mkdir()
    (out / "notes.txt").write_text("the user's, beside the demo", encoding="utf-8")
    result = runner.invoke(app, ["demo", str(out)])
    assert result.exit_code == 0, result.output
    assert "Sample study: 8 interviews" in result.stdout
    assert "8 interviews linked" in result.stdout
    assert "sr05_centar_za_zrtve_beograd" in result.stdout
    first = demo_outputs(out / "qualcode.db")
    assert first is not None and sorted(first) == sorted(OUTPUT_NAMES)
    again = runner.invoke(app, ["demo", str(out)])  # replaces its own earlier run, does not pile up
    assert again.exit_code == 0, again.output
    recorded = demo_outputs(out / "qualcode.db")  # the new outputs, each as the demo wrote it
    assert recorded == {name: hashlib.sha256((out / name).read_bytes()).hexdigest() for name in OUTPUT_NAMES}
    assert sorted(p.name for p in out.iterdir()) == sorted([*OUTPUT_NAMES, "qualcode.db", "notes.txt"])
    assert (out / "notes.txt").read_text(encoding="utf-8") == "the user's, beside the demo"
    listed = json.loads(
        runner.invoke(app, ["transcripts", "list", "-p", str(out / "qualcode.db"), "--json"]).stdout
    )
    assert len(listed) == 8
    assert all(d["case"] for d in listed)


# --- Issue 13: what a folder import passes over, and what it lists as not imported ----------

_DOC_ADVICE = (
    "cannot import .doc: legacy Word 97-2003 .doc files cannot be read; open it in Word or LibreOffice "
    "and save it as .docx (or run `soffice --headless --convert-to docx FILE.doc`), then import the .docx"
)


def test_folder_import_passes_over_read_me_files(study: Path, runner: CliRunner, tmp_path: Path) -> None:
    folder = tmp_path / "study"
    folder.mkdir()
    (folder / "int01.txt").write_bytes((SAMPLE / "en03_misdemeanour_judge_banja_luka.txt").read_bytes())
    docx = (SAMPLE / "en01_io_programme_officer_belgrade.docx").read_bytes()
    (folder / "Readme - Interviews.docx").write_bytes(docx)
    notes = ("Readme_intervjui.txt", "PROČITAJ.txt", "procitaj me.txt", "README.md", "Прочитајте.txt")
    for i, name in enumerate(notes):
        (folder / name).write_text(f"I: Ovo nije intervju {i}.\n\nR: Tačno.\n", encoding="utf-8")
    # Names that only begin like "read" are interviews.
    (folder / "Pročitana pisma.txt").write_text("I: Pisma?\n\nR: Pročitana.\n", encoding="utf-8")
    (folder / "readers_club.txt").write_text("I: Klub?\n\nR: Čitalački.\n", encoding="utf-8")
    rows = _import_json(runner, study, str(folder))
    assert [(Path(str(r["path"])).name, r["status"]) for r in rows] == [
        ("Pročitana pisma.txt", "imported"),
        ("int01.txt", "imported"),
        ("readers_club.txt", "imported"),
    ]


def test_folder_of_read_me_files_only_names_them(study: Path, runner: CliRunner, tmp_path: Path) -> None:
    folder = tmp_path / "notes"
    folder.mkdir()
    (folder / "README.md").write_text("# Study\n", encoding="utf-8")
    (folder / "PROČITAJ.txt").write_text("Uputstvo.\n", encoding="utf-8")
    before = project_snapshot(study)
    result = runner.invoke(app, ["import", str(folder), "-p", str(study)])
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == (
        f"Error: no transcripts in the folder {folder} (looked for .docx, .md, .odt, .pdf, .sbv, .srt, "
        ".text, .txt, .vtt; passed over: PROČITAJ.txt, README.md); name a file to import it anyway\n"
    )
    assert project_snapshot(study) == before


def test_legacy_doc_in_a_folder_is_listed_as_not_imported(
    study: Path, runner: CliRunner, tmp_path: Path
) -> None:
    folder = tmp_path / "interviews"
    folder.mkdir()
    (folder / "int01.txt").write_bytes((SAMPLE / "en03_misdemeanour_judge_banja_luka.txt").read_bytes())
    (folder / "int02.doc").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504)  # an OLE header
    (folder / "~$int02.doc").write_bytes(b"lock")  # Word's lock file: passed over
    result = runner.invoke(app, ["import", str(folder), "-p", str(study), "--json"])
    assert result.exit_code == 1
    rows = json.loads(result.stdout)
    assert [(Path(r["path"]).name, r["status"], r["message"]) for r in rows] == [
        ("int01.txt", "imported", ""),
        ("int02.doc", "failed", _DOC_ADVICE),
    ]
    assert result.stderr == f"Error: {(folder / 'int02.doc').resolve()}: {_DOC_ADVICE}\n"


def test_folder_holding_only_a_doc_names_it(study: Path, runner: CliRunner, tmp_path: Path) -> None:
    folder = tmp_path / "old"
    folder.mkdir()
    (folder / "Intervju Niš.DOC").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504)
    before = project_snapshot(study)
    result = runner.invoke(app, ["import", str(folder), "-p", str(study), "--json"])
    assert result.exit_code == 1
    assert [(Path(r["path"]).name, r["status"], r["message"]) for r in json.loads(result.stdout)] == [
        ("Intervju Niš.DOC", "failed", _DOC_ADVICE)
    ]
    assert result.stderr == f"Error: {(folder / 'Intervju Niš.DOC').resolve()}: {_DOC_ADVICE}\n"
    assert project_snapshot(study) == before
