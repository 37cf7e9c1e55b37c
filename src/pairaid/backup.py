"""Backup and restore of a whole ledger: every table, its metadata, checked by the fingerprint.

A backup is a folder (or the same files in one .zip):

    manifest.json   format, pairaid version, schema revision, rows per table, ledger_sha256
                    (`ledger.fingerprint`) and meta_sha256
    meta.json       every metadata key (synthetic flag, published figures, planted anomalies ...)
    TABLE.csv       each table in its import format (what `pairaid export` writes)
    raw/TABLE.json  ledger tables without an import format, row by row
    pending/TABLE.csv  records awaiting approval (drafts, returned records): key columns,
                    approval, created_by/at, updated_by/at (format 2; a restore gives them back)

Restore reads the files with the importer (so a hand-edited backup is validated like any import)
and writes everything in one transaction that commits only when the fingerprints of what it wrote
equal the manifest's. A SQLite ledger is restored into a new file beside the target that is
renamed into place at the end, so a restore stopped half-way leaves no ledger at the target.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from pairaid.errors import InputError

FORMAT = "pairaid-backup"
FORMAT_VERSION = 2  # 2: pending/ (drafts restore as drafts)
BACKUP_MARKER = ".pairaid-backup"


class BackupError(InputError):
    """A backup that cannot be written or restored as asked."""


@dataclass(frozen=True)
class BackupResult:
    path: Path
    rows: dict[str, int]
    ledger_sha256: str
    synthetic: bool


def backup(store, target: str | os.PathLike, *, force: bool = False) -> BackupResult:
    """Write every table and the metadata of `store` to a folder, or a .zip file, atomically."""
    from pairaid.atomic import atomic_path, staged_folder

    target = Path(target)
    with store.snapshot():  # the files, the rows and the fingerprint describe one ledger
        if target.suffix.lower() == ".zip":
            with tempfile.TemporaryDirectory() as work, atomic_path(target) as tmp:
                manifest = _write_files(store, Path(work))
                with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as archive:
                    for path in sorted(Path(work).rglob("*")):
                        if path.is_file():
                            archive.write(path, path.relative_to(work).as_posix())
        else:
            with staged_folder(target, BACKUP_MARKER, force=force, what="backup") as staging:
                manifest = _write_files(store, staging)
    from pairaid.ledger.store import synthetic_flag

    return BackupResult(target, manifest["rows"], manifest["ledger_sha256"],
                        synthetic_flag(store.meta()))


def _write_files(store, folder: Path) -> dict:
    from pairaid.atomic import write_text
    from pairaid.ingest.export import write_frame
    from pairaid.ingest.tables import TABLE_ORDER
    from pairaid.ledger.fingerprint import ledger_fingerprint, meta_fingerprint
    from pairaid.provenance import package_version

    rows = {}
    for name in (t for t in TABLE_ORDER if t != "coverage"):  # coverage: below
        frame = store.read_table(name, drafts=True)
        write_frame(frame, folder / f"{name}.csv")
        rows[name] = len(frame)
    from pairaid.ledger.fingerprint import coverage_rows

    with store.snapshot() as conn:
        declared = coverage_rows(store, conn)
    write_frame(declared, folder / "coverage.csv")
    rows["coverage"] = len(declared)
    raw = {}
    for table in store.other_tables():
        records = store.raw_rows(table)
        write_text(folder / "raw" / f"{table}.json",
                   json.dumps(records, ensure_ascii=False, default=str, indent=0))
        raw[table] = len(records)
    from pairaid.ledger.fingerprint import pending_records

    with store.snapshot() as conn:
        pending = pending_records(store, conn, audit=True)
    for name, frame in pending.items():
        write_frame(frame, folder / "pending" / f"{name}.csv")
    meta = store.meta()
    write_text(folder / "meta.json", json.dumps(meta, ensure_ascii=False, indent=1))
    manifest = {"format": FORMAT, "format_version": FORMAT_VERSION,
                "pairaid": package_version(), "schema_revision": store.schema_revision(),
                "rows": rows, "raw_rows": raw,
                "pending_rows": {name: len(frame) for name, frame in pending.items()},
                "ledger_sha256": ledger_fingerprint(store),
                "meta_sha256": meta_fingerprint(meta)}
    write_text(folder / "manifest.json", json.dumps(manifest, indent=1))
    return manifest


@contextlib.contextmanager
def _backup_folder(source: Path) -> Iterator[Path]:
    """The backup's files as a folder (a .zip is unpacked into a temporary one)."""
    if source.is_dir():
        yield source
        return
    if not source.is_file():
        raise BackupError(f"{source}: no such backup (give the folder or .zip `pairaid backup` "
                          "wrote)")
    try:
        archive = zipfile.ZipFile(source)
    except (zipfile.BadZipFile, OSError):
        raise BackupError(f"{source}: not a pairaid backup (neither a folder nor a .zip)") from None
    with archive, tempfile.TemporaryDirectory() as work:
        for info in archive.infolist():
            name = Path(info.filename)
            if name.is_absolute() or ".." in name.parts or info.file_size > 4 << 30:
                raise BackupError(f"{source}: the archive holds an unsafe entry {info.filename!r}")
        archive.extractall(work)
        yield Path(work)


