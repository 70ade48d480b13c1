"""The known datasets (vaelab.data.registry): each fact has its one home there, and the schema's
list of outside sets, which JSON Schema needs written out, names exactly the registry's."""

from pathlib import Path

import yaml

from vaelab.config_checks import KNOWN_SIZES
from vaelab.data.classes import KNOWN_CLASSES, N_CLASSES
from vaelab.data.datasets import KNOWN_MD5, OUTSIDE_FILES, read_idx
from vaelab.data.registry import KNOWN_DATASETS, SPLIT_FILES

ROOT = Path(__file__).resolve().parents[2]


def test_the_schemas_outside_sets_are_the_registrys():
    schema = yaml.safe_load((ROOT / "workflow/schemas/config.schema.yaml").read_text())
    enum = schema["properties"]["outside"]["properties"]["dataset"]["enum"]
    assert sorted(enum) == sorted(OUTSIDE_FILES) == ["emnist-letters", "mnist"]


def test_a_dataset_the_study_trains_on_has_its_four_files_classes_and_sizes():
    trainable = [d for d in KNOWN_DATASETS.values() if d.classes]
    assert {d.name for d in trainable} == {"mnist", "fashion-mnist"} == set(KNOWN_CLASSES) == set(KNOWN_SIZES)
    for known in trainable:
        assert set(known.md5) == set(SPLIT_FILES.values()), known.name
        assert len(known.classes.names) == N_CLASSES and known.sizes == (60_000, 10_000)
    assert KNOWN_MD5["fashion-mnist"] == KNOWN_DATASETS["fashion-mnist"].md5


def test_an_outside_sets_files_have_checksums_and_emnist_is_transposed():
    for name, (files, transposed) in OUTSIDE_FILES.items():
        assert set(files) == {"images", "labels"} and set(files.values()) <= set(KNOWN_DATASETS[name].md5)
        assert transposed == (name == "emnist-letters")


def test_the_repositorys_data_files_match_the_registrys_checksums():
    """The data shipped with vaelab (data/<dataset>/) reads with the registry's MD5s."""
    checked = []
    for known in KNOWN_DATASETS.values():
        for stem, md5 in known.md5.items():
            path = ROOT / "data" / known.name / f"{stem}.gz"
            if path.exists():  # mnist and the EMNIST letters are in the repository
                read_idx(path, md5)  # DataError on a mismatch
                checked.append(path.parent.name)
    assert checked.count("mnist") == 4 and checked.count("emnist-letters") == 2
