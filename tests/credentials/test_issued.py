"""The credentials issued to a worker, read from `badges/<worker>/` for the printed portfolio
(portfolio/credentials/issued.py): what is printed, the QR code's text, and files that are not
credentials, which never stop a document."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pytest
import segno
from badge_support import credential, write_badge

from portfolio.credentials.issued import (
    LARGEST_CREDENTIAL,
    IssuedCredential,
    UnreadableCredential,
    issued_credentials,
)


def test_a_credential_file_gives_what_the_jury_reads(tmp_path: Path) -> None:
    path = write_badge(
        tmp_path,
        "w-0042",
        "advf.ccp1",
        credential(
            "Entretenir le logement",
            rncp="RNCP37715BC01",
            valid_from="2026-11-30T00:00:00Z",
            valid_until="2031-11-30T23:30:00-02:00",
        ),
    )
    [issued] = issued_credentials(tmp_path, "w-0042")
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    assert issued == IssuedCredential(
        file_name="advf.ccp1.json",
        block_id="advf.ccp1",
        achievement="Entretenir le logement",
        rncp_code="RNCP37715BC01",
        issuer="AI Lyon Est",
        valid_from=dt.date(2026, 11, 30),
        valid_until=dt.date(2031, 11, 30),
        sha256=digest,
    )
    assert issued.qr_payload == f"advf.ccp1.json sha256:{digest}"


def test_a_badge_changed_after_its_signature_is_not_listed(tmp_path: Path) -> None:
    path = write_badge(tmp_path, "w-0042", "advf.ccp1", credential("Entretenir le logement"))
    path.write_text(path.read_text(encoding="utf-8").replace("AI Lyon Est", "AI Lyon Ouest"))
    [listed] = issued_credentials(tmp_path, "w-0042")
    assert isinstance(listed, UnreadableCredential)
    assert listed.problem.startswith(
        "n'est pas authentique (la signature ne correspond pas : le badge a été modifié"
    )


def test_an_unsigned_badge_is_not_listed(tmp_path: Path) -> None:
    write_badge(tmp_path, "w-0042", "advf.ccp1", credential("Bloc"), signed=False)
    [listed] = issued_credentials(tmp_path, "w-0042")
    assert isinstance(listed, UnreadableCredential)
    assert listed.problem.startswith("n'est pas")


def test_another_workers_badge_is_not_listed(tmp_path: Path) -> None:
    theirs = write_badge(tmp_path, "w-0041", "advf.ccp1", credential("Entretenir le logement"))
    mine = tmp_path / "badges" / "w-0042" / "advf.ccp1.json"
    mine.parent.mkdir(parents=True)
    mine.write_bytes(theirs.read_bytes())
    assert issued_credentials(tmp_path, "w-0042") == [
        UnreadableCredential(
            "advf.ccp1.json", "advf.ccp1", "n'est pas au nom de ce salarié (w-0042)"
        )
    ]


def test_optional_fields_may_be_absent(tmp_path: Path) -> None:
    write_badge(tmp_path, "w-0042", "advf.ccp2", credential("Accompagner", valid_until=None))
    [issued] = issued_credentials(tmp_path, "w-0042")
    assert isinstance(issued, IssuedCredential)
    assert (issued.rncp_code, issued.valid_until) == (None, None)


def test_credentials_come_in_the_order_a_reader_counts_blocks(tmp_path: Path) -> None:
    for block in ("advf.ccp10", "advf.ccp2", "advf.ccp1", "aph.b1"):
        write_badge(tmp_path, "w-0042", block, credential(block))
    assert [c.block_id for c in issued_credentials(tmp_path, "w-0042")] == [
        "advf.ccp1",
        "advf.ccp2",
        "advf.ccp10",
        "aph.b1",
    ]


def test_no_folder_means_no_credential_and_other_workers_files_are_not_read(
    tmp_path: Path,
) -> None:
    write_badge(tmp_path, "w-0043", "advf.ccp1", credential("Entretenir le logement"))
    assert issued_credentials(tmp_path, "w-0042") == []


def test_hidden_files_and_other_kinds_of_files_are_not_credentials(tmp_path: Path) -> None:
    """An interrupted atomic write leaves `.advf.ccp1.json.x1y2.tmp`; a note may lie there."""
    write_badge(tmp_path, "w-0042", "advf.ccp1", credential("Entretenir le logement"))
    folder = tmp_path / "badges" / "w-0042"
    (folder / ".advf.ccp2.json").write_text("{", encoding="utf-8")
    (folder / ".advf.ccp2.json.k2x9.tmp").write_text("{", encoding="utf-8")
    (folder / "LISEZMOI.txt").write_text("notes", encoding="utf-8")
    (folder / "ancien.json").mkdir()
    assert [c.file_name for c in issued_credentials(tmp_path, "w-0042")] == ["advf.ccp1.json"]


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ("{ pas du json", "n'est pas du JSON valide (erreur ligne 1, colonne 3)"),
        ('{"a": 1,\n  "b": }', "n'est pas du JSON valide (erreur ligne 2, colonne 8)"),
        ("[1, 2]", "ne contient pas un badge (un objet JSON est attendu)"),
        ("{}", "n'a pas de champ « credentialSubject.achievement.name »"),
        (
            json.dumps({**credential("Bloc"), "issuer": "did:key:z6Mk"}),
            "n'a pas de champ « issuer.name »",
        ),
        (
            json.dumps({**credential("Bloc"), "validFrom": "30/11/2026"}),
            "a un champ « validFrom » qui n'est pas une date ISO 8601 (« 30/11/2026 »)",
        ),
        (
            json.dumps({**credential("Bloc"), "validUntil": 2031}),
            "a un champ « validUntil » qui n'est pas un texte",
        ),
        (
            json.dumps(
                {**credential("Bloc"), "credentialSubject": {"achievement": {"name": "  "}}}
            ),
            "a un champ « credentialSubject.achievement.name » qui n'est pas un texte",
        ),
    ],
    ids=[
        "not-json",
        "json-error-line",
        "array",
        "empty",
        "issuer-string",
        "date",
        "number",
        "blank",
    ],
)
def test_a_file_that_is_not_a_credential_is_returned_with_its_problem(
    tmp_path: Path, content: str, problem: str
) -> None:
    write_badge(tmp_path, "w-0042", "advf.ccp1", credential("Entretenir le logement"))
    write_badge(tmp_path, "w-0042", "advf.ccp2", content)
    first, second = issued_credentials(tmp_path, "w-0042")
    assert isinstance(first, IssuedCredential)
    assert second == UnreadableCredential("advf.ccp2.json", "advf.ccp2", problem)


def test_a_file_not_in_utf8_is_said(tmp_path: Path) -> None:
    path = write_badge(tmp_path, "w-0042", "advf.ccp1", "")
    path.write_bytes('{"name": "Réparer"}'.encode("latin-1"))
    assert issued_credentials(tmp_path, "w-0042") == [
        UnreadableCredential("advf.ccp1.json", "advf.ccp1", "n'est pas un texte UTF-8")
    ]


def test_a_huge_file_is_not_read(tmp_path: Path) -> None:
    path = write_badge(tmp_path, "w-0042", "advf.ccp1", "")
    with path.open("wb") as stream:
        stream.truncate(LARGEST_CREDENTIAL + 1)
    assert issued_credentials(tmp_path, "w-0042") == [
        UnreadableCredential("advf.ccp1.json", "advf.ccp1", "est bien trop gros pour être un badge")
    ]


def test_a_file_that_cannot_be_opened_is_said(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_badge(tmp_path, "w-0042", "advf.ccp1", credential("Entretenir le logement"))

    def refused(self: Path) -> bytes:
        raise PermissionError(13, "Permission non accordée")

    monkeypatch.setattr(Path, "read_bytes", refused)
    assert issued_credentials(tmp_path, "w-0042") == [
        UnreadableCredential(
            "advf.ccp1.json", "advf.ccp1", "ne peut pas être lu (Permission non accordée)"
        )
    ]


@pytest.mark.parametrize("block", ["advf.ccp1", "paysagiste.ccp12", "numerique.b3"])
def test_the_qr_code_of_a_usual_block_is_small(tmp_path: Path, block: str) -> None:
    """Version 6 at level M is 41 modules: 30 mm on paper give 0.6 mm a module, which any
    phone reads (a whole signed credential would need version 29)."""
    write_badge(tmp_path, "w-0042", block, credential("Bloc"))
    [issued] = issued_credentials(tmp_path, "w-0042")
    assert isinstance(issued, IssuedCredential)
    code = segno.make(issued.qr_payload, error="m", micro=False)
    assert code.version <= 6
    assert code.error in ("M", "Q", "H")


def test_reading_credentials_imports_neither_pyld_nor_cryptography() -> None:
    """A document of a worker without badges stays light: the signature checks import pyld
    and cryptography only when there is a badge to check."""
    probe = (
        "import sys\n"
        "import portfolio.credentials.issued\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('pyld', 'cryptography')))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"
