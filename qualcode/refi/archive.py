"""Opening a REFI-QDA project (``.qdpx`` archive or bare ``.qde``) from untrusted bytes.

Nothing is ever extracted to disk: entries are read into memory, one at a time, and only
those the import needs (``project.qde`` and the text sources). Still, an archive that could
hurt a program that *does* extract it is refused outright, with one clear message, before
anything is read: entries whose path escapes the archive (``../``, absolute paths, drive
letters), symbolic links, more than :data:`MAX_ENTRIES` entries, and entries that would expand
beyond :data:`MAX_ENTRY_BYTES` or by more than :data:`MAX_RATIO` to 1 (a zip bomb). Every read
is also bounded, so an entry that lies about its size cannot blow up memory.

Sources are found the ways vendors write them: ``internal://NAME`` (and NAME with no scheme,
as qc writes) in ``Sources/`` or ``sources/``, compared without regard to case;
``relative://PATH`` next to the imported file when it stays inside that folder; the project
XML as ``project.qde`` or ``Project.qde``. ``absolute://`` paths are never read: a project from
elsewhere must not make qualcode copy arbitrary files of this computer into the project.
"""

from __future__ import annotations

import io
import re
import stat
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from qualcode.errors import ImportFailed

MAX_ENTRIES = 100_000
#: Largest entry the import reads (project.qde or one text source).
MAX_ENTRY_BYTES = 256 * 1024 * 1024
#: Largest expansion ratio of any entry above :data:`_RATIO_FLOOR` bytes; text and XML
#: compress 3-10 to 1, a zip bomb 1000 to 1 and more.
MAX_RATIO = 200
_RATIO_FLOOR = 1024 * 1024
_DRIVE = re.compile(r"^[A-Za-z]:")
_SCHEME = re.compile(r"^(internal|relative|absolute)://", re.IGNORECASE)


@dataclass
class SourceFile:
    """The outcome of looking up a source path: its bytes, or why there are none."""

    data: bytes | None
    problem: str = ""  # missing | external | unsafe


@dataclass
class RefiArchive:
    """A project's XML and the way to its source files."""

    name: str
    qde: bytes
    archive: zipfile.ZipFile | None = None
    folder: Path | None = None
    _entries: dict[str, zipfile.ZipInfo] = field(default_factory=dict)

    def source(self, path: str) -> SourceFile:
        """The bytes of a ``plainTextPath``/``path`` value, or ``None`` with the reason."""
        scheme_match = _SCHEME.match(path)
        scheme = scheme_match.group(1).lower() if scheme_match else "internal"
        rest = path[scheme_match.end() :] if scheme_match else path
        if scheme == "absolute":
            return SourceFile(None, "external")
        if scheme == "relative":
            return self._relative(rest.lstrip("/"))
        key = rest.strip("/").replace("\\", "/").lower()
        for candidate in (f"sources/{key}", key):
            info = self._entries.get(candidate)
            if info is not None:
                return SourceFile(_read_entry(self, info))
        return SourceFile(None, "missing")

    def _relative(self, rest: str) -> SourceFile:
        if self.folder is None or _unsafe_name(rest):
            return SourceFile(None, "unsafe" if _unsafe_name(rest) else "missing")
        candidate = self.folder / rest
        try:
            if candidate.is_symlink() or not candidate.is_file():
                return SourceFile(None, "missing")
            if not candidate.resolve().is_relative_to(self.folder.resolve()):
                return SourceFile(None, "unsafe")
            if candidate.stat().st_size > MAX_ENTRY_BYTES:
                raise ImportFailed(f"the source file {rest} is larger than {MAX_ENTRY_BYTES >> 20} MB")
            return SourceFile(candidate.read_bytes())
        except OSError:
            return SourceFile(None, "missing")


def open_project_file(path: Path, data: bytes) -> RefiArchive:
    """Open a ``.qdpx`` (zip) or ``.qde`` (XML) file's bytes; refuse unsafe archives."""
    folder = path.resolve().parent
    if path.suffix.lower() == ".qde":
        return RefiArchive(name=path.name, qde=data, folder=folder)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError):
        raise ImportFailed(
            "the file is not a readable .qdpx archive (a .qdpx is a zip file); export the project again"
        ) from None
    entries = _check_entries(archive)
    qde = entries.get("project.qde")
    if qde is None:
        raise ImportFailed("the archive has no project.qde, so it is not a REFI-QDA project; export it again")
    project = RefiArchive(name=path.name, qde=b"", archive=archive, folder=folder, _entries=entries)
    project.qde = _read_entry(project, qde)
    return project


def _check_entries(archive: zipfile.ZipFile) -> dict[str, zipfile.ZipInfo]:
    infos = archive.infolist()
    if len(infos) > MAX_ENTRIES:
        raise ImportFailed(
            f"the archive has {len(infos)} entries, more than the {MAX_ENTRIES} a project can have; "
            "it is damaged or not a REFI-QDA project"
        )
    entries: dict[str, zipfile.ZipInfo] = {}
    for info in infos:
        name = info.filename
        if _unsafe_name(name):
            raise ImportFailed(
                f"the archive entry {name!r} points outside the archive (an absolute path or '..'); "
                "qualcode refuses such archives because unpacking them can overwrite other files"
            )
        if stat.S_ISLNK(info.external_attr >> 16):
            raise ImportFailed(
                f"the archive entry {name!r} is a symbolic link; REFI-QDA archives hold only files, "
                "so qualcode refuses it"
            )
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > _RATIO_FLOOR and ratio > MAX_RATIO:
            raise ImportFailed(
                f"the archive entry {name!r} would expand {ratio:.0f} times to {info.file_size >> 20} MB; "
                "it looks like a zip bomb, so qualcode refuses the archive"
            )
        if not info.is_dir():
            entries[name.replace("\\", "/").lower()] = info
    return entries


def _unsafe_name(name: str) -> bool:
    normal = name.replace("\\", "/")
    return (
        "\x00" in name
        or normal.startswith("/")
        or bool(_DRIVE.match(normal))
        or any(part == ".." for part in normal.split("/"))
    )


def _read_entry(project: RefiArchive, info: zipfile.ZipInfo) -> bytes:
    """One entry's bytes, never more than :data:`MAX_ENTRY_BYTES` (whatever its header says)."""
    if info.file_size > MAX_ENTRY_BYTES:
        raise ImportFailed(
            f"the archive entry {info.filename!r} would expand to {info.file_size >> 20} MB, more than "
            f"the {MAX_ENTRY_BYTES >> 20} MB limit; the archive is damaged or not a REFI-QDA project"
        )
    assert project.archive is not None
    try:
        with project.archive.open(info) as handle:
            data = handle.read(MAX_ENTRY_BYTES + 1)
    except (zipfile.BadZipFile, EOFError, OSError, NotImplementedError, RuntimeError) as exc:
        raise ImportFailed(
            f"the archive entry {info.filename!r} cannot be read ({exc}); export it again"
        ) from None
    if len(data) > MAX_ENTRY_BYTES:
        raise ImportFailed(
            f"the archive entry {info.filename!r} is larger than it says; the archive is damaged"
        )
    return data
