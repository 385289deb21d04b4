"""The rules of SPEC §8 (portfolio/checks.py), one broken workspace each, as `portfolio check`
reports them: file, line, column, severity and what to fix."""

from __future__ import annotations

import pytest
from support import (
    MINIMAL_WORKSPACE,
    VALID_CATALOG,
    VALID_REFERENTIEL,
    VALID_WORKER,
    CheckRun,
    Reported,
)

from portfolio.checks import client_key

WORKER = "workers/w-0042.yaml"


def valid_files() -> dict[str, str]:
    return {WORKER: VALID_WORKER, "catalog/ofa.yaml": VALID_CATALOG}


def changed(text: str, *replacements: tuple[str, str]) -> str:
    for old, new in replacements:
        assert old in text, old
        text = text.replace(old, new)
    return text


def only_issue(run: CheckRun) -> Reported:
    assert len(run.issues) == 1, run.output
    return run.issues[0]


def the_error(run: CheckRun) -> Reported:
    """The one error of a run (a fault may also shift a warning, e.g. the training ratio)."""
    assert run.exit_code == 1, run.output
    errors = [i for i in run.issues if i.severity == "erreur"]
    assert len(errors) == 1, run.output
    return errors[0]


def the_warning(run: CheckRun) -> Reported:
    """Warnings alone leave the exit code at 0 (SPEC §8)."""
    assert run.exit_code == 0, run.output
    return only_issue(run)


def check_worker(make_workspace, run_check, *replacements: tuple[str, str]) -> CheckRun:
    files = valid_files()
    files[WORKER] = changed(VALID_WORKER, *replacements)
    return run_check(make_workspace(files))


# --- unknown ids -------------------------------------------------------------------------------


def test_unknown_association_suggests_the_closest(make_workspace, run_check) -> None:
    run = check_worker(make_workspace, run_check, ("association: ai-est", "association: ai-etse"))
    issue = only_issue(run)
    assert issue[:4] == (WORKER, 4, 14, "erreur")
    assert issue.message == (
        "association inconnue « ai-etse » : vouliez-vous écrire « ai-est » ? Sinon, choisissez "
        "parmi celles de workspace.yaml : ai-est"
    )


def test_unknown_target_referentiel(make_workspace, run_check) -> None:
    run = check_worker(make_workspace, run_check, ("targets: [advf]", "targets: [advf, adfv]"))
    issue = only_issue(run)
    assert issue[:4] == (WORKER, 5, 17, "erreur")
    assert "référentiel visé inconnu « adfv » : vouliez-vous écrire « advf » ?" in issue.message


def test_unknown_module_in_a_training(make_workspace, run_check) -> None:
    run = check_worker(make_workspace, run_check, ("module: ofa.linge", "module: ofa.lignes"))
    issue = the_error(run)
    assert issue[:4] == (WORKER, 17, 14, "erreur")
    assert "module inconnu « ofa.lignes » : vouliez-vous écrire « ofa.linge » ?" in issue.message
    assert "dossier catalog/" in issue.message


OBSERVATION = (
    "observations:\n"
    "  - {date: 2002-12-20, by: Mme D., role: tuteur, competency: advf.ccp1.c3, level: 3,\n"
    "     placement: p1}\n"
    "trainings:\n"
)


def test_unknown_competency_in_an_observation(make_workspace, run_check) -> None:
    observation = OBSERVATION.replace("advf.ccp1.c3", "advf.ccp1.c9")
    run = check_worker(make_workspace, run_check, ("trainings:\n", observation))
    issue = only_issue(run)
    assert issue[:4] == (WORKER, 17, 62, "erreur")
    assert "compétence inconnue « advf.ccp1.c9 » : écrivez référentiel.bloc.compétence" in (
        issue.message
    )
    assert "le bloc « advf.ccp1 » contient advf.ccp1.c1, advf.ccp1.c2, advf.ccp1.c3" in (
        issue.message
    )


def test_observation_on_a_referentiel_the_worker_does_not_target(make_workspace, run_check):
    observation = OBSERVATION.replace("advf.ccp1.c3", "aph.ccp1.c1")
    run = check_worker(make_workspace, run_check, ("trainings:\n", observation))
    issue = the_warning(run)
    assert issue[:4] == (WORKER, 17, 62, "avertissement")
    assert "« aph.ccp1.c1 », d'un référentiel que ce salarié ne vise pas : elle ne compte pas" in (
        issue.message
    )


