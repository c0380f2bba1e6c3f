import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from textnn.text import BucketedBatches, Ragged, pad

sequences_strategy = st.lists(st.lists(st.integers(1, 50), max_size=40), min_size=1, max_size=60)


def naive_pad(seq, length, padding, truncating):
    seq = list(seq)
    if len(seq) > length:
        seq = seq[-length:] if truncating == "pre" else seq[:length]
    fill = [0] * (length - len(seq))
    return (fill + seq if padding == "pre" else seq + fill), len(seq)


@settings(max_examples=100, deadline=None)
@given(
    sequences_strategy,
    st.integers(1, 30),
    st.sampled_from(["pre", "post"]),
    st.sampled_from(["pre", "post"]),
)
def test_pad_matches_a_plain_python_version(sequences, length, padding, truncating):
    ids, lengths = pad(Ragged.from_lists(sequences), length, padding=padding, truncating=truncating)
    assert ids.dtype == np.int32 and lengths.dtype == np.int32
    for row, n, seq in zip(ids, lengths, sequences, strict=True):
        expected, expected_n = naive_pad(seq, length, padding, truncating)
        assert row.tolist() == expected and n == expected_n


def test_pad_rejects_bad_arguments():
    r = Ragged.from_lists([[1]])
    with pytest.raises(ValueError):
        pad(r, 0)
    with pytest.raises(ValueError):
        pad(r, 3, padding="left")


@settings(max_examples=60, deadline=None)
@given(sequences_strategy, st.integers(1, 9), st.integers(1, 8), st.integers(0, 5), st.booleans())
def test_bucketed_batches_cover_each_example_once(sequences, batch_size, multiple, seed, bucket):
    ragged = Ragged.from_lists(sequences)
    labels = np.arange(len(sequences)) % 3
    max_length = 24
    batches = BucketedBatches(
        ragged,
        labels,
        batch_size=batch_size,
        pad_multiple=multiple,
        max_length=max_length,
        seed=seed,
        bucket=bucket,
        pool_batches=2,
    )
    seen = []
    for batch in batches:
        assert batch.ids.shape[0] == batch_size
        length = batch.ids.shape[1]
        assert length <= max_length and (
            not bucket or length % multiple == 0 or length == max_length
        )
        for row, n, i, y in zip(batch.ids, batch.lengths, batch.index, batch.labels, strict=True):
            if i < 0:
                assert n == 0 and not row.any()
                continue
            seen.append(int(i))
            assert y == labels[i]
            assert row[:n].tolist() == sequences[i][:n] and not row[n:].any()
            assert n == min(len(sequences[i]), max_length)
        longest = int(batch.lengths.max())
        assert length == batches.padded_length(longest)
    assert sorted(seen) == list(range(len(sequences)))
    assert len(list(batches.batches(0))) == len(batches)


def test_bucketing_reduces_padding_and_is_reproducible():
    rng = np.random.default_rng(0)
    sequences = [[1] * int(n) for n in rng.integers(1, 400, size=2000)]
    ragged = Ragged.from_lists(sequences)
    bucketed = BucketedBatches(ragged, batch_size=32, pad_multiple=16, max_length=400, seed=1)
    fixed = BucketedBatches(ragged, batch_size=32, max_length=400, bucket=False, seed=1)

    def padded_cells(b):
        return sum(batch.ids.size for batch in b.batches(0))

    real = int(ragged.lengths.sum())
    assert padded_cells(bucketed) < 1.2 * real < padded_cells(fixed)
    first = [b.index.tolist() for b in bucketed.batches(3)]
    assert first == [b.index.tolist() for b in bucketed.batches(3)]
    assert first != [b.index.tolist() for b in bucketed.batches(4)]
    shapes = {b.ids.shape for e in range(3) for b in bucketed.batches(e)}
    assert len(shapes) <= 8 + 4 + 4 + 1  # steps of 16 to 128, 32 to 256, 64 to 512; max_length
    for longest in (1, 100, 129, 300, 399):
        length = bucketed.padded_length(longest)
        assert longest <= length < max(longest + 16, longest * 1.25)


def test_no_shuffle_keeps_order_and_no_filler():
    ragged = Ragged.from_lists([[1], [2, 2], [3]])
    batches = list(
        BucketedBatches(
            ragged, batch_size=2, shuffle=False, bucket=False, max_length=2, full_batches=False
        )
    )
    assert [b.index.tolist() for b in batches] == [[0, 1], [2]]
    assert batches[0].mask.all() and batches[1].num_real == 1
