"""BM25 details that matter for colloquial questions: missing accents, filler words, program names."""

from __future__ import annotations

from assistant.retrieval.lexical import LexicalIndex, is_name, query_synonyms, query_terms

DOCS = [
    # 0: a generic cost section that says "coût" and "combien" a lot.
    (
        "Combien coûte un stagiaire? Le coût principal est le salaire, plus le temps de "
        "supervision.",
        "fr",
    ),
    # 1: the program the question names, long and mentioning it once.
    (
        "Le programme Mitacs Accélération finance des projets de recherche avec un superviseur "
        "universitaire. L'organisation partenaire verse 7 500 $ par unité de quatre à six mois, "
        "et le programme verse un montant égal; les demandes sont acceptées toute l'année.",
        "fr",
    ),
    # 2-4: other sections that mention the program in passing.
    ("Les stagiaires étrangers sont admissibles à Mitacs mais pas au PSPE.", "fr"),
    ("Une subvention salariale bonifiée existe pour embaucher des étudiantes autochtones.", "fr"),
    ("Déclarez la blessure d'un stagiaire à la WCB dans les 72 heures.", "fr"),
    ("The SWPP subsidy covers half of the student's wages.", "en"),
    # Costs come up everywhere; the program's name is the question's real subject.
    ("Le coût de la protection WCB est payé par l'employeur.", "fr"),
    ("Un micro-stage coûte peu: combien d'heures faut-il? De 2 à 10 jours.", "fr"),
]


def _index() -> LexicalIndex:
    return LexicalIndex([t for t, _ in DOCS], [lang for _, lang in DOCS])


def _search(index: LexicalIndex, query: str, boost: float = 1.0) -> list[tuple[int, float]]:
    terms = query_terms(query, "fr")
    hits = index.search(terms, synonyms=query_synonyms(terms, "fr"), name_boost=boost)
    return [(h.index, h.coverage) for h in hits]


def test_a_named_program_outranks_a_section_that_only_repeats_the_question_words() -> None:
    index = _index()
    plain = _search(index, "ça coûte combien avec mitacs pour nous", boost=0.0)
    boosted = _search(index, "ça coûte combien avec mitacs pour nous")
    assert plain[0][0] == 0  # without the boost, "coûte combien" wins
    assert boosted[0][0] in (1, 2)  # a section about Mitacs


def test_program_names_are_recognised_in_either_language() -> None:
    assert is_name(set(query_terms("Mitacs", "fr")[0]))
    assert is_name(set(query_terms("PSPE", "fr")[0]))
    assert is_name(set(query_terms("swpp", "en")[0]))
    assert not is_name(set(query_terms("subvention", "fr")[0]))


def test_french_typed_without_accents_matches_accented_text_fully() -> None:
    index = _index()
    hits = dict(_search(index, "mon stagiaire s'est blesse, je fais quoi"))
    # "fais" is filler, not an unknown word dragging the coverage down.
    assert hits[4] == 1.0


def test_a_colloquial_word_counts_through_its_synonym() -> None:
    index = _index()
    hits = _search(index, "y a plus d'argent si j'embauche une etudiante autochtone?")
    assert hits[0][0] == 3
    assert hits[0][1] >= 0.6  # enough for the relevance gate with a fair dense score