def test_unknown_placement_in_an_observation(make_workspace, run_check) -> None:
    observation = OBSERVATION.replace("placement: p1", "placement: p2")
    run = check_worker(make_workspace, run_check, ("trainings:\n", observation))
    issue = only_issue(run)
    assert issue[:4] == (WORKER, 18, 17, "erreur")
    assert issue.message == (
        "mise à disposition inconnue « p2 » : choisissez parmi celles de ce salarié : p1"
    )


def test_unknown_competency_in_a_module(make_workspace, run_check) -> None:
    files = valid_files()
    files["catalog/ofa.yaml"] = changed(
        VALID_CATALOG, ("[advf.ccp1.c3]", "[advf.ccp1.c3, avdf.ccp1.c2]")
    )
    issue = only_issue(run_check(make_workspace(files)))
    assert issue[:4] == ("catalog/ofa.yaml", 4, 35, "erreur")
    assert "le référentiel « avdf » n'existe pas : vouliez-vous écrire « advf » ?" in issue.message


def test_unknown_block_in_a_module_lists_the_blocks(make_workspace, run_check) -> None:
    files = valid_files()
    files["catalog/ofa.yaml"] = changed(VALID_CATALOG, ("[advf.ccp1.c3]", "[advf.ccp9.c1]"))
    issue = only_issue(run_check(make_workspace(files)))
    assert issue[:4] == ("catalog/ofa.yaml", 4, 21, "erreur")
    assert "les blocs de « advf » sont advf.ccp1, advf.ccp2, advf.ccp3" in issue.message
    assert "(détail : « portfolio referentiels advf »)" in issue.message


# --- dates and hours ------------------------------------------------------------------------------


def test_placement_ending_before_it_starts(make_workspace, run_check) -> None:
    run = check_worker(make_workspace, run_check, ("end: 2002-12-20", "end: 2002-09-20"))
    issue = the_error(run)
    assert issue[:4] == (WORKER, 11, 10, "erreur")
    assert issue.message == (
        "la mise à disposition « p1 » se termine le 20/09/2002, avant son début le "
        "01/10/2002 : corrigez l'une des deux dates"
    )


def test_training_ending_before_it_starts(make_workspace, run_check) -> None:
    run = check_worker(make_workspace, run_check, ("end: 2003-01-24", "end: 2003-01-02"))
    issue = only_issue(run)
    assert issue[:4] == (WORKER, 17, 49, "erreur")
    assert "la formation « ofa.linge » se termine le 02/01/2003, avant son début" in issue.message


def test_pass_iae_ending_before_it_starts(make_workspace, run_check) -> None:
    pass_iae = "pass_iae: {start: 2002-09-15, end: 2002-09-01}\nplacements:\n"
    run = check_worker(make_workspace, run_check, ("placements:\n", pass_iae))
    # Only the error: placements are not also reported as outside an inverted PASS IAE.
    issue = only_issue(run)
    assert issue[:4] == (WORKER, 7, 36, "erreur")
    assert "le PASS IAE se termine le 01/09/2002, avant son début le 15/09/2002" in issue.message


def test_placement_with_zero_hours(make_workspace, run_check) -> None:
    run = check_worker(make_workspace, run_check, ("hours: 64", "hours: 0"))
    issue = the_error(run)
    assert issue[:4] == (WORKER, 12, 12, "erreur")
    assert issue.message == (
        "la mise à disposition « p1 » compte 0\u00a0h : écrivez un nombre d'heures plus grand que 0"
    )


def test_task_entry_with_negative_hours(make_workspace, run_check) -> None:
    run = check_worker(make_workspace, run_check, ("hours: 20}", "hours: -2}"))
    issue = only_issue(run)
    assert issue[:4] == (WORKER, 15, 29, "erreur")
    assert "la tâche « sols » compte -2\u00a0h" in issue.message


def test_training_with_zero_hours(make_workspace, run_check) -> None:
    run = check_worker(make_workspace, run_check, ("hours: 8,", "hours: 0,"))
    issue = the_error(run)
    assert issue[:4] == (WORKER, 17, 68, "erreur")
    assert "la formation « ofa.linge » compte 0\u00a0h" in issue.message


