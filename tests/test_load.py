"""Loading a workspace (portfolio/load.py): schema errors said in French at the right place
(SPEC §8: an unknown key at the key, a bad value at the value, a missing field at the mapping
that lacks it), référentiel ids, and what is still loaded when a file is broken."""

from __future__ import annotations

from pathlib import Path

import pytest
from support import (
    MINIMAL_WORKSPACE,
    VALID_CATALOG,
    VALID_REFERENTIEL,
    VALID_WORKER,
    CheckRun,
    Reported,
)

from portfolio.issues import PortfolioError
from portfolio.load import find_workspace, load_referentiels, load_workspace
from portfolio.resources import referentiels_dir


def only_issue(run: CheckRun) -> Reported:
    assert len(run.issues) == 1, run.output
    return run.issues[0]


def broken_worker(make_workspace, run_check, old: str, new: str) -> Reported:
    """`portfolio check` on the valid workspace with one change in the worker file."""
    assert old in VALID_WORKER
    root = make_workspace(
        {"workers/w-0042.yaml": VALID_WORKER.replace(old, new), "catalog/ofa.yaml": VALID_CATALOG}
    )
    run = run_check(root)
    assert run.exit_code == 1, run.output
    return only_issue(run)


def broken_referentiel(make_workspace, run_check, old: str, new: str) -> Reported:
    assert old in VALID_REFERENTIEL
    root = make_workspace({"referentiels/menage.yaml": VALID_REFERENTIEL.replace(old, new)})
    run = run_check(root)
    assert run.exit_code == 1, run.output
    return only_issue(run)


def test_valid_workspace_has_no_issue(make_workspace, run_check) -> None:
    root = make_workspace(
        {
            "workers/w-0042.yaml": VALID_WORKER,
            "catalog/ofa.yaml": VALID_CATALOG,
            "referentiels/menage.yaml": VALID_REFERENTIEL,
        }
    )
    run = run_check(root)
    assert (run.exit_code, run.issues) == (0, [])


def test_bundled_referentiels_load_without_issue() -> None:
    found, issues = load_referentiels()
    assert [i.render() for i in issues] == []
    assert set(found) == {p.stem for p in referentiels_dir().glob("*.yaml")}


# --- missing fields: at the mapping that lacks them ----------------------------------------------


def test_missing_top_level_field_points_at_the_start_of_the_file(make_workspace, run_check) -> None:
    issue = broken_worker(make_workspace, run_check, "first_name: Fatima\n", "")
    assert issue[:4] == ("workers/w-0042.yaml", 1, 1, "erreur")
    assert issue.message == "champ obligatoire « first_name » manquant : ajoutez-le (le prénom)"


def test_missing_placement_field_points_at_the_placement(make_workspace, run_check) -> None:
    issue = broken_worker(make_workspace, run_check, "    hours: 64\n", "")
    assert issue[:4] == ("workers/w-0042.yaml", 8, 5, "erreur")
    assert "champ obligatoire « hours » manquant" in issue.message
    assert "un nombre d'heures" in issue.message


def test_missing_field_of_a_flow_mapping_points_at_its_brace(make_workspace, run_check) -> None:
    issue = broken_worker(make_workspace, run_check, ", kind: particulier}", "}")
    assert issue[:4] == ("workers/w-0042.yaml", 9, 13, "erreur")
    assert "champ obligatoire « kind » manquant" in issue.message


# --- unknown fields: at the key, with the right spelling -----------------------------------------


def test_unknown_field_suggests_the_closest_one(make_workspace, run_check) -> None:
    issue = broken_worker(make_workspace, run_check, "    start:", "    stat:")
    assert issue[:4] == ("workers/w-0042.yaml", 10, 5, "erreur")
    assert "champ inconnu « stat » : vouliez-vous écrire « start » ?" in issue.message


def test_misspelt_required_field_is_reported_once(make_workspace, run_check) -> None:
    # Not also "first_name missing": fixing the spelling fixes both.
    issue = broken_worker(make_workspace, run_check, "first_name:", "firstname:")
    assert issue[:4] == ("workers/w-0042.yaml", 2, 1, "erreur")
    assert "vouliez-vous écrire « first_name » ?" in issue.message


def test_unknown_field_without_close_match_lists_the_fields(make_workspace, run_check) -> None:
    issue = broken_worker(
        make_workspace, run_check, "last_name: B.\n", "last_name: B.\ntelephone: 0601\n"
    )
    assert issue[:4] == ("workers/w-0042.yaml", 4, 1, "erreur")
    assert "champ inconnu « telephone » : supprimez-le ou corrigez son orthographe" in issue.message
    assert "champs possibles ici : id, first_name, last_name, association" in issue.message


