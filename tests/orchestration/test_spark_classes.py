"""Spark's driver JVM shares a class archive, written once per machine and renamed
into place only when the JVM that wrote it has ended."""

from __future__ import annotations

import subprocess

import psutil
import pytest

from orchestration import spark_classes


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("CABLEBILL_CACHE", str(tmp_path / "cache"))
    return tmp_path / "cache"


def _java(option: str, *more: str) -> subprocess.Popen:
    return subprocess.Popen(
        ["java", *option.split(), *more, "-version"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def test_the_first_session_writes_the_archive_and_later_ones_map_it(cache):
    options, pending = spark_classes.session_options()
    assert options == f"-Xlog:cds*=off -XX:ArchiveClassesAtExit={pending}"
    assert pending.parent == cache and not spark_classes.archive_path().exists()

    jvm = _java(options)
    assert spark_classes.keep(pending, [psutil.Process(jvm.pid)])
    jvm.wait()
    archive = spark_classes.archive_path()
    assert archive.exists() and not pending.exists()

    options, pending = spark_classes.session_options()
    assert (options, pending) == (f"-Xlog:cds*=off -XX:SharedArchiveFile={archive}", None)
    # -Xshare:on: the JVM refuses to start if it cannot map the archive
    mapped = _java(options, "-Xshare:on")
    output, _ = mapped.communicate()
    assert mapped.returncode == 0, output


def test_an_archive_is_kept_only_when_its_jvm_has_written_it_whole(cache, monkeypatch):
    monkeypatch.setattr(spark_classes, "WRITE_TIMEOUT_SECONDS", 0.2)
    _, pending = spark_classes.session_options()
    pending.write_bytes(b"half-written")
    running = subprocess.Popen(["sleep", "30"])
    try:
        assert not spark_classes.keep(pending, [psutil.Process(running.pid)])
    finally:
        running.kill()
        running.wait()
    assert not spark_classes.archive_path().exists()

    _, cut_short = spark_classes.session_options()  # killed before writing its header
    cut_short.write_bytes(bytes(4096))
    assert not spark_classes.keep(cut_short, [])
    _, nothing_written = spark_classes.session_options()
    assert not spark_classes.keep(nothing_written, [])
    assert not spark_classes.archive_path().exists()


def test_each_driver_heap_size_has_its_own_archive(cache, monkeypatch):
    monkeypatch.setenv("CABLEBILL_SPARK_DRIVER_MEMORY", "2g")
    small = spark_classes.archive_path()
    monkeypatch.setenv("CABLEBILL_SPARK_DRIVER_MEMORY", "48g")  # no compressed pointers
    assert spark_classes.archive_path() != small


def test_no_archive_is_written_or_mapped_when_switched_off(cache, monkeypatch):
    monkeypatch.setenv("CABLEBILL_SPARK_CLASS_ARCHIVE", "off")
    assert spark_classes.session_options() == ("", None)
    assert not cache.exists()