def test_module_with_zero_hours(make_workspace, run_check) -> None:
    files = valid_files()
    files["catalog/ofa.yaml"] = changed(VALID_CATALOG, ("hours: 12", "hours: 0"))
    issue = only_issue(run_check(make_workspace(files)))
    assert issue[:4] == ("catalog/ofa.yaml", 3, 72, "erreur")
    assert "le module « ofa.linge » compte 0\u00a0h" in issue.message


def test_explicit_task_hours_above_placement_hours(make_workspace, run_check) -> None:
    run = check_worker(make_workspace, run_check, ("hours: 20}", "hours: 70}"))
    issue = only_issue(run)
    assert issue[:4] == (WORKER, 14, 7, "erreur")
    assert issue.message == (
        "les heures des tâches de la mise à disposition « p1 » (70\u00a0h) dépassent ses heures "
        "(64\u00a0h) : corrigez les heures des tâches ou de la mise à disposition"
    )


def test_explicit_task_hours_equal_to_placement_hours_are_fine(make_workspace, run_check) -> None:
    run = check_worker(make_workspace, run_check, ("hours: 20}", "hours: 64}"))
    assert (run.exit_code, run.issues) == (0, [])


# --- placements at the same client ------------------------------------------------------------

SECOND_PLACEMENT = """\
  - id: p2
    client: {name: mme d. , kind: particulier}
    start: 2002-12-20
    end: 2003-01-31
    hours: 30
    tasks: [repassage]
trainings:
"""


def test_overlapping_placements_at_the_same_client(make_workspace, run_check) -> None:
    run = check_worker(make_workspace, run_check, ("trainings:\n", SECOND_PLACEMENT))
    issue = the_error(run)
    # The client's name is compared without case or surrounding spaces; one shared day overlaps.
    assert issue[:4] == (WORKER, 18, 12, "erreur")
    assert issue.message == (
        "la mise à disposition « p2 » chevauche « p1 » chez le même client mme d. (écrit "
        "« Mme D. » dans « p1 ») (du 01/10/2002 au 20/12/2002) : fusionnez-les ou corrigez les "
        "dates"
    )


def test_overlap_at_the_same_client_whatever_the_spelling_and_kind(
    make_workspace, run_check
) -> None:
    # SPEC §8: « Commune de Gleizé » = « commune de gleize », even recorded as another kind.
    run = check_worker(
        make_workspace,
        run_check,
        ("{name: Mme D., kind: particulier}", "{name: Commune de Gleizé, kind: collectivite}"),
        (
            "trainings:\n",
            SECOND_PLACEMENT.replace(
                "mme d. , kind: particulier", "commune de gleize, kind: association"
            ),
        ),
    )
    issue = the_error(run)
    assert issue[:4] == (WORKER, 18, 12, "erreur")
    assert issue.message.startswith(
        "la mise à disposition « p2 » chevauche « p1 » chez le même client commune de gleize "
        "(écrit « Commune de Gleizé » dans « p1 ») (du 01/10/2002 au 20/12/2002)"
    )


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("Commune de Gleizé", "commune de gleize"),
        ("Œuvre Saint-Joseph", "oeuvre saint joseph"),
        ("  SARL Durand & Fils ", "sarl durand - fils"),
        ("Mme D.", "MME D"),
    ],
)
def test_same_client_whatever_case_accents_ligatures_and_punctuation(first: str, second: str):
    assert client_key(first) == client_key(second)


@pytest.mark.parametrize(("first", "second"), [("Mme D.", "Mme B."), ("Durand", "Durant")])
def test_different_names_are_different_clients(first: str, second: str) -> None:
    assert client_key(first) != client_key(second)


def test_consecutive_placements_at_the_same_client_are_fine(make_workspace, run_check) -> None:
    following = SECOND_PLACEMENT.replace("start: 2002-12-20", "start: 2002-12-21")
    run = check_worker(make_workspace, run_check, ("trainings:\n", following))
    assert [i for i in run.issues if i.severity == "erreur"] == []


