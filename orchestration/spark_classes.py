"""A class-data-sharing archive for Spark's driver JVM, written once per machine.

Every Spark session starts a JVM that loads and verifies some ten thousand classes
from Spark's jars (Spark SQL, Hive's metastore, Derby) before its first statement:
several seconds of CPU each time. The first session on a machine runs with
`-XX:ArchiveClassesAtExit`: when it ends, its JVM writes the classes it loaded to an
archive under a name of its own, and the process that ended it waits for the JVM and
renames the archive into place once whole (`keep`): a JVM that maps a half-written
one crashes. Every later session maps it (`-XX:SharedArchiveFile`) instead of
loading those classes again. The archive's name holds what it was made from (the Java runtime,
Spark's jars, the driver's heap size): another JDK or Spark gets an archive of its
own. A JVM that finds its archive made for another class path runs without it.
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import time
import uuid
from pathlib import Path

import psutil

log = logging.getLogger("cablebill.spark")
# "off": sessions neither write nor map an archive
SWITCH_ENV = "CABLEBILL_SPARK_CLASS_ARCHIVE"
# what dbt's Spark profile adds to the driver's JVM options (profiles.yml)
OPTIONS_ENV = "CABLEBILL_SPARK_CLASS_OPTIONS"
# what a dynamic archive starts with; HotSpot writes the header last, so a file that
# starts with it is whole (one cut short by a killed JVM makes later ones crash)
DYNAMIC_ARCHIVE_MAGIC = 0xF00BABA8.to_bytes(4, "little")
# the classes an archive cannot hold (old class files, signed jars) are named one line
# each, thousands, when it is written: a matter for nobody running a bill
QUIET = "-Xlog:cds*=off"
# how long the JVM of a session that writes the archive may take to end
WRITE_TIMEOUT_SECONDS = 120
# an unfinished archive (its writer killed) is removed when this old
STALE_SECONDS = 3600


def cache_dir() -> Path:
    """Where the archive is kept: `$CABLEBILL_CACHE`, else `$XDG_CACHE_HOME/cablebill`
    (`~/.cache/cablebill`)."""
    if "CABLEBILL_CACHE" in os.environ:
        return Path(os.environ["CABLEBILL_CACHE"])
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "cablebill"


def archive_path() -> Path:
    """The archive of this machine's Java runtime, Spark jars and driver heap size."""
    import pyspark

    java = Path(shutil.which("java", path=_java_path()) or "java").resolve()
    jars = Path(pyspark.__file__).parent / "jars"
    made_of = [str(java), str(java.stat().st_mtime_ns) if java.exists() else ""]
    made_of += sorted(p.name for p in jars.glob("*.jar"))
    made_of.append(os.environ.get("CABLEBILL_SPARK_DRIVER_MEMORY", "2g"))
    key = hashlib.sha256("\n".join(made_of).encode()).hexdigest()[:16]
    return cache_dir() / f"spark-classes-{key}.jsa"


def _java_path() -> str:
    """Where Spark's launcher finds java: $JAVA_HOME/bin first, then PATH."""
    home = os.environ.get("JAVA_HOME")
    path = os.environ.get("PATH", "")
    return f"{Path(home) / 'bin'}{os.pathsep}{path}" if home else path


def session_options() -> tuple[str, Path | None]:
    """The JVM options of a new Spark session, and the archive it writes when it ends
    (None when it maps the archive there is); none with CABLEBILL_SPARK_CLASS_ARCHIVE=off."""
    if os.environ.get(SWITCH_ENV) == "off":
        return "", None
    archive = archive_path()
    if archive.exists():
        return f"{QUIET} -XX:SharedArchiveFile={archive}", None
    try:
        archive.parent.mkdir(parents=True, exist_ok=True)
        _remove_stale(archive)
    except OSError:  # nowhere to keep one: the session runs without
        return "", None
    pending = archive.with_name(f"{archive.stem}.{uuid.uuid4().hex}.tmp")
    return f"{QUIET} -XX:ArchiveClassesAtExit={pending}", pending


def _remove_stale(archive: Path) -> None:
    for stale in archive.parent.glob(f"{archive.stem}.*.tmp"):
        if time.time() - stale.stat().st_mtime > STALE_SECONDS:
            stale.unlink(missing_ok=True)


def jvms_of(pid: int) -> list[psutil.Process]:
    """The Java processes started by process `pid` and its children."""
    try:
        children = psutil.Process(pid).children(recursive=True)
    except psutil.NoSuchProcess:
        return []
    return [c for c in children if _is_java(c)]


def _is_java(process: psutil.Process) -> bool:
    try:
        return process.name() == "java"
    except psutil.Error:
        return False


def keep(pending: Path, jvms: list[psutil.Process]) -> bool:
    """Wait for `jvms` (the session's, told to end) to write `pending`, then rename it
    into place; whether it was kept. What a JVM still running has written is left to
    be removed as stale."""
    log.info("Spark: writing the class archive its later sessions map (once per machine)")
    _, alive = psutil.wait_procs(jvms, timeout=WRITE_TIMEOUT_SECONDS)
    if alive or not _is_whole(pending):
        return False
    os.replace(pending, pending.with_name(pending.name.split(".")[0] + ".jsa"))
    return True


def _is_whole(archive: Path) -> bool:
    try:
        with archive.open("rb") as file:
            return file.read(4) == DYNAMIC_ARCHIVE_MAGIC
    except FileNotFoundError:
        return False
