"""The knowledge base: every page has a French/English twin that states the same facts."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from assistant.knowledge_lint import (
    INSTITUTIONS,
    REQUIRED_KEYS,
    check_twins,
    extract_facts,
    load_pages,
)

KNOWLEDGE = Path(__file__).resolve().parent.parent / "knowledge"


# --------------------------------------------------------------------------- the real tree


def test_knowledge_tree_has_pages() -> None:
    pages = load_pages(KNOWLEDGE)
    assert len(pages) >= 2
    assert {p.lang_dir for p in pages} == {"en", "fr"}


def test_knowledge_twins_agree() -> None:
    problems = check_twins(load_pages(KNOWLEDGE))
    assert not problems, "knowledge twin problems:\n" + "\n".join(problems)


def test_every_page_has_required_front_matter() -> None:
    missing = [
        f"{page.relpath}: {key}"
        for page in load_pages(KNOWLEDGE)
        for key in REQUIRED_KEYS
        if page.meta.get(key) in (None, "")
    ]
    assert not missing, "missing front matter:\n" + "\n".join(missing)


def test_institution_pages_name_a_known_institution() -> None:
    wrong = [
        f"{page.relpath}: institution={page.meta.get('institution')!r}"
        for page in load_pages(KNOWLEDGE)
        if page.relpath.split("/")[1] == "institutions"
        and page.meta.get("institution") not in INSTITUTIONS
    ]
    assert not wrong, "institution pages with a missing or unknown institution id:\n" + "\n".join(
        wrong
    )


# --------------------------------------------------------------------------- helpers

EN_BODY = """\
# Funding

## Wage subsidy rates {#swpp-rates}

The Student Work Placement Program (SWPP) pays 50% of wages up to $5,000, or 70% up
to $7,000. Rates were confirmed on April 1, 2026 for terms of 4 months.

## Who qualifies {#swpp-eligibility}

Placements of 6 to 16 weeks and at least 180 hours qualify.
"""

FR_BODY = """\
# Financement

## Taux de subvention salariale {#swpp-rates}

Le Programme de stages pratiques pour étudiants (PSPE) couvre 50 % du salaire jusqu'à
5 000 $, ou 70 % jusqu'à 7 000 $. Taux confirmés le 1er avril 2026 pour des stages de
quatre mois.

## Qui est admissible {#swpp-eligibility}