def test_overlapping_placements_at_different_clients_are_fine(make_workspace, run_check) -> None:
    other = SECOND_PLACEMENT.replace("mme d. ", "M. K.")
    run = check_worker(make_workspace, run_check, ("trainings:\n", other))
    assert [i for i in run.issues if i.severity == "erreur"] == []


# --- files and ids --------------------------------------------------------------------------------


def test_worker_id_differs_from_its_file_name(make_workspace, run_check) -> None:
    files = {"workers/w-0043.yaml": VALID_WORKER, "catalog/ofa.yaml": VALID_CATALOG}
    issue = only_issue(run_check(make_workspace(files)))
    assert issue[:4] == ("workers/w-0043.yaml", 1, 5, "erreur")
    assert issue.message == (
        "l'identifiant « w-0042 » doit être égal au nom du fichier « w-0043 » : renommez le "
        "fichier en w-0042.yaml ou corrigez l'identifiant"
    )


def test_referentiel_competency_no_task_evidences(make_workspace, run_check) -> None:
    referentiel = changed(VALID_REFERENTIEL, ("  - {id: lavage-vitres", "  # - {id: lavage-vitres"))
    issue = only_issue(run_check(make_workspace({"referentiels/menage.yaml": referentiel})))
    assert issue[:4] == ("referentiels/menage.yaml", 12, 14, "erreur")
    assert "la compétence « b1.c2 » ne peut être prouvée par aucune tâche" in issue.message
    assert "evidence: {min_hours: 0, observation: true}" in issue.message


def test_observation_only_competency_needs_no_task(make_workspace, run_check) -> None:
    referentiel = changed(
        VALID_REFERENTIEL,
        ("  - {id: lavage-vitres", "  # - {id: lavage-vitres"),
        (
            "plain: Je sais laver les vitres}",
            "plain: Je sais laver les vitres,\n         evidence: {min_hours: 0}}",
        ),
    )
    run = run_check(make_workspace({"referentiels/menage.yaml": referentiel}))
    assert (run.exit_code, run.issues) == (0, [])


def test_task_evidencing_an_unknown_competency(make_workspace, run_check) -> None:
    referentiel = changed(VALID_REFERENTIEL, ("evidences: [b1.c2]", "evidences: [b1.c2, b2.c1]"))
    issue = only_issue(run_check(make_workspace({"referentiels/menage.yaml": referentiel})))
    assert issue[:4] == ("referentiels/menage.yaml", 15, 69, "erreur")
    assert "la tâche « lavage-vitres » renvoie à la compétence inconnue « b2.c1 »" in (
        issue.message
    )


# --- RNCP block codes (SPEC §3) ----------------------------------------------------------------

CODED_REFERENTIEL = changed(
    VALID_REFERENTIEL,
    ("    title: Nettoyer\n", "    title: Nettoyer\n    rncp: RNCP1234BC01\n"),
    (
        "tasks:\n",
        "  - id: b2\n"
        "    title: Ranger\n"
        "    rncp: RNCP1234BC02\n"
        "    competencies:\n"
        "      - {id: c1, title: Ranger, plain: Je sais ranger, evidence: {min_hours: 0}}\n"
        "tasks:\n",
    ),
)
"""The local référentiel (fiche RNCP1234) with two coded blocks: b2's code is on line 16."""


def check_codes(make_workspace, run_check, *replacements: tuple[str, str]) -> CheckRun:
    referentiel = changed(CODED_REFERENTIEL, *replacements)
    return run_check(make_workspace({"referentiels/menage.yaml": referentiel}))


def test_block_codes_of_the_referentiels_fiche_are_fine(make_workspace, run_check) -> None:
    run = check_codes(make_workspace, run_check)
    assert (run.exit_code, run.issues) == (0, [])


def test_a_block_code_of_another_fiche_is_an_error(make_workspace, run_check) -> None:
    # RNCP12345 starts like RNCP1234 but is another fiche.
    run = check_codes(make_workspace, run_check, ("RNCP1234BC02", "RNCP12345BC02"))
    issue = the_error(run)
    assert issue[:4] == ("referentiels/menage.yaml", 16, 11, "erreur")
    assert issue.message == (
        "le bloc « b2 » a le code RNCP « RNCP12345BC02 », qui n'est pas un bloc de la fiche "
        "RNCP1234 du référentiel (certification.rncp) : écrivez RNCP1234BC suivi du numéro du "
        "bloc (par exemple RNCP1234BC01), ou corrigez certification.rncp"
    )