def _manifest(folder: Path, source: Path) -> dict:
    try:
        manifest = json.loads((folder / "manifest.json").read_text("utf-8"))
        meta = json.loads((folder / "meta.json").read_text("utf-8"))
    except (OSError, ValueError):
        raise BackupError(f"{source}: not a pairaid backup (manifest.json or meta.json is "
                          "missing or unreadable)") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(f"{source}: not a pairaid backup (manifest.json has another format)")
    if manifest.get("format_version", 0) > FORMAT_VERSION:
        raise BackupError(f"{source}: written by a newer pairaid (backup format "
                          f"{manifest['format_version']}): upgrade pairaid to restore it")
    if not isinstance(meta, dict) or not all(isinstance(v, str) for v in meta.values()):
        raise BackupError(f"{source}: meta.json must map keys to text")
    manifest["meta"] = meta
    return manifest


def restore(source: str | os.PathLike, url: str, *, on_step=None) -> BackupResult:
    """Restore the backup at `source` into a NEW ledger at `url` (a missing SQLite file or an
    empty PostgreSQL database/schema); all or nothing, checked by the fingerprints."""
    from pairaid.ledger.store import resolve_url

    source = Path(source)
    resolved = resolve_url(url)
    with _backup_folder(source) as folder:
        manifest = _manifest(folder, source)
        if not resolved.startswith("sqlite:///"):
            return _restore_into(folder, manifest, source, url, on_step)
        final = Path(resolved.removeprefix("sqlite:///"))
        if final.exists() or final.is_symlink():
            raise BackupError(f"{final}: already exists; restore writes a new ledger (give a new "
                              "file name)")
        final.parent.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(prefix=f".{final.name}.", suffix=".restore", dir=final.parent)
        os.close(fd)
        partial = Path(name)
        partial.unlink()  # Store.open makes the ledger in a missing file
        try:
            result = _restore_into(folder, manifest, source, str(partial), on_step)
            if final.exists():
                raise BackupError(f"{final}: appeared while restoring; nothing was replaced")
            os.replace(partial, final)
        finally:
            for leftover in (partial, Path(f"{partial}-wal"), Path(f"{partial}-shm")):
                with contextlib.suppress(FileNotFoundError):
                    leftover.unlink()
    return BackupResult(final, result.rows, result.ledger_sha256, result.synthetic)


def _read_coverage(path: Path, source: Path):
    """The backup's declared coverage (none in a backup made before coverage existed)."""
    import pandas as pd

    if not path.is_file():
        return pd.DataFrame(columns=["donor", "recipient", "round", "year_from", "year_to",
                                     "source"])
    try:
        frame = pd.read_csv(path, dtype={"donor": str, "recipient": str, "source": str},
                            encoding="utf-8-sig", keep_default_na=False, na_values=[""])
    except (ValueError, OSError) as exc:
        raise BackupError(f"{source}: coverage.csv is unreadable ({exc})") from None
    return frame


def _read_pending(path: Path, name: str, source: Path) -> list[dict]:
    """The records a backup lists as awaiting approval (text cells; empty is missing)."""
    import pandas as pd

    from pairaid.ingest.tables import TABLES

    if name not in TABLES:
        raise BackupError(f"{source}: pending/{name}.csv names no table this pairaid knows")
    try:
        frame = pd.read_csv(path, dtype=str, encoding="utf-8-sig", keep_default_na=False)
    except (ValueError, OSError) as exc:
        raise BackupError(f"{source}: pending/{name}.csv is unreadable ({exc})") from None
    from pairaid.ingest.hygiene import unguard_formulas

    frame = unguard_formulas(frame, list(frame.columns))  # the formula guards `write_frame` adds
    return [{c: (v if v != "" else None) for c, v in row.items()}
            for row in frame.to_dict("records")]


