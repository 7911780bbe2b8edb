import pytest

from tidings.domain.ids import FlakeGenerator, decode, encode, flake_at, is_flake, new_id


def test_flake_ids_sort_as_strings_in_creation_order() -> None:
    generator = FlakeGenerator(node=7)
    ids = [encode(generator.next_int(at_ms=1_700_000_000_000 + n // 3)) for n in range(300)]
    assert ids == sorted(ids)
    assert len(set(ids)) == 300


def test_ids_of_one_millisecond_stay_unique_when_the_sequence_wraps() -> None:
    generator = FlakeGenerator(node=1)
    ids = {generator.next_int(at_ms=1_700_000_000_000) for _ in range(70_000)}
    assert len(ids) == 70_000


def test_flake_ids_round_trip_and_look_like_pleromas() -> None:
    flake = new_id()
    assert len(flake) == 18
    assert encode(decode(flake)) == flake
    assert flake_at(0) < flake


@pytest.mark.parametrize("text", ["", "abc-def", "../x", "9" * 23, "é"])
def test_anything_else_is_not_a_flake(text: str) -> None:
    assert not is_flake(text)
    with pytest.raises(ValueError):
        decode(text)