def test_a_block_code_without_the_fiche_of_the_referentiel_is_an_error(
    make_workspace, run_check
) -> None:
    run = check_codes(make_workspace, run_check, ("{kind: cqp, rncp: RNCP1234}", "{kind: cqp}"))
    assert [(i.line, i.severity) for i in run.issues] == [(10, "erreur"), (16, "erreur")]
    assert run.issues[0].message == (
        "le bloc « b1 » a le code RNCP « RNCP1234BC01 », mais le référentiel ne dit pas de "
        "quelle fiche il vient : ajoutez rncp: RNCP1234 sous « certification », ou retirez le "
        "code du bloc"
    )


def test_two_blocks_with_the_same_code_is_an_error(make_workspace, run_check) -> None:
    run = check_codes(make_workspace, run_check, ("RNCP1234BC02", "RNCP1234BC01"))
    issue = the_error(run)
    assert issue[:4] == ("referentiels/menage.yaml", 16, 11, "erreur")
    assert issue.message == (
        "le code RNCP « RNCP1234BC01 » est déjà celui du bloc « b1 » : chaque bloc a son propre "
        "code, corrigez l'un des deux"
    )


def test_a_malformed_block_code_is_a_located_load_error(make_workspace, run_check) -> None:
    run = check_codes(make_workspace, run_check, ("RNCP1234BC02", "RNCP1234-BC2"))
    issue = the_error(run)
    assert issue[:4] == ("referentiels/menage.yaml", 16, 11, "erreur")
    assert issue.message.startswith("« RNCP1234-BC2 » n'est pas valide pour « rncp » : ")
    assert "par exemple RNCP37715BC01" in issue.message


# --- task labels and synonyms (SPEC §5.1) ------------------------------------------------------


def with_synonyms(sols: str, vitres: str) -> dict[str, str]:
    """The local référentiel with synonyms for its two tasks (lines 14 and 15)."""
    return {
        "referentiels/menage.yaml": changed(
            VALID_REFERENTIEL,
            ("label: Laver les sols,", f"label: Laver les sols, synonyms: {sols},"),
            ("label: Laver les vitres,", f"label: Laver les vitres, synonyms: {vitres},"),
        )
    }


def test_a_synonym_reduced_to_a_short_stem_is_a_warning(make_workspace, run_check) -> None:
    # One word of three letters once normalised: a stem other words share.
    run = run_check(make_workspace(with_synonyms("[lavage des sols, sols]", "[lavage des vitres]")))
    issue = the_warning(run)
    assert issue[:4] == ("referentiels/menage.yaml", 14, 74, "avertissement")
    assert issue.message.startswith(
        "le synonyme « sols » de la tâche « menage.lavage-sols » se réduit à « sol » une fois "
        "normalisé : trop court pour être sûr"
    )


def test_a_synonym_of_stop_words_only_is_a_warning(make_workspace, run_check) -> None:
    run = run_check(make_workspace(with_synonyms("['de la']", "[lavage des vitres]")))
    issue = the_warning(run)
    assert issue[:4] == ("referentiels/menage.yaml", 14, 57, "avertissement")
    assert issue.message.startswith(
        "le synonyme « de la » de la tâche « menage.lavage-sols » ne contient que des petits mots"
    )


def test_a_synonym_inside_another_tasks_phrase_is_a_warning(make_workspace, run_check) -> None:
    # « lavage » is in « lavage des vitres »: that entry would count for both tasks.
    run = run_check(make_workspace(with_synonyms("[lavage]", "[lavage des vitres]")))
    issue = the_warning(run)
    assert issue[:4] == ("referentiels/menage.yaml", 14, 57, "avertissement")
    assert issue.message == (
        "le synonyme « lavage » de la tâche « menage.lavage-sols » se retrouve dans « lavage "
        "des vitres » (menage.lavage-vitres) : une entrée écrite ainsi compterait aussi pour "
        "« menage.lavage-sols » et partagerait ses heures ; allongez-le pour qu'il ne dise que "
        "sa tâche, ou retirez-le"
    )


