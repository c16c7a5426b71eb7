"""Names folded into keys, and which stored authors initials may mean: real names of the shared
data (OAI-PMH TeX, upstream Unicode, "Last, First" of arXiv listings)."""

from __future__ import annotations

import pytest

from dailypapers.authors.names import display_forms, key, resolve


@pytest.mark.parametrize(
    ("spelling", "folded"),
    [
        ("Bal\\'azs K\\'egl", "balazs kegl"),
        ("Balázs Kégl", "balazs kegl"),
        ("Kégl, Balázs", "balazs kegl"),
        ('Thomas M\\"{u}ller', "thomas muller"),
        ("Thomas Müller", "thomas muller"),
        ("Müller, Thomas", "thomas muller"),
        ("Le, Quoc V.", "quoc v le"),
        ("Quoc V. Le", "quoc v le"),
        ("QUOC V LE", "quoc v le"),
        ('Bernhard Sch\\"olkopf', "bernhard scholkopf"),
        ("Ömer Faruk Akgül", "omer faruk akgul"),
        ("Xing Han Lù", "xing han lu"),
        ("Chung-Ching Lin", "chung ching lin"),
        ("Łukasz Kaiser", "lukasz kaiser"),
        ("Søren Hauberg", "soren hauberg"),
        ('{\\AA}ke Br{\\aa}nnstr{\\"o}m', "ake brannstrom"),
        ("  Li   Dong ", "li dong"),
        ("Smith, Jr.", "smith jr"),
        ("Ｌｉ Ｄｏｎｇ", "li dong"),  # full-width forms, as pasted from CJK text
        # TeX as arXiv listings really carry it (shared/data/arxiv-listings)
        ("Th{é}otime de la Selle", "theotime de la selle"),
        ("Tolúl\\d{o}pé Ògúnrèmí", "tolulope ogunremi"),
        ("Peter St\\ütz", "peter stutz"),  # a stray backslash before a letter
        ("\\\\Ajinkya Umesh Mulik", "ajinkya umesh mulik"),
        ("Sathyanarayanan N. Aakur\\\\", "sathyanarayanan n aakur"),
        ("Nguy\\~ên", "nguyen"),
    ],
)
def test_it_folds_every_usual_spelling_into_one_key(spelling, folded):
    assert key(spelling) == folded


def test_it_gives_no_key_to_a_name_without_letters():
    assert key("") == key("., -") == key("\x00") == ""


def test_it_survives_tex_it_cannot_parse():
    assert key("Bal\\'{azs {K") == "balazs k"
    assert key("{" * 5000 + "x") == "x"


def test_it_merges_initials_with_the_one_full_name_of_that_initial():
    stored = ["ceyuan yang", "zhengyuan yang", "zhenhua yang"]
    assert resolve("c yang", stored).keys == ("c yang", "ceyuan yang")
    assert resolve("c yang", stored).candidates == ()


def test_it_lists_candidates_for_an_ambiguous_initial_and_never_merges():
    stored = ["zhengyuan yang", "zhenhua yang", "z yang"]
    found = resolve("z yang", stored)
    assert found.keys == ("z yang",)
    assert set(found.candidates) == {"zhengyuan yang", "zhenhua yang"}


def test_a_full_name_takes_in_its_initials_only_while_it_is_the_one_of_that_initial():
    assert resolve("ceyuan yang", ["ceyuan yang", "c yang"]).keys == ("ceyuan yang", "c yang")
    crowded = resolve("zhenhua yang", ["zhenhua yang", "zhengyuan yang", "z yang"])
    assert crowded.keys == ("zhenhua yang",) and crowded.candidates == ("z yang",)


def test_it_never_merges_names_that_differ_in_a_middle_name():
    found = resolve("quoc v le", ["quoc v le", "quoc le"])
    assert found.keys == ("quoc v le",) and found.candidates == ("quoc le",)
    assert resolve("q le", ["quoc v le", "quoc le"]).keys == ("q le",)


def test_it_reads_different_first_names_as_different_people():
    assert resolve("li dong", ["li dong", "lin dong", "l dong"]).keys == ("li dong",)
    assert resolve("yu sun", ["yu sun", "yutao sun"]).candidates == ()


def test_it_shows_the_most_used_spelling_with_tex_read_as_letters():
    rows = [("li dong", "Li Dong", 3), ("li dong", "LI DONG", 1), ("li dong", "Dong, Li", 2)]
    assert display_forms(rows) == {"li dong": "Li Dong"}
    rows = [("theotime de la selle", "Th{é}otime de la Selle", 1)]
    assert display_forms(rows) == {"theotime de la selle": "Théotime de la Selle"}
