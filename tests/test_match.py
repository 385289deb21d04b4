"""SPEC §5: resolving task entries, splitting hours, the assessment date."""

from __future__ import annotations

import datetime as dt
import re
from concurrent.futures import ThreadPoolExecutor

import pytest
import snowballstemmer
from support import placement

from portfolio import match as matching
from portfolio.french import fold
from portfolio.load import load_referentiel, load_workspace
from portfolio.match import (
    STOP_WORDS,
    match_worker,
    normalise,
    prorata,
    vocabulary,
    workspace_vocabulary,
)
from portfolio.model.evidence import WorkerEvidence
from portfolio.model.loaded import Workspace
from portfolio.resources import referentiels_dir

AS_OF = dt.date(2003, 6, 30)

# Words chosen not to occur in the bundled transversal référentiels, which are always assessed.
TST = """\
id: tst
title: Référentiel de test
track: emplois-familiaux
certification: {kind: titre-professionnel}
defaults: {min_hours: 30, observation: true}
blocks:
  - id: b1
    title: Entretenir le logement et le linge
    competencies:
      - {id: c1, title: Entretenir le linge, plain: Je sais repasser}
      - {id: c2, title: Entretenir le logement, plain: Je sais faire le ménage}
  - id: b2
    title: Cuisiner
    competencies:
      - {id: c3, title: Préparer un repas, plain: Je sais cuisiner}
tasks:
  - {id: repassage, label: Repasser le linge, synonyms: [repassage, fer à repasser],
     evidences: [b1.c1]}
  - {id: sols, label: Laver les sols, synonyms: [serpillière], evidences: [b1.c2]}
  - {id: linge, label: Laver le linge, evidences: [b1.c1, b1.c2]}
  - {id: cuisine, label: Cuisiner des plats, synonyms: [cuisine], evidences: [b2.c3]}
"""

# A second target whose task shares the bare id `cuisine` with tst.
TSX = """\
id: tsx
title: Second référentiel de test
track: restauration-collective
certification: {kind: cqp}
blocks:
  - id: b1
    title: Cuisine collective
    competencies:
      - {id: c1, title: Cuisiner en quantité, plain: Je cuisine pour beaucoup}
tasks:
  - {id: cuisine, label: Servir les convives au self, evidences: [b1.c1]}
"""


def worker_yaml(placements: str, targets: str = "[tst]") -> str:
    return f"""\
id: w-1
first_name: Fatima
last_name: B.
association: ai-est
targets: {targets}
consent: {{given: true, date: 2002-09-20}}
placements:
{placements}"""


@pytest.fixture
def match(make_workspace):
    """Load a workspace with the test référentiels and one worker; match it at a date."""

    def run(placements: str, as_of: dt.date = AS_OF, targets: str = "[tst]") -> WorkerEvidence:
        root = make_workspace(
            {
                "referentiels/tst.yaml": TST,
                "referentiels/tsx.yaml": TSX,
                "workers/w-1.yaml": worker_yaml(placements, targets),
            }
        )
        ws, issues = load_workspace(root)
        assert not [i for i in issues if i.is_error], issues
        worker = ws.workers["w-1"]
        return match_worker(worker, ws.assessed_referentiels(worker), as_of)

    return run


def hours_of(evidence: WorkerEvidence, competency: str) -> float:
    return sum(e.hours for e in evidence.by_competency.get(competency, ()))


def tasks_of(evidence: WorkerEvidence) -> list[tuple[str, ...]]:
    return [e.tasks for e in evidence.entries]


# --- §5.1 normalising -------------------------------------------------------------------------


def test_normalising_lowercases_and_folds_accents():
    assert normalise("FER À REPASSER") == normalise("fer a repasser")
    assert normalise("Serpillière") == normalise("serpilliere")


def test_normalising_replaces_non_letters_by_spaces():
    assert normalise("fer-à-repasser !") == normalise("fer repasser")
    assert normalise("l'enfant") == normalise("enfant")


def test_normalising_folds_the_french_ligatures():
    # SPEC §5.1: NFKD keeps « œ » and « æ », so they are folded on their own; keyboards type « oe ».
    assert normalise("Nettoyer le cœur de l'œuvre") == normalise("nettoyer le coeur de l'oeuvre")


def test_normalising_keeps_digits():
    assert normalise("niveau 2") == (*normalise("niveau"), "2")


def test_normalising_drops_exactly_the_37_stop_words_of_the_spec():
    pinned = (
        "a au aux avec d de des du en et l la le les par pour sur un une ou dans chez ce cet "
        "cette ces son sa ses leur leurs y s n qu que qui"
    ).split()
    assert set(pinned) == STOP_WORDS
    assert len(STOP_WORDS) == 37
    assert len(normalise("pas vous se")) == 3  # stop words elsewhere, words here
    assert normalise("Le ménage et la vaisselle pour une dame") == normalise(
        "ménage vaisselle dame"
    )


