"""Reading one fiche out of a large RNCP export (`referentiels import-rncp`, SPEC §12): memory
stays flat in the size of the export.

    python benchmarks/bench_rncp.py [--fiches 20000 80000] [--folder DOSSIER]

For each number of fiches, writes a CSV zip (`export-fiches-csv-2026-11-02.zip`: Standard,
Blocs_De_Compétences with 5 blocks a fiche, Rome, Certificateurs, Ancienne_Nouvelle) and an XML
export (`export_fiches_RNCP_V4_1_2026-11-02.xml`, 5 blocks a fiche with HTML competency lists and
evaluation methods) in the published formats, the fiche asked for last (the whole file is read).
Then, in a fresh process each time, reads that fiche with `portfolio.rncp.read_fiche` and prints
the time, the peak of Python allocations (tracemalloc) and the peak resident memory (ru_maxrss),
next to a process that only imports the module: the difference is what the reading costs.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
import zipfile
from pathlib import Path

DATE = "2026_11_02"
BLOCKS_PER_FICHE = 5
COMPETENCIES_PER_BLOCK = 6


def number(index: int) -> str:
    return f"RNCP{10000 + index}"


def write_csv_zip(path: Path, fiches: int) -> int:
    """The CSV zip; returns its unzipped size in bytes."""
    size = 0
    members = {
        "Standard": (
            "Id_Fiche;Numero_Fiche;Intitule;Abrege_Libelle;Abrege_Intitule;"
            "Nomenclature_Europe_Niveau;Nomenclature_Europe_Intitule;Date_Fin_Enregistrement;"
            "Type_Enregistrement;Actif",
            lambda i: [
                f'"{i}";"{number(i)}";"Intitulé de la certification numéro {i} pour les métiers '
                f'du service";"TP";"Titre professionnel";"NIV3";"Niveau 3";"31/12/2099";'
                f'"Enregistrement de droit";"ACTIVE"'
            ],
        ),
        "Blocs_De_Compétences": (
            "Numero_Fiche;Bloc_Competences_Code;Bloc_Competences_Libelle",
            lambda i: [
                f'"{number(i)}";"{number(i)}BC0{b}";"Bloc {b} : réaliser les activités '
                f"professionnelles du domaine {b} en respectant les règles d'hygiène, de "
                f'sécurité et les attentes de la personne accompagnée"'
                for b in range(1, BLOCKS_PER_FICHE + 1)
            ],
        ),
        "Rome": (
            "Numero_Fiche;Codes_Rome_Code;Codes_Rome_Libelle",
            lambda i: [f'"{number(i)}";"K130{r}";"Libellé ROME {r}"' for r in range(2, 5)],
        ),
        "Certificateurs": (
            "Numero_Fiche;Siret_Certificateur;Nom_Certificateur",
            lambda i: [f'"{number(i)}";"11000007200014";"MINISTERE DU TRAVAIL"'],
        ),
        "Ancienne_Nouvelle_Certification": (
            "Numero_Fiche;Ancienne_Certification;Nouvelle_Certification",
            lambda i: [f'"{number(i)}";"RNCP{i}";""'],
        ),
    }
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for kind, (header, rows) in members.items():
            name = f"export_fiches_CSV_{kind}_{DATE}.csv"
            with archive.open(name, "w", force_zip64=True) as member:
                chunk = [header]
                for i in range(fiches):
                    chunk += rows(i)
                    if len(chunk) >= 5000:
                        data = ("\r\n".join(chunk) + "\r\n").encode()
                        member.write(data)
                        size += len(data)
                        chunk = []
                data = ("\r\n".join(chunk) + "\r\n").encode() if chunk else b""
                member.write(data)
                size += len(data)
    return size


def xml_fiche(i: int) -> str:
    blocks = "".join(
        f"<BLOC_COMPETENCES><CODE>{number(i)}BC0{b}</CODE><LIBELLE>Bloc {b} du domaine</LIBELLE>"
        "<LISTE_COMPETENCES><![CDATA[<p>Le candidat est capable de :</p><ul>"
        + "".join(
            f"<li>Compétence {c} du bloc {b} : organiser son intervention selon les consignes "
            "et les attentes de la personne</li>"
            for c in range(1, COMPETENCIES_PER_BLOCK + 1)
        )
        + "</ul>]]></LISTE_COMPETENCES><MODALITES_EVALUATION><![CDATA[<p>Mise en situation "
        "professionnelle</p><p>Entretien avec le jury</p>]]></MODALITES_EVALUATION>"
        "</BLOC_COMPETENCES>"
        for b in range(1, BLOCKS_PER_FICHE + 1)
    )
    return (
        f"<FICHE><ID_FICHE>{i}</ID_FICHE><NUMERO_FICHE>{number(i)}</NUMERO_FICHE>"
        f"<INTITULE>Intitulé de la certification {i}</INTITULE><ABREGE><CODE>TP</CODE></ABREGE>"
        "<ACTIF>Oui</ACTIF><NOMENCLATURE_EUROPE><NIVEAU>NIV3</NIVEAU></NOMENCLATURE_EUROPE>"
        "<DATE_FIN_ENREGISTREMENT>31/12/2099</DATE_FIN_ENREGISTREMENT><CERTIFICATEURS>"
        "<CERTIFICATEUR><NOM_CERTIFICATEUR>MINISTERE DU TRAVAIL</NOM_CERTIFICATEUR>"
        "</CERTIFICATEUR></CERTIFICATEURS><CODES_ROME><ROME><CODE>K1302</CODE></ROME>"
        f"</CODES_ROME><BLOCS_COMPETENCES>{blocks}</BLOCS_COMPETENCES></FICHE>\n"
    )


def write_xml(path: Path, fiches: int) -> int:
    with path.open("w", encoding="utf-8") as out:
        out.write(
            '<?xml version="1.0" encoding="UTF-8"?>\n<FICHES><VERSION_FLUX>4.1</VERSION_FLUX>\n'
        )
        for i in range(fiches):
            out.write(xml_fiche(i))
        out.write("</FICHES>\n")
    return path.stat().st_size


def measure(path: Path, fiche: str) -> None:
    """In this (fresh) process: read the fiche, print a JSON line of the costs."""
    from portfolio.rncp import read_fiche

    if fiche == "-":
        print(json.dumps({"rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
        return
    tracemalloc.start()
    started = time.perf_counter()
    _export, found = read_fiche(path, fiche, dt.date(2026, 11, 10))
    seconds = time.perf_counter() - started
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(
        json.dumps(
            {
                "seconds": seconds,
                "traced_peak_mb": peak / 2**20,
                "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                "blocks": len(found.blocks),
            }
        )
    )


def run_child(path: Path, fiche: str) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, __file__, "--measure", str(path), fiche],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fiches", type=int, nargs="+", default=[20000, 80000])
    parser.add_argument("--folder", type=Path, default=None)
    parser.add_argument("--measure", nargs=2, metavar=("FICHIER", "FICHE"))
    args = parser.parse_args()
    if args.measure:
        measure(Path(args.measure[0]), args.measure[1])
        return
    folder = args.folder or Path(tempfile.mkdtemp(prefix="bench-rncp-"))
    folder.mkdir(parents=True, exist_ok=True)
    baseline = run_child(folder, "-")["rss_mb"]
    print(f"processus qui importe seulement portfolio.rncp : {baseline:.0f} Mo résidents")
    for fiches in args.fiches:
        csv_zip = folder / f"export-fiches-csv-{fiches}.zip"
        xml = folder / f"export_fiches_RNCP_V4_1_{fiches}.xml"
        csv_size = write_csv_zip(csv_zip, fiches)
        xml_size = write_xml(xml, fiches)
        last = number(fiches - 1)
        for label, path, size in (("CSV zip", csv_zip, csv_size), ("XML", xml, xml_size)):
            got = run_child(path, last)
            print(
                f"{label:7} {fiches:>7} fiches, {size / 2**20:6.0f} Mo décompressés : "
                f"{got['seconds']:5.1f} s, pic Python {got['traced_peak_mb']:5.1f} Mo, "
                f"pic résident {got['rss_mb']:4.0f} Mo (+{got['rss_mb'] - baseline:.0f}), "
                f"{got['blocks']:.0f} blocs"
            )
        csv_zip.unlink()
        xml.unlink()


if __name__ == "__main__":
    main()