def test_the_same_phrase_for_two_tasks_is_one_warning_at_the_second(
    make_workspace, run_check
) -> None:
    run = run_check(make_workspace(with_synonyms("[grand nettoyage]", "[Grand-nettoyage !]")))
    issue = the_warning(run)
    assert issue[:4] == ("referentiels/menage.yaml", 15, 61, "avertissement")
    assert issue.message.startswith(
        "le synonyme « Grand-nettoyage ! » de la tâche « menage.lavage-vitres » reconnaît les "
        "mêmes entrées que « grand nettoyage » (tâche « menage.lavage-sols »)"
    )


def test_a_synonym_inside_a_transversal_phrase_is_a_warning(make_workspace, run_check) -> None:
    # The transversal référentiels are assessed with every trade: « ordinateur » would catch
    # « utiliser un ordinateur » (numerique.decouverte-ordinateur).
    run = run_check(make_workspace(with_synonyms("[ordinateur]", "[lavage des vitres]")))
    issue = the_warning(run)
    assert issue[:4] == ("referentiels/menage.yaml", 14, 57, "avertissement")
    assert "se retrouve dans" in issue.message
    assert "numerique." in issue.message


def test_the_same_phrase_in_two_trades_is_fine(make_workspace, run_check) -> None:
    # Two trades meet only for a worker who targets both; there the same words mean the same
    # work (advf also has « repassage »).
    run = run_check(make_workspace(with_synonyms("[repassage]", "[lavage des vitres]")))
    assert (run.exit_code, run.issues) == (0, [])


def test_module_id_not_prefixed_by_its_body(make_workspace, run_check) -> None:
    files = {"catalog/ofa.yaml": changed(VALID_CATALOG, ("id: ofa.linge", "id: linge"))}
    issue = only_issue(run_check(make_workspace(files)))
    assert issue[:4] == ("catalog/ofa.yaml", 3, 10, "erreur")
    assert issue.message == (
        "l'identifiant du module « linge » doit commencer par celui de l'organisme suivi "
        "d'un point, par exemple « ofa.linge »"
    )


# --- warnings -------------------------------------------------------------------------------------


def test_unresolved_task_text_is_a_warning_with_suggestions(make_workspace, run_check) -> None:
    run = check_worker(make_workspace, run_check, ("      - repassage", "      - lavge des sols"))
    issue = the_warning(run)
    assert issue[:4] == (WORKER, 14, 9, "avertissement")
    assert issue.message.startswith(
        "tâche « lavge des sols » non reconnue dans la mise à disposition « p1 » : ses "
        "heures comptent comme travail mais ne prouvent aucune compétence ; si c'est l'une de "
        "ces tâches, écrivez son identifiant (entre parenthèses) : "
    )
    assert "Laver les sols (advf.sols)" in issue.message


def test_unresolved_task_text_without_a_close_task_gets_no_suggestion(
    make_workspace, run_check
) -> None:
    run = check_worker(make_workspace, run_check, ("      - repassage", "      - lavage voiture"))
    assert the_warning(run).message.endswith(
        "ne prouvent aucune compétence ; écrivez l'identifiant d'une tâche (voir « portfolio "
        "referentiels ID »)"
    )


def test_placement_outside_pass_iae(make_workspace, run_check) -> None:
    pass_iae = "pass_iae: {start: 2002-11-01, end: 2004-10-31}\nplacements:\n"
    run = check_worker(make_workspace, run_check, ("placements:\n", pass_iae))
    issue = the_warning(run)
    assert issue[:4] == (WORKER, 11, 12, "avertissement")
    assert (
        "la mise à disposition « p1 » (01/10/2002 – 20/12/2002) sort de la période du PASS "
        "IAE (01/11/2002 – 31/10/2004)" in issue.message
    )


def test_placement_inside_pass_iae_is_fine(make_workspace, run_check) -> None:
    pass_iae = "pass_iae: {start: 2002-10-01, end: 2002-12-20}\nplacements:\n"
    run = check_worker(make_workspace, run_check, ("placements:\n", pass_iae))
    assert (run.exit_code, run.issues) == (0, [])


def test_worker_without_consent(make_workspace, run_check) -> None:
    run = check_worker(
        make_workspace, run_check, ("consent: {given: true, date: 2002-09-20}\n", "")
    )
    issue = the_warning(run)
    assert issue[:4] == (WORKER, 1, 5, "avertissement")
    assert "aucun consentement enregistré" in issue.message
    assert "consent: {given: true, date: AAAA-MM-JJ}" in issue.message