def test_stop_words_are_dropped_after_lower_casing_and_folding():
    # « À » and « LES » are stop words only once lower-cased and folded.
    assert normalise("À LES linges") == normalise("linges")


def test_normalising_stems_each_word_with_the_french_snowball_stemmer():
    assert normalise("repasser") == ("repass",)
    assert normalise("laver les sols") == ("lav", "sol")


def test_the_compiled_stemmer_stems_every_word_of_the_referentiels_as_snowball_does():
    """PyStemmer (a dependency, for speed) runs the same French Snowball algorithm as the
    pure-Python stemmer of SPEC §5.1: every word of the bundled référentiels, folded or not,
    gets the same stem from both."""
    from snowballstemmer.french_stemmer import FrenchStemmer

    compiled, reference = snowballstemmer.stemmer("french"), FrenchStemmer()
    assert type(compiled).__module__ == "Stemmer"
    text = " ".join(p.read_text(encoding="utf-8") for p in referentiels_dir().glob("*.yaml"))
    words = set(re.findall(r"\w+", text.lower())) | set(re.findall(r"\w+", fold(text.lower())))
    assert len(words) > 2000
    assert {w for w in words if compiled.stemWord(w) != reference.stemWord(w)} == set()


def test_empty_or_stop_words_only_text_normalises_to_nothing():
    assert normalise("") == ()
    assert normalise("de la, et du !") == ()


# --- §5.1 resolving ---------------------------------------------------------------------------


def test_exact_task_id_resolves(match):
    # « sols » alone does not contain the label tokens (lav, sol): only the id matches.
    evidence = match(placement("[sols]"))
    assert tasks_of(evidence) == [("tst.sols",)]


def test_full_task_id_resolves(match):
    evidence = match(placement("[tst.sols]"))
    assert tasks_of(evidence) == [("tst.sols",)]


def test_task_id_shared_by_two_targets_resolves_to_both(match):
    evidence = match(placement("[cuisine]"), targets="[tst, tsx]")
    assert tasks_of(evidence) == [("tst.cuisine", "tsx.cuisine")]


def test_full_task_id_picks_one_referentiel(match):
    evidence = match(placement("[tsx.cuisine]"), targets="[tst, tsx]")
    assert tasks_of(evidence) == [("tsx.cuisine",)]


def test_tasks_of_referentiels_not_assessed_are_not_resolved(match):
    evidence = match(placement("[servir les convives au self]"))
    assert tasks_of(evidence) == [()]


def test_entry_equal_to_a_normalised_label_resolves(match):
    evidence = match(placement("[LAVER LES SOLS]"))
    assert tasks_of(evidence) == [("tst.sols",)]


def test_entry_equal_to_a_normalised_synonym_resolves(match):
    evidence = match(placement("[la serpilliere]"))
    assert tasks_of(evidence) == [("tst.sols",)]


def test_label_occurring_as_a_contiguous_run_resolves(match):
    evidence = match(placement("[Laver les sols chez Mme D. le mardi]"))
    assert tasks_of(evidence) == [("tst.sols",)]


def test_label_tokens_apart_do_not_resolve(match):
    # (lav, sol) is not a contiguous run of (lav, grand, sol).
    evidence = match(placement("[laver les grands sols]"))
    assert tasks_of(evidence) == [()]


def test_entry_resolves_to_every_task_it_contains(match):
    evidence = match(placement("[Repasser le linge puis laver le linge]"))
    assert tasks_of(evidence) == [("tst.repassage", "tst.linge")]


def test_vocabulary_resolve_and_suggest_are_public(make_workspace):
    root = make_workspace({"referentiels/tst.yaml": TST})
    ws, _ = load_workspace(root)
    vocab = vocabulary([ws.referentiels["tst"]])
    assert vocab.resolve("fer à repasser") == ("tst.repassage",)
    assert vocab.suggest("repasage du linje")[0] == "Repasser le linge (tst.repassage)"


def test_vocabulary_is_built_once_per_workspace_and_set_of_referentiels(make_workspace):
    root = make_workspace({"referentiels/tst.yaml": TST})
    ws, _ = load_workspace(root)
    other, _ = load_workspace(root)
    refs = [ws.referentiels["tst"], ws.referentiels["savoir-etre"]]
    assert workspace_vocabulary(ws, refs) is workspace_vocabulary(ws, list(refs))
    assert workspace_vocabulary(ws, refs) is not workspace_vocabulary(ws, refs[:1])
    assert workspace_vocabulary(other, refs) is not workspace_vocabulary(ws, refs)


