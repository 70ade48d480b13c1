"""What a dataset's labels are called: the names of its classes and the word for one class.

The known datasets name their classes in vaelab.data.registry; any other dataset names them in the config
(`class_names`, `class_noun`), checked before any job (vaelab.config_checks). Every figure,
caption, table and the report say these names, so that another dataset reads as itself.
"""

from __future__ import annotations

from vaelab.data.registry import KNOWN_DATASETS, Classes

KNOWN_CLASSES = {name: known.classes for name, known in KNOWN_DATASETS.items() if known.classes}

# labels every dataset of the study has: the models, the classifier and the figures assume ten
N_CLASSES = 10


class ClassesError(ValueError):
    """A dataset vaelab does not know, without its class names in the config."""


def classes_problems(dataset: str, class_names: list[str] | None, class_noun: str | None) -> list[str]:
    """What is wrong with a dataset's class names in the config, each naming the key to set."""
    problems = []
    known = KNOWN_CLASSES.get(dataset)
    if class_names is None and known is None:
        problems.append(
            f"class_names: dataset {dataset!r} is not one vaelab knows ({', '.join(sorted(KNOWN_CLASSES))}); "
            f"set class_names to the names of its {N_CLASSES} labels, label 0 first"
        )
    elif class_names is not None and len(class_names) != N_CLASSES:
        problems.append(
            f"class_names: {len(class_names)} names given; the study's labels are 0..{N_CLASSES - 1}, "
            f"so give {N_CLASSES} names, label 0 first"
        )
    if class_noun is None and known is None:
        problems.append(
            f"class_noun: dataset {dataset!r} is not one vaelab knows; set class_noun to what one of its "
            'classes is called (e.g. "item", "species")'
        )
    return problems


def dataset_classes(dataset: str, class_names: list[str] | None = None, class_noun: str | None = None) -> Classes:
    """The classes of `dataset`: the config's `class_names` / `class_noun` where given (not None),
    else those of the known dataset; ClassesError naming the key to set when neither."""
    problems = classes_problems(dataset, class_names, class_noun)
    if problems:
        raise ClassesError("; ".join(problems))
    known = KNOWN_CLASSES.get(dataset)
    names = tuple(str(n) for n in class_names) if class_names is not None else known.names
    return Classes(names, class_noun if class_noun is not None else known.noun)


def config_classes(config: dict) -> Classes:
    """The classes of a validated config's dataset."""
    return dataset_classes(config["dataset"], config.get("class_names"), config.get("class_noun"))


def outside_label_name(dataset: str, label: int) -> str:
    """The name of a label of a known out-of-distribution set (config `outside.dataset`):
    EMNIST letters 1..26 -> 'a'..'z'; MNIST 0..9 -> '0'..'9'."""
    if dataset == "emnist-letters":
        if not 1 <= label <= 26:
            raise ValueError(f"EMNIST letter labels run from 1 to 26, got {label}")
        return chr(ord("a") + label - 1)
    if dataset in KNOWN_CLASSES:
        return KNOWN_CLASSES[dataset].name(label)
    raise ValueError(f"no label names known for the outside set {dataset!r}")