def test_worker_who_did_not_give_consent(make_workspace, run_check) -> None:
    run = check_worker(make_workspace, run_check, ("given: true", "given: false"))
    issue = the_warning(run)
    assert issue[:4] == (WORKER, 6, 18, "avertissement")
    assert "consentement au traitement de ses données non donné (given: false)" in issue.message


def test_training_ratio_below_the_band(make_workspace, run_check) -> None:
    run = check_worker(make_workspace, run_check, ("hours: 8,", "hours: 2,"))
    issue = the_warning(run)
    assert issue[:4] == (WORKER, 1, 5, "avertissement")
    # 2 h of training for 64 h of work: 3.125 %, never printed as a whole percentage.
    assert issue.message == (
        "au 30/06/2003, 2\u00a0h de formation pour 64\u00a0h de travail, soit 3,1\u00a0%, hors de "
        "la fourchette voulue de 10\u00a0% à 20\u00a0% des heures de travail : proposez-lui des "
        "modules de formation (« portfolio plan »)"
    )


def test_training_ratio_above_the_band(make_workspace, run_check) -> None:
    run = check_worker(make_workspace, run_check, ("hours: 8,", "hours: 16,"))
    issue = the_warning(run)
    assert issue[:4] == (WORKER, 1, 5, "avertissement")
    assert "16\u00a0h de formation pour 64\u00a0h de travail, soit 25\u00a0%" in issue.message


def test_training_ratio_counts_only_what_happened_by_the_assessment_date(
    make_workspace, run_check
) -> None:
    # On 2002-11-10 the placement has run 41 of its 81 days (32.4 h) and the training is ahead.
    run = run_check(make_workspace(valid_files()), as_of="2002-11-10")
    issue = the_warning(run)
    assert (
        "au 10/11/2002, 0\u00a0h de formation pour 32,4\u00a0h de travail, soit 0\u00a0%"
        in issue.message
    )


# --- company hours cap (Code du travail L5132-9) --------------------------------------------------

NO_RATIO_BAND = MINIMAL_WORKSPACE.replace("[0.10, 0.20]", "[0.0, 1.0]")


def company_worker(*placements: tuple[str, str, float, str]) -> str:
    lines = [
        "id: w-0042",
        "first_name: Fatima",
        "last_name: B.",
        "association: ai-est",
        "targets: [advf]",
        "consent: {given: true}",
        "placements:",
    ]
    for n, (start, end, hours, kind) in enumerate(placements, 1):
        lines += [
            f"  - id: p{n}",
            f"    client: {{name: Client {n}, kind: {kind}}}",
            f"    start: {start}",
            f"    end: {end}",
            f"    hours: {hours}",
        ]
    return "\n".join(lines) + "\n"


def check_company(make_workspace, run_check, *placements: tuple[str, str, float, str]) -> CheckRun:
    files = {"workspace.yaml": NO_RATIO_BAND, WORKER: company_worker(*placements)}
    return run_check(make_workspace(files))


def test_more_than_480_company_hours_within_24_months(make_workspace, run_check) -> None:
    run = check_company(
        make_workspace,
        run_check,
        ("2002-10-01", "2002-12-31", 250, "entreprise"),
        ("2003-01-06", "2003-06-30", 240, "entreprise"),
    )
    issue = the_warning(run)
    # Placement 2 starts on line 13; its hours are on line 17.
    assert issue[:4] == (WORKER, 17, 12, "avertissement")
    assert issue.message.startswith(
        "plus de 480\u00a0h de mise à disposition en entreprise en 24 mois (490\u00a0h entre le "
        "01/10/2002 et le 30/09/2004) : l'article L5132-9 du Code du travail plafonne ces heures"
    )


@pytest.mark.parametrize("second", [229, 230])
def test_480_company_hours_or_fewer_is_fine(make_workspace, run_check, second: int) -> None:
    run = check_company(
        make_workspace,
        run_check,
        ("2002-10-01", "2002-12-31", 250, "entreprise"),
        ("2003-01-06", "2003-06-30", second, "entreprise"),
    )
    assert (run.exit_code, run.issues) == (0, [])