def _restore_coverage(store, declared, conn, source: Path) -> None:
    """Insert the declared coverage, each pairing found again by donor, recipient and round."""
    if declared.empty:
        return
    import pandas as pd

    pairings = store.pairings(conn=conn)[["id", "donor", "recipient", "round"]]
    pairings["round"] = pd.to_numeric(pairings["round"]).astype("Int64")
    declared = declared.assign(round=pd.to_numeric(declared["round"]).astype("Int64"))
    found = declared.merge(pairings, on=["donor", "recipient", "round"], how="left")
    if found["id"].isna().any():
        first = found[found["id"].isna()].iloc[0]
        raise BackupError(f"{source}: coverage.csv names a pairing the backup does not hold "
                          f"({first['donor']} → {first['recipient']}, round {first['round']})")
    store.insert_raw("coverage", [
        {"pairing_id": int(r.id), "year_from": int(r.year_from), "year_to": int(r.year_to),
         "source": None if pd.isna(r.source) else str(r.source)} for r in found.itertuples()],
        conn)


def _restore_into(folder: Path, manifest: dict, source: Path, url: str, on_step) -> BackupResult:
    from pairaid.ingest import import_frames
    from pairaid.ingest.read import read_table_file
    from pairaid.ingest.tables import TABLE_ORDER, TABLES
    from pairaid.ledger import Store
    from pairaid.ledger.fingerprint import ledger_fingerprint, meta_fingerprint
    from pairaid.ledger.store import synthetic_flag

    step = on_step or (lambda _message: None)
    frames, labels = {}, {}
    for name in (t for t in TABLE_ORDER if t != "coverage"):  # coverage: below
        path = folder / f"{name}.csv"
        if not path.is_file():
            raise BackupError(f"{source}: the backup has no {name}.csv")
        step(f"reading {name}")
        frame = read_table_file(path, name, TABLES[name].column_names)
        if len(frame):
            frames[name] = frame
            labels[name] = f"{source.name}/{name}.csv"
    declared = _read_coverage(folder / "coverage.csv", source)
    raw = {}
    for table in manifest.get("raw_rows", {}):
        path = folder / "raw" / f"{table}.json"
        raw[table] = json.loads(path.read_text("utf-8")) if path.is_file() else []
    pending = {}
    for name in manifest.get("pending_rows", {}):
        pending[name] = _read_pending(folder / "pending" / f"{name}.csv", name, source)
    meta = manifest["meta"]
    if meta_fingerprint(meta) != manifest.get("meta_sha256"):
        raise BackupError(f"{source}: meta.json does not match the manifest's fingerprint (it "
                          "was changed after the backup); nothing was restored")
    store = Store.open(url, create=True)
    try:
        if not store.is_empty():
            raise BackupError(f"{store.location} already holds a ledger with rows; restore writes "
                              "a new ledger (give a new file or an empty database)")
        unknown = [t for t in raw if t not in store.other_tables()]
        if unknown:
            raise BackupError(f"{source}: the backup holds tables this pairaid does not know "
                              f"({', '.join(unknown)}): upgrade pairaid to restore it")
        fingerprint = {}

        def finish(conn) -> None:
            step("writing the metadata and checking the fingerprint")
            _restore_coverage(store, declared, conn, source)
            from pairaid.ledger.approval import restore_pending

            for name, records in pending.items():
                restore_pending(store, conn, name, records)
            for table, rows in raw.items():
                store.insert_raw(table, rows, conn)
            if meta:
                store.set_meta(conn, **meta)
            fingerprint["ledger"] = ledger_fingerprint(store, conn=conn)
            if fingerprint["ledger"] != manifest.get("ledger_sha256"):
                raise BackupError(f"{source}: the restored rows do not match the backup's "
                                  f"fingerprint ({fingerprint['ledger'][:12]} against "
                                  f"{str(manifest.get('ledger_sha256'))[:12]}): the files were "
                                  "changed after the backup; nothing was restored")

        from pairaid.ingest.iati.write import FLOWS_FROM_IATI

        # a ledger may hold the negative flows (reversals) an IATI import wrote
        import_frames(store, frames, source=source.name, labels=labels, on_step=step,
                      before_commit=finish, specs={"flows": FLOWS_FROM_IATI})
        return BackupResult(Path(url), manifest["rows"], fingerprint["ledger"],
                            synthetic_flag(meta))
    finally:
        store.close()