# --- §5.2 unresolved entries -----------------------------------------------------------------


def test_unresolved_entry_gets_the_closest_suggestions(match):
    evidence = match(placement("[repasage du linje]"))
    (entry,) = evidence.unresolved
    assert entry.suggestions[0] == "Repasser le linge (tst.repassage)"


def test_unresolved_entry_without_any_close_task_gets_no_suggestion(match):
    evidence = match(placement("[xyz]"))
    assert evidence.unresolved[0].suggestions == ()


BUNDLED_REFERENTIELS = {
    f.stem: ref for f in referentiels_dir().glob("*.yaml") if (ref := load_referentiel(f)[0])
}


def bundled_vocabulary(target: str):
    """The vocabulary of a worker of one trade: its référentiel and the transversal ones."""
    refs = BUNDLED_REFERENTIELS
    return vocabulary([refs[target], refs["savoir-etre"], refs["numerique"]])


@pytest.mark.parametrize(
    ("target", "entry", "task"),
    [
        ("advf", "repassaje", "advf.repassage"),
        ("advf", "aide a la toillette", "advf.toilette"),
        ("epr", "plongue", "epr.plonge"),
        ("epr", "eplucahge des carottes", "epr.epluchage"),
        ("epr", "sevice self", "epr.service-self"),
        ("aph", "monobroce", "aph.monobrosse"),
        ("aph", "aspirateure", "aph.aspiration"),
        ("amb", "peinturre", "amb.peinture"),
        ("paysagiste", "élagge", "paysagiste.elagage"),
        ("paysagiste", "débrousaillge des talus", "paysagiste.debroussaillage"),
        ("eaa", "archivvage", "eaa.archivage"),
    ],
)
def test_a_typo_gets_its_task_suggested_first(target: str, entry: str, task: str) -> None:
    vocab = bundled_vocabulary(target)
    assert vocab.resolve(entry) == ()
    assert vocab.suggest(entry)[0].endswith(f"({task})")


def test_a_vocabulary_remembers_a_bounded_number_of_entries(monkeypatch) -> None:
    """Memory stays flat over a federation: past `REMEMBERED` entries a memo starts again, and
    the answers stay those of a vocabulary that never forgot anything."""
    entries = ["repassaje", "aide a la toillette", "plongue", "jardinage", "garde chat"] * 3
    expected = [
        (bundled_vocabulary("advf").resolve(e), bundled_vocabulary("advf").suggest(e))
        for e in entries
    ]
    monkeypatch.setattr(matching, "REMEMBERED", 2)
    vocab = bundled_vocabulary("advf")
    assert [(vocab.resolve(e), vocab.suggest(e)) for e in entries] == expected
    assert max(len(vocab._resolved), len(vocab._suggested), len(vocab._near)) <= 2


@pytest.mark.parametrize(
    ("target", "entry"),
    [
        ("paysagiste", "lavage voiture"),
        ("advf", "lavage voiture"),
        ("advf", "garde chat"),
        ("advf", "soins infirmiers"),
        ("advf", "jardinage"),
        ("eaa", "cariste"),
        ("eaa", "vente"),
        ("paysagiste", "conduite poids lourd"),
    ],
)
def test_an_unrelated_entry_gets_no_suggestion(target: str, entry: str) -> None:
    # Nothing rather than noise: « lavage voiture » used to get dallage, clôture and élagage.
    vocab = bundled_vocabulary(target)
    assert vocab.resolve(entry) == ()
    assert vocab.suggest(entry) == ()


def test_a_typo_on_the_first_letter_or_a_short_word_is_not_guessed() -> None:
    # « lavage » is one letter from « pavage », « vitr » (vitres) one from « vita » (vitae).
    assert bundled_vocabulary("paysagiste").suggest("lavage") == ()
    assert "numerique.cv-ordinateur" not in " ".join(bundled_vocabulary("aph").suggest("vitre"))


def test_unresolved_entry_hours_count_in_work_hours_and_evidence_nothing(match):
    evidence = match(placement("[repassage, tonte des haies]", hours=60))
    assert evidence.work_hours == 60
    assert hours_of(evidence, "tst.b1.c1") == 30
    assert sum(len(v) for v in evidence.by_competency.values()) == 1


# --- §5.3 hours -------------------------------------------------------------------------------


def test_entry_with_hours_takes_them(match):
    evidence = match(placement("[{task: repassage, hours: 20}, sols]", hours=60))
    assert hours_of(evidence, "tst.b1.c1") == 20


