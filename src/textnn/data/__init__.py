"""Raw text and labels: built-in datasets, the user's files, and splits."""

from textnn.data.dataset import Dataset, Examples
from textnn.data.load import available_splits, describe, load_dataset
from textnn.data.registry import DATASETS
from textnn.data.splits import stratified_kfold, train_validation_split

__all__ = [
    "DATASETS",
    "Dataset",
    "Examples",
    "available_splits",
    "describe",
    "load_dataset",
    "stratified_kfold",
    "train_validation_split",
]