# --- bad values: at the value --------------------------------------------------------------------


def test_text_where_hours_are_expected(make_workspace, run_check) -> None:
    issue = broken_worker(make_workspace, run_check, "hours: 64", "hours: beaucoup")
    assert issue[:4] == ("workers/w-0042.yaml", 12, 12, "erreur")
    assert "« beaucoup » n'est pas un nombre valide pour « hours »" in issue.message


def test_decimal_comma_is_explained(make_workspace, run_check) -> None:
    issue = broken_worker(make_workspace, run_check, "hours: 64", "hours: 63,5")
    assert issue[:4] == ("workers/w-0042.yaml", 12, 12, "erreur")
    assert "avec un point et non une virgule pour les décimales" in issue.message


def test_single_value_where_a_list_is_expected(make_workspace, run_check) -> None:
    issue = broken_worker(make_workspace, run_check, "targets: [advf]", "targets: advf")
    assert issue[:4] == ("workers/w-0042.yaml", 5, 10, "erreur")
    assert "« targets » doit être une liste" in issue.message


def test_date_where_text_is_expected(make_workspace, run_check) -> None:
    issue = broken_worker(make_workspace, run_check, "last_name: B.", "last_name: 2002-01-01")
    assert issue[:4] == ("workers/w-0042.yaml", 3, 12, "erreur")
    assert "« last_name » doit être un texte : mettez la valeur entre guillemets" in issue.message


def test_text_where_a_client_mapping_is_expected(make_workspace, run_check) -> None:
    issue = broken_worker(make_workspace, run_check, "{name: Mme D., kind: particulier}", "Mme D.")
    assert issue[:4] == ("workers/w-0042.yaml", 9, 13, "erreur")
    assert "« client » doit être une table de champs « clé: valeur », par exemple {name:" in (
        issue.message
    )


def test_id_with_capitals_and_spaces(make_workspace, run_check) -> None:
    issue = broken_worker(make_workspace, run_check, "  - id: p1", "  - id: Mise 1")
    assert issue[:4] == ("workers/w-0042.yaml", 8, 9, "erreur")
    assert "« Mise 1 » n'est pas valide pour « id »" in issue.message
    assert "minuscules sans accent, des chiffres et des tirets" in issue.message


def test_impossible_date(make_workspace, run_check) -> None:
    issue = broken_worker(make_workspace, run_check, "end: 2002-12-20", "end: 2003-02-30")
    assert issue[:4] == ("workers/w-0042.yaml", 11, 10, "erreur")
    assert "« 2003-02-30 » n'est pas une date valide pour « end »" in issue.message
    assert "vérifiez que ce jour existe" in issue.message


def test_date_written_the_french_way(make_workspace, run_check) -> None:
    issue = broken_worker(make_workspace, run_check, "start: 2002-10-01", "start: 01/10/2002")
    assert issue[:4] == ("workers/w-0042.yaml", 10, 12, "erreur")
    assert "écrivez-la AAAA-MM-JJ" in issue.message


def test_unknown_client_kind_lists_the_kinds(make_workspace, run_check) -> None:
    issue = broken_worker(make_workspace, run_check, "kind: particulier", "kind: entreprise-privee")
    assert issue[:4] == ("workers/w-0042.yaml", 9, 34, "erreur")
    assert issue.message == (
        "« entreprise-privee » n'est pas une valeur possible de « kind » : choisissez parmi "
        "particulier, collectivite, association, entreprise"
    )


def test_unknown_training_result(make_workspace, run_check) -> None:
    issue = broken_worker(make_workspace, run_check, "result: acquis", "result: validé")
    assert issue[:4] == ("workers/w-0042.yaml", 17, 79, "erreur")
    assert "choisissez parmi acquis, non-acquis, en-cours" in issue.message


def test_consent_given_must_be_true_or_false(make_workspace, run_check) -> None:
    issue = broken_worker(make_workspace, run_check, "given: true", "given: oui")
    assert issue[:4] == ("workers/w-0042.yaml", 6, 18, "erreur")
    assert "« oui » n'est pas valide pour « given » : écrivez true (oui) ou false (non)" in (
        issue.message
    )


OBSERVATION = (
    "observations:\n"
    "  - {date: 2002-12-20, by: Mme D., role: tuteur, competency: advf.ccp1.c3, level: 3}\n"
)


def test_observation_level_above_4(make_workspace, run_check) -> None:
    issue = broken_worker(
        make_workspace,
        run_check,
        "trainings:\n",
        OBSERVATION.replace("level: 3", "level: 5") + "trainings:\n",
    )
    assert issue[:4] == ("workers/w-0042.yaml", 17, 83, "erreur")
    assert "« 5 » n'est pas valide pour « level » : la valeur doit être ≤ 4" in issue.message
    assert "un niveau de 1 à 4" in issue.message


