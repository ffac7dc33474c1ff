"""IIN / BIN / RNN check digits against the real numbers of codebooks-source/id_examples.csv."""

import datetime as dt

import pytest

from models.ids import (
    iin_birth_date,
    iin_check_digit,
    iin_sex,
    iin_valid,
    make_bin,
    make_iin,
    rnn_valid,
)

VALID_BIN = ["940140000385", "950341000052", "961141000023", "070941024691", "990140004654"]
VALID_IIN = ["061211600012", "791028302728", "850301300301"]
INVALID_IIN = ["940140000386", "791028302729", "061211600013"]
VALID_RNN = ["271800059535", "600400000099"]
INVALID_RNN = ["271800059536"]


@pytest.mark.parametrize("number", VALID_BIN + VALID_IIN)
def test_iin_bin_check_digit_valid(number):
    assert iin_valid(number)


@pytest.mark.parametrize("number", INVALID_IIN + ["12345", "79102830272a", ""])
def test_iin_check_digit_invalid(number):
    assert not iin_valid(number)


def test_second_weights_used_when_first_pass_gives_ten():
    # 85030130030: weights 1..11 give 10, so weights 3..11,1,2 decide (id_examples.csv)
    digits = [int(c) for c in "85030130030"]
    assert sum(d * w for d, w in zip(digits, range(1, 12), strict=True)) % 11 == 10
    assert iin_check_digit("85030130030") == 1


def test_never_issued_prefix_has_no_valid_completion():
    assert iin_check_digit("85030130110") is None
    assert not any(iin_valid("85030130110" + str(d)) for d in range(10))


@pytest.mark.parametrize("number", VALID_RNN)
def test_rnn_valid(number):
    assert rnn_valid(number)


@pytest.mark.parametrize("number", INVALID_RNN + ["27180005953", "abc"])
def test_rnn_invalid(number):
    assert not rnn_valid(number)


def test_iin_encodes_birth_date_and_sex():
    assert iin_birth_date("061211600012") == dt.date(2006, 12, 11)
    assert iin_sex("061211600012") == "2"
    assert iin_birth_date("791028302728") == dt.date(1979, 10, 28)
    assert iin_sex("791028302728") == "1"


def test_made_numbers_are_valid():
    for serial in range(200):
        iin = make_iin(dt.date(1985, 3, 12), "1", serial)
        if iin:
            assert iin_valid(iin) and iin_birth_date(iin) == dt.date(1985, 3, 12)
        b = make_bin(dt.date(2010, 5, 1), "4", "0", serial)
        if b:
            assert iin_valid(b)