Les stages de 6 à 16 semaines et d'au moins 180 heures sont admissibles.
"""


def write_page(
    root: Path,
    lang: str,
    body: str,
    *,
    rel: str = "playbook/funding.md",
    pair: str = "playbook-funding",
    meta: dict[str, str] | None = None,
) -> Path:
    """Write one knowledge page under ``root/<lang>/<rel>``; ``meta`` overrides front matter.

    An empty string in ``meta`` removes that key.
    """
    fields = {
        "id": f"{pair}-{lang}",
        "pair": pair,
        "title": "Funding" if lang == "en" else "Financement",
        "lang": lang,
        "audience": "employer",
        "source_url": "https://example.org/swpp",
        "reviewed": "2026-11-23",
    }
    fields.update(meta or {})
    front = "\n".join(f"{k}: {v}" for k, v in fields.items() if v != "")
    path = root / lang / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"---\n{front}\n---\n\n{textwrap.dedent(body)}", encoding="utf-8")
    return path


def problems_for(root: Path) -> list[str]:
    return check_twins(load_pages(root))


@pytest.fixture
def twins(tmp_path: Path) -> Path:
    """A correct EN/FR twin pair; tests break one thing and expect a report."""
    write_page(tmp_path, "en", EN_BODY)
    write_page(tmp_path, "fr", FR_BODY)
    return tmp_path


# --------------------------------------------------------------------------- the checker


def test_correct_twins_pass(twins: Path) -> None:
    assert problems_for(twins) == []


def test_sections_and_keys_are_parsed(twins: Path) -> None:
    en = next(p for p in load_pages(twins) if p.lang_dir == "en")
    assert list(en.sections) == ["swpp-rates", "swpp-eligibility"]
    heading, text = en.sections["swpp-rates"]
    assert heading == "Wage subsidy rates"
    assert "$5,000" in text and "180 hours" not in text
    assert en.section_key("swpp-rates") == "playbook-funding#swpp-rates"


def test_missing_twin_is_reported(tmp_path: Path) -> None:
    write_page(tmp_path, "en", EN_BODY)
    problems = problems_for(tmp_path)
    assert any("no French twin" in p and "playbook/funding.md" in p for p in problems)


def test_missing_english_twin_is_reported(tmp_path: Path) -> None:
    write_page(tmp_path, "fr", FR_BODY)
    assert any("no English twin" in p for p in problems_for(tmp_path))


def test_changed_amount_in_french_is_reported(tmp_path: Path) -> None:
    write_page(tmp_path, "en", EN_BODY)
    write_page(tmp_path, "fr", FR_BODY.replace("5 000 $", "6 000 $"))
    problems = problems_for(tmp_path)
    assert len(problems) == 1
    assert "#swpp-rates" in problems[0]
    assert "money:5000" in problems[0] and "money:6000" in problems[0]


def test_changed_percentage_is_reported(tmp_path: Path) -> None:
    write_page(tmp_path, "en", EN_BODY)
    write_page(tmp_path, "fr", FR_BODY.replace("70 %", "75 %"))
    problems = problems_for(tmp_path)
    assert len(problems) == 1
    assert "pct:70" in problems[0] and "pct:75" in problems[0]


def test_changed_date_is_reported(tmp_path: Path) -> None:
    write_page(tmp_path, "en", EN_BODY)
    write_page(tmp_path, "fr", FR_BODY.replace("1er avril 2026", "1er mai 2026"))
    problems = problems_for(tmp_path)
    assert len(problems) == 1
    assert "date:2026-04-01" in problems[0] and "date:2026-05-01" in problems[0]


def test_changed_month_count_is_reported(tmp_path: Path) -> None:
    write_page(tmp_path, "en", EN_BODY)
    write_page(tmp_path, "fr", FR_BODY.replace("quatre mois", "six mois"))
    problems = problems_for(tmp_path)
    assert len(problems) == 1
    assert "months:4" in problems[0] and "months:6" in problems[0]


def test_changed_week_range_is_reported(tmp_path: Path) -> None:
    write_page(tmp_path, "en", EN_BODY)
    write_page(tmp_path, "fr", FR_BODY.replace("6 à 16 semaines", "6 à 12 semaines"))
    problems = problems_for(tmp_path)
    assert len(problems) == 1
    assert "#swpp-eligibility" in problems[0] and "weeks:16" in problems[0]


def test_reviewed_mismatch_is_reported(tmp_path: Path) -> None:
    write_page(tmp_path, "en", EN_BODY)
    write_page(tmp_path, "fr", FR_BODY, meta={"reviewed": "2026-10-01"})
    problems = problems_for(tmp_path)
    assert any("'reviewed' differs" in p for p in problems)


def test_missing_anchor_is_reported(tmp_path: Path) -> None:
    write_page(tmp_path, "en", EN_BODY)
    write_page(tmp_path, "fr", FR_BODY.split("## Qui est admissible")[0])
    problems = problems_for(tmp_path)
    assert any("missing in the French twin" in p and "swpp-eligibility" in p for p in problems)


def test_different_anchor_is_reported(tmp_path: Path) -> None:
    write_page(tmp_path, "en", EN_BODY)
    write_page(tmp_path, "fr", FR_BODY.replace("{#swpp-eligibility}", "{#admissibilite}"))
    problems = problems_for(tmp_path)
    assert any("missing in the French twin" in p for p in problems)
    assert any("missing in the English twin" in p and "admissibilite" in p for p in problems)


def test_heading_without_anchor_is_reported(tmp_path: Path) -> None:
    write_page(tmp_path, "en", EN_BODY.replace(" {#swpp-eligibility}", ""))
    write_page(tmp_path, "fr", FR_BODY)
    assert any("without an {#anchor}" in p for p in problems_for(tmp_path))


@pytest.mark.parametrize("key", ["pair", "audience", "source_url"])
def test_twin_front_matter_must_match(tmp_path: Path, key: str) -> None:
    other = {"pair": "playbook-money", "audience": "all", "source_url": "https://example.org/x"}
    write_page(tmp_path, "en", EN_BODY)
    if key == "pair":
        write_page(tmp_path, "fr", FR_BODY, pair=other[key])
    else:
        write_page(tmp_path, "fr", FR_BODY, meta={key: other[key]})
    assert any(f"{key!r} differs" in p for p in problems_for(tmp_path))


@pytest.mark.parametrize("key", REQUIRED_KEYS)
def test_missing_front_matter_is_reported(tmp_path: Path, key: str) -> None:
    write_page(tmp_path, "en", EN_BODY, meta={key: ""})
    write_page(tmp_path, "fr", FR_BODY, meta={key: ""})
    assert any(f"missing front matter key {key!r}" in p for p in problems_for(tmp_path))


def test_wrong_id_format_is_reported(tmp_path: Path) -> None:
    write_page(tmp_path, "en", EN_BODY, meta={"id": "funding-english"})
    write_page(tmp_path, "fr", FR_BODY)
    assert any(
        "id 'funding-english' should be playbook-funding-en" in p for p in problems_for(tmp_path)
    )


def test_institution_page_needs_a_valid_institution(tmp_path: Path) -> None:
    rel, pair = "institutions/acme.md", "institution-acme"
    write_page(tmp_path, "en", EN_BODY, rel=rel, pair=pair, meta={"institution": "acme_college"})
    write_page(tmp_path, "fr", FR_BODY, rel=rel, pair=pair, meta={"institution": "acme_college"})
    assert any("institution 'acme_college' not in" in p for p in problems_for(tmp_path))


def test_institution_page_without_institution_is_reported(tmp_path: Path) -> None:
    rel, pair = "institutions/mru.md", "institution-mru"
    write_page(tmp_path, "en", EN_BODY, rel=rel, pair=pair)
    write_page(tmp_path, "fr", FR_BODY, rel=rel, pair=pair)
    assert any("need an 'institution' key" in p for p in problems_for(tmp_path))


def test_valid_institution_twins_pass(tmp_path: Path) -> None:
    rel, pair = "institutions/st_marys.md", "institution-st_marys"
    write_page(tmp_path, "en", EN_BODY, rel=rel, pair=pair, meta={"institution": "st_marys"})
    write_page(tmp_path, "fr", FR_BODY, rel=rel, pair=pair, meta={"institution": "st_marys"})
    assert problems_for(tmp_path) == []


def test_broken_yaml_is_reported_not_raised(tmp_path: Path) -> None:
    path = tmp_path / "en" / "playbook" / "broken.md"
    path.parent.mkdir(parents=True)
    path.write_text("---\nid: [unclosed\n---\n\n# T\n\n## A {#a}\n\ntext\n", encoding="utf-8")
    problems = problems_for(tmp_path)
    assert any("not valid YAML" in p for p in problems)
    assert any("no French twin" in p for p in problems)


# --------------------------------------------------------------------------- fact extraction


@pytest.mark.parametrize(
    ("en", "fr", "token"),
    [
        ("$5,000", "5 000 $", "money:5000"),
        ("$15.00 an hour", "15,00 $ de l'heure", "money:15"),
        ("$21.73", "21,73 $", "money:21.73"),
        ("$635.2 million", "635,2 millions de dollars", "money:635200000"),
        ("$2.9M", "2,9 M$", "money:2900000"),
        ("50%", "50 %", "pct:50"),
        ("April 1, 2026", "1er avril 2026", "date:2026-04-01"),
        ("Sept 29, 2022", "29 septembre 2022", "date:2022-09-29"),
        ("May 2024", "mai 2024", "month:2024-05"),
        ("July 20", "20 juillet", "day:07-20"),
        ("in 2026-27", "en 2026-2027", "year:2027"),
        ("4 months", "4 mois", "months:4"),
        ("a four-month term", "un stage de quatre mois", "months:4"),
        ("4, 8 or 12 months", "4, 8 ou 12 mois", "months:12"),
        ("12 to 16 weeks", "de 12 à 16 semaines", "weeks:16"),
        ("every two weeks", "toutes les deux semaines", "weeks:2"),
        ("420 hours", "420 heures", "hours:420"),
        ("micro-placements of 2 to 10 days", "micro-stages de 2 à 10 jours", "days:10"),
        ("aged 15 to 30", "de 15 à 30 ans", "num:30"),
        ("250,000 opportunities", "250 000 possibilités", "num:250000"),
    ],
)
def test_facts_are_language_neutral(en: str, fr: str, token: str) -> None:
    en_facts, fr_facts = extract_facts(en, "en"), extract_facts(fr, "fr")
    assert token in en_facts
    assert en_facts == fr_facts


def test_facts_ignore_words_that_only_look_like_numbers_or_months() -> None:
    assert extract_facts("Employers may post a job in one week.", "en") == set()
    assert extract_facts("L'étudiant a une semaine de congé.", "fr") == set()
    assert extract_facts("Students in 3rd year and the 1er groupe.", "en") == set()


def test_year_range_expands_short_second_year() -> None:
    assert {"year:2022", "year:2025"} <= extract_facts("from 2022–25", "en")


def test_unknown_language_is_rejected() -> None:
    with pytest.raises(ValueError, match="unsupported language"):
        extract_facts("50%", "de")