def test_rest_of_placement_is_split_equally_among_entries_without_hours(match):
    evidence = match(placement("[{task: repassage, hours: 20}, sols, cuisine]", hours=60))
    assert hours_of(evidence, "tst.b1.c2") == 20
    assert hours_of(evidence, "tst.b2.c3") == 20


def test_rest_evidences_nothing_when_every_entry_has_hours(match):
    evidence = match(placement("[{task: repassage, hours: 20}, {task: sols, hours: 10}]", hours=60))
    assert evidence.work_hours == 60
    assert hours_of(evidence, "tst.b1.c1") == 20
    assert hours_of(evidence, "tst.b1.c2") == 10
    assert "tst.b2.c3" not in evidence.by_competency


def test_entry_without_hours_gets_nothing_when_explicit_hours_use_the_placement(match):
    evidence = match(placement("[{task: repassage, hours: 60}, sols]", hours=60))
    assert "tst.b1.c2" not in evidence.by_competency


def test_entry_resolving_to_two_tasks_splits_its_hours(match):
    evidence = match(placement("[Repasser le linge et laver le linge]", hours=60))
    # repassage: 30 h → c1; linge: 30 h → c1 and c2.
    assert hours_of(evidence, "tst.b1.c1") == 60
    assert hours_of(evidence, "tst.b1.c2") == 30


def test_task_gives_its_hours_to_every_competency_it_evidences(match):
    evidence = match(placement("[linge]", hours=40))
    assert hours_of(evidence, "tst.b1.c1") == 40
    assert hours_of(evidence, "tst.b1.c2") == 40


def test_entries_of_one_placement_resolving_to_one_task_add_up(match):
    evidence = match(placement("[repassage, fer à repasser]", hours=40))
    (item,) = evidence.by_competency["tst.b1.c1"]
    assert (item.ref, item.task, item.hours) == ("p1", "tst.repassage", 40)


def test_placement_without_task_entries_counts_only_in_work_hours(match):
    evidence = match(placement("[]", hours=40))
    assert evidence.work_hours == 40
    assert evidence.by_competency == {}


def test_placement_evidence_follows_placement_file_order(match):
    placements = placement("[repassage]", ident="p2", start="2003-01-01", end="2003-01-31")
    placements += placement("[linge]", ident="p1", client="M. L.")
    evidence = match(placements)
    assert [e.ref for e in evidence.by_competency["tst.b1.c1"]] == ["p2", "p1"]


# --- §5.4 assessment date ---------------------------------------------------------------------


def test_placement_starting_after_the_assessment_date_does_not_count(match):
    evidence = match(placement("[repassage]", start="2003-07-01", end="2003-07-31"))
    assert evidence.work_hours == 0
    assert evidence.by_competency == {}


def test_placement_ending_on_the_assessment_date_counts_fully(match):
    evidence = match(placement("[repassage]", start="2003-06-01", end="2003-06-30", hours=45))
    assert evidence.work_hours == 45


def test_straddling_placement_is_prorated(match):
    # 1–10 June, assessed on 4 June: 4 days of 10, both ends included.
    evidence = match(
        placement(
            "[{task: repassage, hours: 50}, sols]", start="2003-06-01", end="2003-06-10", hours=80
        ),
        as_of=dt.date(2003, 6, 4),
    )
    assert evidence.work_hours == pytest.approx(32)
    assert hours_of(evidence, "tst.b1.c1") == pytest.approx(20)
    assert hours_of(evidence, "tst.b1.c2") == pytest.approx(12)


def test_prorata_counts_both_ends_of_each_period():
    day = dt.date(2003, 6, 1)
    assert prorata(day, day, day) == 1.0
    assert prorata(day, dt.date(2003, 6, 2), day) == 0.5
    assert prorata(day, dt.date(2003, 6, 3), dt.date(2003, 5, 31)) == 0.0


def test_workspace_fixture_is_valid(make_workspace):
    root = make_workspace(
        {
            "referentiels/tst.yaml": TST,
            "referentiels/tsx.yaml": TSX,
            "workers/w-1.yaml": worker_yaml(placement("[repassage]")),
        }
    )
    ws, issues = load_workspace(root)
    assert isinstance(ws, Workspace)
    assert issues == []


def test_stemming_in_several_threads_gives_each_word_its_own_stem():
    """The web server matches tasks in threads: a stemmer shared between them returned one
    word's stem for another's (« nettoyages67 » → « repassage61 »)."""
    words = [f"{base}{n}" for n in range(400) for base in ("nettoyages", "repassage", "sols")]
    expected = [snowballstemmer.stemmer("french").stemWord(w) for w in words]
    matching._stem.cache_clear()
    with ThreadPoolExecutor(8) as pool:
        stems = list(pool.map(matching._stem, words))
    assert stems == expected
