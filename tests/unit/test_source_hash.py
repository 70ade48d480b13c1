"""vaelab.source_hash: the code part of a cached job's key covers exactly the code its command
runs; a change of that code changes it, a changed comment does not."""

import shutil

import pytest

from vaelab import source_hash


@pytest.fixture
def package_copy(tmp_path, monkeypatch):
    """source_hash reading a copy of the vaelab package, which a test may edit."""
    copy = tmp_path / "vaelab"
    shutil.copytree(source_hash.PACKAGE_ROOT, copy, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(source_hash, "PACKAGE_ROOT", copy)
    source_hash.source_files.cache_clear()
    source_hash.code_version.cache_clear()
    yield copy
    source_hash.source_files.cache_clear()
    source_hash.code_version.cache_clear()


def _names(module):
    return {p.relative_to(source_hash.PACKAGE_ROOT).as_posix() for p in source_hash.source_files(module)}


def test_training_covers_the_loss_and_the_model_not_the_report():
    files = _names("vaelab.commands.train")
    assert {"train/losses.py", "train/loop.py", "models/autoencoders.py", "__init__.py"} <= files
    assert "commands/__init__.py" in files  # the packages on the way run too
    assert not any(f.startswith("publish/") for f in files)


def test_the_classifier_does_not_cover_the_autoencoders_loss():
    files = _names("vaelab.commands.classifier")
    assert "models/classifier.py" in files and "train/losses.py" not in files


def test_a_changed_line_changes_the_key_and_a_comment_does_not(package_copy):
    before = source_hash.code_version("vaelab.commands.train")
    classifier = source_hash.code_version("vaelab.commands.classifier")
    losses = package_copy / "train/losses.py"
    text = losses.read_text()

    losses.write_text(text.replace("\ndef ", "\n# a note\n\n\ndef ", 1) + "\n\n")
    source_hash.code_version.cache_clear()
    assert source_hash.code_version("vaelab.commands.train") == before

    line = next(ln for ln in text.splitlines() if "return (-0.5 * (1 + logvar" in ln)
    losses.write_text(text.replace(line, line + " * 1.0", 1))
    source_hash.code_version.cache_clear()
    assert source_hash.code_version("vaelab.commands.train") != before
    assert source_hash.code_version("vaelab.commands.classifier") == classifier


def test_an_import_inside_a_function_is_followed(package_copy):
    (package_copy / "commands/extra_probe.py").write_text(
        "def run():\n    from vaelab.train import losses\n    return losses\n"
    )
    assert "train/losses.py" in _names("vaelab.commands.extra_probe")


def test_a_module_that_is_not_vaelabs_is_refused():
    with pytest.raises(ValueError, match="not a vaelab module"):
        source_hash.source_files("vaelab.no_such_module")
