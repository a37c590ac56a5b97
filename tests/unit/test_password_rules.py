"""The password rules (services/passwords.py), each on its own: NCSC guidance, no composition rules."""

import pytest

from app.services import passwords

EMAIL, NAME = "olive.owner@council.example", "Olive Owner"


def problem(password: str) -> str | None:
    return passwords.problem(password, email=EMAIL, name=NAME)


def test_twelve_characters_at_least():
    assert problem("k7#mq2vw9pz") == "Choose a password of at least 12 characters"  # 11
    assert problem("k7#mq2vw9pzx") is None  # 12


def test_long_pass_phrases_are_welcome_up_to_256_characters():
    assert problem("correct horse battery staple " * 2) is None
    assert problem("w" + "x7qz" * 64) == "Choose a password of 256 characters or fewer"  # 257
    assert problem(("plum tree " * 26)[:256]) is None


def test_no_composition_rules():
    assert problem("just lower case words here") is None  # no digits, capitals or symbols needed


@pytest.mark.parametrize("password", ["aaaaaaaaaaaa", "............", "abababababab", "abcabcabcabcabc", "111111111111"])
def test_one_character_or_a_few_repeated_are_refused(password):
    assert problem(password) == "Choose a password that is not one character, or a few, repeated"


@pytest.mark.parametrize("password", ["qwerty123456", "QWERTY123456", "1q2w3e4r5t6y", "Password2024!", "!!sunshine!!",
                                      "iloveyou1234"])
def test_common_passwords_are_refused_whatever_the_case_and_added_digits(password):
    assert problem(password) == ("Choose a password that is harder to guess: this one is among the most common "
                                 "passwords")


def test_the_shipped_list_has_the_20000_common_passwords():
    assert len(passwords.common_passwords()) > 19_000 and "password" in passwords.common_passwords()


@pytest.mark.parametrize("password", [EMAIL, EMAIL.upper(), "olive.owner2024", "Olive Owner 2024", "oliveowner!!!"])
def test_the_persons_email_address_or_name_is_refused(password):
    assert problem(password) == "Choose a password that is not your email address or name"


def test_a_name_inside_a_longer_phrase_is_fine():
    assert problem("olive owner grows green tomatoes") is None