def test_observation_level_must_be_whole(make_workspace, run_check) -> None:
    issue = broken_worker(
        make_workspace,
        run_check,
        "trainings:\n",
        OBSERVATION.replace("level: 3", "level: 2.5") + "trainings:\n",
    )
    assert issue[:4] == ("workers/w-0042.yaml", 17, 83, "erreur")
    assert "écrivez un nombre entier" in issue.message


def test_wrong_element_of_a_list_is_named_by_its_rank(make_workspace, run_check) -> None:
    issue = broken_worker(
        make_workspace, run_check, "      - repassage\n", "      - repassage\n      - [a]\n"
    )
    assert issue[:4] == ("workers/w-0042.yaml", 15, 9, "erreur")
    assert issue.message.startswith("l'élément n°2 de « tasks »")


def test_empty_associations_in_workspace_yaml(make_workspace, run_check) -> None:
    run = run_check(make_workspace({"workspace.yaml": "name: Programme\nassociations: []\n"}))
    assert run.exit_code == 1
    issue = only_issue(run)
    assert issue[:4] == ("workspace.yaml", 2, 15, "erreur")
    assert "« associations » ne peut pas être vide : ajoutez au moins 1 élément" in issue.message


# --- référentiel files -------------------------------------------------------------------------


def test_invalid_rncp_code(make_workspace, run_check) -> None:
    issue = broken_referentiel(make_workspace, run_check, "rncp: RNCP1234", "rncp: RNCP-1234")
    assert issue[:4] == ("referentiels/menage.yaml", 4, 34, "erreur")
    assert "« RNCP-1234 » n'est pas valide pour « rncp »" in issue.message
    assert "RNCP suivi de chiffres" in issue.message


def test_invalid_rome_code(make_workspace, run_check) -> None:
    issue = broken_referentiel(make_workspace, run_check, "rome: [K2204]", "rome: [K2204, k22]")
    assert issue[:4] == ("referentiels/menage.yaml", 5, 15, "erreur")
    assert "« k22 » n'est pas valide pour l'élément n°2 de « rome »" in issue.message
    assert "une lettre de A à N puis 4 chiffres" in issue.message


def test_unknown_certification_kind(make_workspace, run_check) -> None:
    issue = broken_referentiel(make_workspace, run_check, "kind: cqp", "kind: diplome")
    assert issue[:4] == ("referentiels/menage.yaml", 4, 23, "erreur")
    assert "choisissez parmi titre-professionnel, cap, capa, cqp, clea, socle" in issue.message


def test_competency_without_plain_wording(make_workspace, run_check) -> None:
    issue = broken_referentiel(make_workspace, run_check, ", plain: Je sais laver les vitres}", "}")
    assert issue[:4] == ("referentiels/menage.yaml", 12, 9, "erreur")
    assert "champ obligatoire « plain » manquant : ajoutez-le (une phrase simple" in (issue.message)


def test_referentiel_id_defined_twice(make_workspace, run_check) -> None:
    local = VALID_REFERENTIEL.replace("id: menage", "id: advf")
    run = run_check(make_workspace({"referentiels/advf.yaml": local}))
    assert run.exit_code == 1
    issue = only_issue(run)
    assert issue[:4] == ("referentiels/advf.yaml", 1, 5, "erreur")
    assert "le référentiel « advf » est déjà défini dans <référentiels fournis>/advf.yaml" in (
        issue.message
    )


def test_referentiel_id_differs_from_its_file_name(make_workspace, run_check) -> None:
    run = run_check(make_workspace({"referentiels/menage2.yaml": VALID_REFERENTIEL}))
    assert run.exit_code == 1
    issue = only_issue(run)
    assert issue[:4] == ("referentiels/menage2.yaml", 1, 5, "erreur")
    assert "l'identifiant « menage » doit être égal au nom du fichier « menage2 »" in (
        issue.message
    )


def test_training_body_described_in_two_files(make_workspace, run_check) -> None:
    other = VALID_CATALOG.replace("ofa.linge", "ofa.repassage")
    run = run_check(make_workspace({"catalog/ofa.yaml": VALID_CATALOG, "catalog/ofa2.yaml": other}))
    assert run.exit_code == 1
    issue = only_issue(run)
    assert issue[:4] == ("catalog/ofa2.yaml", 1, 12, "erreur")
    assert "l'organisme « ofa » est déjà décrit dans catalog/ofa.yaml" in issue.message


# --- what a broken file leaves behind -----------------------------------------------------------


