"""The datasets vaelab knows, each fact about them in one place: their files and checksums, their
size, their orientation, their classes' names and noun, and where they come from.

A dataset the study trains on has MNIST's four files (SPLIT_FILES) and its classes; an outside
set (config `outside.dataset`, the anomaly figure's out-of-distribution images) names the test
images and labels it uses. Any other dataset gives its checksums and class names in the config.
"""

from __future__ import annotations

from dataclasses import dataclass, field

SPLIT_FILES = {  # the files of a dataset in MNIST's layout, by the split's part
    "train_images": "train-images-idx3-ubyte",
    "train_labels": "train-labels-idx1-ubyte",
    "test_images": "t10k-images-idx3-ubyte",
    "test_labels": "t10k-labels-idx1-ubyte",
}
MNIST_TEST = {"images": SPLIT_FILES["test_images"], "labels": SPLIT_FILES["test_labels"]}


@dataclass(frozen=True)
class Classes:
    names: tuple[str, ...]  # label i is names[i]
    noun: str  # what one class is called: "digit", "item"

    @property
    def plural(self) -> str:
        return f"{self.noun}s"

    def name(self, label: int) -> str:
        return self.names[int(label)]


@dataclass(frozen=True)
class Source:
    url: str
    name: str
    description: str
    citation_id: str  # the paper's DOI
    citation: str


@dataclass(frozen=True)
class KnownDataset:
    name: str  # the config's `dataset`, and the name of its data folder
    md5: dict[str, str]  # file (without .gz) -> MD5 of its decompressed bytes
    source: Source
    classes: Classes | None = None  # a dataset the study trains on
    sizes: tuple[int, int] | None = None  # (training images, test images) of its files
    outside_files: dict[str, str] = field(default_factory=dict)  # as an outside set: images, labels
    transposed: bool = False  # images stored transposed relative to MNIST (EMNIST)


# MD5 of the *decompressed* files: the .gz wrappers in the repo were rewritten with `gzip -9n`,
# so only the decompressed bytes are comparable with the published values.
_DATASETS = (
    KnownDataset(
        name="mnist",
        md5={
            "train-images-idx3-ubyte": "6bbc9ace898e44ae57da46a324031adb",
            "train-labels-idx1-ubyte": "a25bea736e30d166cdddb491f175f624",
            "t10k-images-idx3-ubyte": "2646ac647ad5339dbf082846283269ea",
            "t10k-labels-idx1-ubyte": "27ae3e4e09519cfbb04c329615203637",
        },
        source=Source(
            url="https://yann.lecun.com/exdb/mnist/",
            name="MNIST handwritten digits",
            description="60,000 training and 10,000 test images of handwritten digits, 28x28 grey levels, "
            "as gzip'd IDX files (LeCun, Cortes and Burges).",
            citation_id="https://doi.org/10.1109/5.726791",
            citation="LeCun, Y., Bottou, L., Bengio, Y. and Haffner, P. (1998). "
            "Gradient-based learning applied to document recognition. Proceedings of the IEEE 86(11).",
        ),
        classes=Classes(tuple(str(d) for d in range(10)), "digit"),
        sizes=(60_000, 10_000),
        outside_files=MNIST_TEST,
    ),
    KnownDataset(
        name="fashion-mnist",
        md5={
            "train-images-idx3-ubyte": "f4a8712d7a061bf5bd6d2ca38dc4d50a",
            "train-labels-idx1-ubyte": "9018921c3c673c538a1fc5bad174d6f9",
            "t10k-images-idx3-ubyte": "8181f5470baa50b63fa0f6fddb340f0a",
            "t10k-labels-idx1-ubyte": "15d484375f8d13e6eb1aabb0c3f46965",
        },
        source=Source(
            url="https://github.com/zalandoresearch/fashion-mnist",
            name="Fashion-MNIST",
            description="60,000 training and 10,000 test images of Zalando's clothing items in ten classes, "
            "28x28 grey levels, as gzip'd IDX files in MNIST's layout (Xiao, Rasul and Vollgraf).",
            citation_id="https://doi.org/10.48550/arXiv.1708.07747",
            citation="Xiao, H., Rasul, K. and Vollgraf, R. (2017). Fashion-MNIST: a novel image dataset for "
            "benchmarking machine learning algorithms. arXiv:1708.07747.",
        ),
        classes=Classes(
            (
                "T-shirt/top",
                "Trouser",
                "Pullover",
                "Dress",
                "Coat",
                "Sandal",
                "Shirt",
                "Sneaker",
                "Bag",
                "Ankle boot",
            ),
            "item",
        ),
        sizes=(60_000, 10_000),
    ),
    KnownDataset(
        name="emnist-letters",
        md5={
            "emnist-letters-test-images-idx3-ubyte": "61a8a0b98c32ab980119d17876929174",
            "emnist-letters-test-labels-idx1-ubyte": "d4abea8cc93dcfd356f572b396d91116",
        },
        source=Source(
            url="https://www.nist.gov/itl/products-and-services/emnist-dataset",
            name="EMNIST letters (test part, letters a-m)",
            description="Handwritten letters from NIST Special Database 19 in MNIST's format; the study uses "
            "the letters a-m of the test part as out-of-distribution images.",
            citation_id="https://doi.org/10.48550/arXiv.1702.05373",
            citation="Cohen, G., Afshar, S., Tapson, J. and van Schaik, A. "
            "(2017). EMNIST: an extension of MNIST to handwritten letters. arXiv:1702.05373.",
        ),
        outside_files={
            "images": "emnist-letters-test-images-idx3-ubyte",
            "labels": "emnist-letters-test-labels-idx1-ubyte",
        },
        transposed=True,
    ),
)
KNOWN_DATASETS: dict[str, KnownDataset] = {d.name: d for d in _DATASETS}