def test_company_hours_spread_over_more_than_24_months_are_fine(make_workspace, run_check) -> None:
    # The window is 2002-10-01 to 2004-09-30; the second placement starts the day after.
    run = check_company(
        make_workspace,
        run_check,
        ("2002-10-01", "2002-12-31", 250, "entreprise"),
        ("2004-10-01", "2004-12-31", 250, "entreprise"),
    )
    assert (run.exit_code, run.issues) == (0, [])


def test_company_placement_straddling_the_window_counts_pro_rata(make_workspace, run_check) -> None:
    # 30 of the 60 days of p2 fall in the window: 250 + 500 × 30/60 = 500 h.
    run = check_company(
        make_workspace,
        run_check,
        ("2002-10-01", "2002-12-31", 250, "entreprise"),
        ("2004-09-01", "2004-10-30", 500, "entreprise"),
    )
    assert "(500\u00a0h entre le 01/10/2002 et le 30/09/2004)" in the_warning(run).message


def test_a_client_recorded_once_as_a_company_counts_toward_the_cap(
    make_workspace, run_check
) -> None:
    # SPEC §8 "same client": « CLIENT 1 » is « Client 1 », a company, whatever p2 records.
    worker = changed(
        company_worker(
            ("2002-10-01", "2002-12-31", 250, "entreprise"),
            ("2003-01-06", "2003-06-30", 240, "association"),
        ),
        ("name: Client 2, kind: association", "name: CLIENT 1, kind: association"),
    )
    run = run_check(make_workspace({"workspace.yaml": NO_RATIO_BAND, WORKER: worker}))
    assert "en 24 mois (490" in the_warning(run).message


def test_hours_with_other_clients_do_not_count_toward_the_cap(make_workspace, run_check) -> None:
    run = check_company(
        make_workspace,
        run_check,
        ("2002-10-01", "2002-12-31", 250, "entreprise"),
        ("2003-01-06", "2003-06-30", 240, "collectivite"),
        ("2003-07-01", "2003-09-30", 240, "association"),
    )
    assert (run.exit_code, run.issues) == (0, [])


# --- workspace.yaml and catalogues ------------------------------------------------------------


def test_training_ratio_band_upside_down(make_workspace, run_check) -> None:
    settings = MINIMAL_WORKSPACE.replace("[0.10, 0.20]", "[0.30, 0.20]")
    files = {**valid_files(), "workspace.yaml": settings}
    # One error, and no ratio warning judged against a band that makes no sense.
    issue = only_issue(run_check(make_workspace(files)))
    assert issue[:4] == ("workspace.yaml", 7, 19, "erreur")
    assert "training_ratio doit être [minimum, maximum] avec 0 ≤ minimum ≤ maximum" in (
        issue.message
    )


def test_association_defined_twice(make_workspace, run_check) -> None:
    settings = MINIMAL_WORKSPACE.replace(
        "  - {id: ai-est,", "  - {id: ai-est, name: AI bis}\n  - {id: ai-est,"
    )
    issue = only_issue(run_check(make_workspace({"workspace.yaml": settings})))
    assert issue[:4] == ("workspace.yaml", 5, 10, "erreur")
    assert "l'association « ai-est » est définie deux fois" in issue.message


def test_placement_id_used_twice(make_workspace, run_check) -> None:
    second = SECOND_PLACEMENT.replace("id: p2", "id: p1").replace("mme d. ", "M. K.")
    run = check_worker(make_workspace, run_check, ("trainings:\n", second))
    issue = the_error(run)
    assert issue[:4] == (WORKER, 16, 9, "erreur")
    assert "la mise à disposition « p1 » est définie deux fois" in issue.message


def test_module_group_minimum_above_maximum(make_workspace, run_check) -> None:
    files = {
        "catalog/ofa.yaml": changed(
            VALID_CATALOG, ("[advf.ccp1.c3]}", "[advf.ccp1.c3], group: {min: 8, max: 6}}")
        )
    }
    issue = only_issue(run_check(make_workspace(files)))
    assert issue[:4] == ("catalog/ofa.yaml", 4, 43, "erreur")
    assert "le groupe du module « ofa.linge » a un minimum (8) plus grand que son maximum (6)" in (
        issue.message
    )
