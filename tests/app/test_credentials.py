"""Issuing a worker's badges and checking one (portfolio/app/credentials.py, SPEC §12)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import shutil
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from portfolio import journal
from portfolio.app.credentials import (
    create_issuer_key,
    issue_credentials,
    only_association,
    verify_file,
)
from portfolio.credentials.keys import verification_method
from portfolio.credentials.proof import sign
from portfolio.issues import PortfolioError
from portfolio.resources import demo_dir

AS_OF = dt.date(2026, 8, 31)
NOW = dt.datetime(2026, 9, 1, 9, 30, tzinfo=dt.UTC)


@pytest.fixture
def demo(tmp_path: Path) -> Path:
    root = tmp_path / "demo"
    shutil.copytree(demo_dir(), root)
    return root


def issue(root: Path, worker: str = "fatima-b", **options):
    return issue_credentials(root, worker, AS_OF, now=NOW, **options)


def test_a_presentable_block_yields_a_badge_recorded_in_the_workspace(demo: Path) -> None:
    issued = issue(demo, new_key=True)
    assert [b.block for b in issued.badges] == ["advf.ccp1"]
    badge = issued.badges[0]
    assert badge.path == demo / "badges" / "fatima-b" / "advf.ccp1.json"
    assert badge.sha256 == hashlib.sha256(badge.path.read_bytes()).hexdigest()
    assert (badge.code, badge.kept) == ("RNCP37715BC01", False)
    assert verify_file(badge.path, now=NOW).valid
    lines = journal.read(demo, worker="fatima-b")
    assert [(e.action, e.entry) for e in lines] == [("credential.issue", "advf.ccp1")]
    assert any(line.startswith("advf.ccp2 (") for line in issued.blocks_in_progress)


def test_the_command_says_which_badges_and_their_hash(demo: Path) -> None:
    lines = issue(demo, new_key=True).lines()
    assert lines[0].startswith("1 badge pour Fatima B. (fatima-b), émis par Entr'Aide Lyon Est")
    assert "advf.ccp1 RNCP37715BC01 « Entretenir le logement et le linge" in lines[1]
    assert lines[1].endswith("(nouveau)")
    assert lines[2].startswith("    empreinte SHA-256 : ")


def test_a_badge_already_given_is_kept_unless_renewed(demo: Path) -> None:
    first = issue(demo, new_key=True).badges[0]
    again = issue(demo).badges[0]
    assert (again.kept, again.sha256) == (True, first.sha256)
    assert len(journal.read(demo, worker="fatima-b")) == 1
    renewed = issue(demo, renew=True).badges[0]
    assert not renewed.kept
    assert renewed.sha256 != first.sha256
    assert len(journal.read(demo, worker="fatima-b")) == 2


def test_an_expired_badge_is_issued_again(demo: Path) -> None:
    first = issue(demo, new_key=True, years=1).badges[0]
    later = issue_credentials(demo, "fatima-b", AS_OF, now=NOW.replace(year=2028)).badges[0]
    assert not later.kept
    assert later.sha256 != first.sha256


def test_copies_go_to_the_folder_given(demo: Path, tmp_path: Path) -> None:
    key = tmp_path / "cle-usb"
    issued = issue(demo, new_key=True, copies=key)
    assert (key / "advf.ccp1.json").read_bytes() == issued.badges[0].path.read_bytes()
    assert f"Copie des badges dans {key}." in issued.lines()


def test_a_worker_without_presentable_block_gets_none(demo: Path) -> None:
    issued = issue(demo, "bernard-g", new_key=True)
    assert issued.badges == ()
    assert issued.lines()[0] == (
        "Aucun bloc présentable au 31 août 2026 pour Bernard G. (bernard-g) : aucun badge émis."
    )
    assert not (demo / "badges" / "bernard-g").exists()


def test_without_a_key_nothing_is_written_and_the_message_says_how(demo: Path) -> None:
    with pytest.raises(PortfolioError, match="--new-key --association ai-lyon-est"):
        issue(demo)
    assert not (demo / "badges").exists()


def test_a_worker_without_consent_gets_no_badge(demo: Path) -> None:
    path = demo / "workers" / "fatima-b.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("given: true", "given: false"), encoding="utf-8")
    with pytest.raises(PortfolioError, match="consentement"):
        issue(demo, new_key=True)
    assert not (demo / "badges").exists()


def test_a_workspace_with_errors_is_refused_before_any_key_is_made(demo: Path) -> None:
    path = demo / "workers" / "fatima-b.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "\nbizarre: 1\n", encoding="utf-8")
    with pytest.raises(PortfolioError):
        issue(demo, new_key=True)
    with pytest.raises(PortfolioError, match="pas encore de clé"):
        issue_credentials(demo, "bernard-g", AS_OF, now=NOW)


@pytest.mark.parametrize("years", [0, 11])
def test_an_impossible_validity_is_refused(demo: Path, years: int) -> None:
    with pytest.raises(PortfolioError, match=f"{years} ans"):
        issue(demo, new_key=True, years=years)


def test_keys_are_made_for_known_associations_only(demo: Path) -> None:
    made = create_issuer_key(demo, "ai-beaujolais")
    assert made.did.startswith("did:key:z6Mk")
    assert made.path.stat().st_mode & 0o777 == 0o600
    with pytest.raises(PortfolioError, match="association inconnue « ai-beaujo »"):
        create_issuer_key(demo, "ai-beaujo")
    with pytest.raises(PortfolioError, match="4 associations"):
        only_association(demo)


# --- verify -------------------------------------------------------------------------------------


@pytest.fixture
def badge(demo: Path) -> Path:
    return issue(demo, new_key=True).badges[0].path


def test_verify_says_who_issued_what_to_whom_and_when(badge: Path) -> None:
    checked = verify_file(badge, now=NOW)
    facts = dict(checked.facts)
    assert facts["Émis par"].startswith("Entr'Aide Lyon Est (did:key:z6Mk")
    assert facts["Pour"] == "Fatima B."
    assert facts["Bloc"] == "RNCP37715BC01 « Entretenir le logement et le linge d'un particulier »"
    assert facts["Certification"] == "Assistant de vie aux familles (RNCP37715)"
    assert (facts["Remis le"], facts["Valable jusqu'au"]) == (
        "1er septembre 2026",
        "1er septembre 2029",
    )
    assert checked.lines()[0].endswith(
        "Badge valide : signature vérifiée, conforme au schéma Open Badges 3.0."
    )
    assert checked.lines()[-1] == f"Empreinte SHA-256 du fichier : {checked.sha256}"


def test_verify_refuses_an_altered_badge(badge: Path) -> None:
    credential = json.loads(badge.read_text(encoding="utf-8"))
    credential["credentialSubject"]["identifier"][0]["identityHash"] = "Quelqu'un d'autre"
    badge.write_text(json.dumps(credential, ensure_ascii=False), encoding="utf-8")
    checked = verify_file(badge, now=NOW)
    assert not checked.valid
    assert checked.reasons == (
        "La signature ne correspond pas : le badge a été modifié après sa signature, ou n'a pas "
        "été signé avec cette clé.",
    )


def test_verify_refuses_a_badge_signed_with_another_key(badge: Path) -> None:
    credential = json.loads(badge.read_text(encoding="utf-8"))
    del credential["proof"]
    other = Ed25519PrivateKey.generate()
    badge.write_text(json.dumps(sign(credential, other, verification_method(other.public_key()))))
    reasons = verify_file(badge, now=NOW).reasons
    assert len(reasons) == 1
    assert reasons[0].startswith(
        "Le badge a été signé avec une autre clé que celle de son émetteur"
    )


def test_verify_refuses_an_expired_badge(badge: Path) -> None:
    checked = verify_file(badge, now=dt.datetime(2030, 1, 1, tzinfo=dt.UTC))
    assert checked.reasons == ("Le badge a expiré le 1er septembre 2029.",)


def test_verify_names_the_field_the_signature_does_not_cover(badge: Path) -> None:
    credential = json.loads(badge.read_text(encoding="utf-8"))
    credential["mention"] = "très bien"
    badge.write_text(json.dumps(credential, ensure_ascii=False), encoding="utf-8")
    reasons = verify_file(badge, now=NOW).reasons
    assert reasons == (
        "Le champ « mention » ne fait pas partie du vocabulaire Open Badges : la signature ne le "
        "couvre pas, il a pu être ajouté ou changé sans que rien ne le montre.",
    )


@pytest.mark.parametrize(
    ("content", "said"),
    [
        (
            b'{"id": "urn:x",\n "type": }',
            "ligne 2, colonne 10 : ce n'est pas du JSON valide (valeur attendue)",
        ),
        (b"\xff\xfe", "n'est pas un texte UTF-8"),
    ],
)
def test_verify_says_where_a_file_is_not_json(tmp_path: Path, content: bytes, said: str) -> None:
    file = tmp_path / "badge.json"
    file.write_bytes(content)
    with pytest.raises(PortfolioError, match=said.replace("(", r"\(").replace(")", r"\)")):
        verify_file(file)


def test_verify_of_a_missing_file_or_a_folder(tmp_path: Path) -> None:
    with pytest.raises(PortfolioError, match="Fichier introuvable"):
        verify_file(tmp_path / "absent.json")
    with pytest.raises(PortfolioError, match="est un dossier"):
        verify_file(tmp_path)


def test_a_future_assessment_date_is_refused(demo: Path) -> None:
    with pytest.raises(PortfolioError, match="est dans le futur") as refused:
        issue_credentials(demo, "fatima-b", dt.date(2026, 9, 2), now=NOW, new_key=True)
    assert refused.value.exit_code == 2


def test_renewed_badges_are_said_replaced_with_a_reminder_to_reprint(demo: Path) -> None:
    issue(demo, new_key=True)
    renewed = issue(demo, renew=True)
    assert renewed.badges[0].state == "remplacé : nouvelle empreinte"
    assert any(line.startswith("Réimprimez le portfolio") for line in renewed.lines())


def test_a_badge_whose_block_is_no_longer_presentable_is_pointed_out(demo: Path) -> None:
    issue(demo, new_key=True)
    path = demo / "workers" / "fatima-b.yaml"
    text = path.read_text(encoding="utf-8")
    lowered = text.replace("level: 3", "level: 1").replace("level: 4", "level: 1")
    path.write_text(lowered, encoding="utf-8")
    later = issue(demo)
    assert later.badges == ()
    assert [b.split(" ")[0] for b in later.no_longer] == ["advf.ccp1"]
    assert any("n'est plus présentable" in line for line in later.lines())


def test_the_evidence_names_trainings_by_their_title(demo: Path) -> None:
    credential = json.loads(issue(demo, new_key=True).badges[0].path.read_text(encoding="utf-8"))
    assert "formation réussie (Entretien du linge" in credential["evidence"][0]["narrative"]


def test_copies_to_a_file_instead_of_a_folder_are_refused_in_french(
    demo: Path, tmp_path: Path
) -> None:
    afile = tmp_path / "fichier"
    afile.write_text("x", encoding="utf-8")
    with pytest.raises(PortfolioError, match="est un fichier, pas un dossier"):
        issue(demo, new_key=True, copies=afile)


def test_no_copy_folder_is_made_when_there_is_no_badge(demo: Path, tmp_path: Path) -> None:
    issue(demo, "bernard-g", new_key=True, copies=tmp_path / "cle")
    assert not (tmp_path / "cle").exists()


def test_verify_refuses_a_huge_file_without_reading_it(tmp_path: Path) -> None:
    file = tmp_path / "enorme.json"
    with file.open("wb") as out:
        out.truncate(5_000_000)
    with pytest.raises(PortfolioError, match="bien trop pour un badge"):
        verify_file(file)