def test_valid_files_are_loaded_next_to_a_broken_one(make_workspace) -> None:
    root = make_workspace(
        {
            "workers/w-0042.yaml": VALID_WORKER,
            "workers/w-0043.yaml": "id: w-0043\nfirst_name: [\n",
            "catalog/ofa.yaml": VALID_CATALOG,
        }
    )
    ws, issues = load_workspace(root)
    assert sorted(ws.workers) == ["w-0042"]
    assert [i.location.path for i in issues] == ["workers/w-0043.yaml"]
    assert ws.is_broken("worker", "w-0043")
    assert [m.id for c in ws.catalogs for m in c.modules] == ["ofa.linge"]


def test_references_to_a_broken_referentiel_are_not_reported_again(
    make_workspace, run_check
) -> None:
    worker = VALID_WORKER.replace("targets: [advf]", "targets: [advf, menage]")
    broken = VALID_REFERENTIEL.replace("title: Ménage local", "title: [")
    run = run_check(
        make_workspace(
            {
                "workers/w-0042.yaml": worker,
                "catalog/ofa.yaml": VALID_CATALOG,
                "referentiels/menage.yaml": broken,
            }
        )
    )
    assert [i.path for i in run.issues] == ["referentiels/menage.yaml"]


# --- finding the workspace ------------------------------------------------------------------------


def test_missing_folder_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(PortfolioError) as raised:
        find_workspace(tmp_path / "absent")
    assert raised.value.exit_code == 2
    assert "n'existe pas" in str(raised.value)


def test_file_instead_of_a_folder_is_a_usage_error(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("x")
    with pytest.raises(PortfolioError) as raised:
        find_workspace(tmp_path / "notes.txt")
    assert raised.value.exit_code == 2
    assert "est un fichier, pas un dossier" in str(raised.value)


def test_folder_without_workspace_yaml_says_how_to_create_one(tmp_path: Path) -> None:
    with pytest.raises(PortfolioError) as raised:
        find_workspace(tmp_path)
    assert raised.value.exit_code == 2
    assert "pas de fichier workspace.yaml" in str(raised.value)
    assert "portfolio init DOSSIER" in str(raised.value)


def test_ratio_band_with_one_number(make_workspace, run_check) -> None:
    settings = MINIMAL_WORKSPACE.replace("training_ratio: [0.10, 0.20]", "training_ratio: [0.10]")
    run = run_check(make_workspace({"workspace.yaml": settings}))
    assert run.exit_code == 1
    issue = only_issue(run)
    assert issue[:4] == ("workspace.yaml", 7, 19, "erreur")
    assert issue.message == (
        "il manque l'élément n°2 de « training_ratio » : écrivez [minimum, maximum], par "
        "exemple [0.10, 0.20]"
    )


def test_trainings_on_modules_of_a_broken_catalog_are_not_reported_again(
    make_workspace, run_check
) -> None:
    broken = VALID_CATALOG.replace("axis: technique", "axis: techniques")
    run = run_check(
        make_workspace({"workers/w-0042.yaml": VALID_WORKER, "catalog/ofa.yaml": broken})
    )
    errors = [i for i in run.issues if i.severity == "erreur"]
    assert [(i.path, i.line, i.column) for i in errors] == [("catalog/ofa.yaml", 3, 54)]
    assert "« techniques » n'est pas une valeur possible de « axis »" in errors[0].message


def test_worker_file_ending_in_yml_is_not_silently_ignored(make_workspace, run_check) -> None:
    run = run_check(make_workspace({"workers/w-0042.yml": VALID_WORKER}))
    assert run.exit_code == 0
    issue = only_issue(run)
    assert issue[:4] == ("workers/w-0042.yml", 1, 1, "avertissement")
    assert issue.message == (
        "fichier ignoré : seuls les fichiers en .yaml sont lus ; renommez-le en w-0042.yaml"
    )


def test_only_misnamed_yaml_files_are_pointed_out(make_workspace, run_check) -> None:
    root = make_workspace(
        {
            "workers/w-0042.yaml": VALID_WORKER,
            "workers/w-0043.YAML": VALID_WORKER,
            "workers/notes.txt": "rien",
            "workers/.yml": "",
            "catalog/ofa.Yml": "",
        }
    )
    (root / "workers" / "archives.yml").mkdir()
    run = run_check(root)
    ignored = [i for i in run.issues if i.message.startswith("fichier ignoré")]
    assert [(i.path, i.message.split(" ; ")[0]) for i in ignored] == [
        ("catalog/ofa.Yml", "fichier ignoré : seuls les fichiers en .yaml sont lus"),
        ("workers/w-0043.YAML", "fichier ignoré : seuls les fichiers en .yaml sont lus"),
    ]
