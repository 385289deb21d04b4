"""Small exports of France Compétences' RNCP open data, written in the published formats.

CSV zip: `export-fiches-csv-AAAA-MM-JJ.zip` holding `;`-separated UTF-8 files
`export_fiches_CSV_<Kind>_AAAA_MM_JJ.csv` keyed by `Numero_Fiche`, with the columns that
mission-apprentissage's importer validates (zod schemas of `source.france_competence`) and that
cpesr/RFC lists for each file. XML: `FICHES` / `FICHE` as described by the XSD
`rncp-rs-france-competence-v4.1.xsd` (data.gouv.fr, 02/01/2025), HTML text in CDATA.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

DATE = "2026_11_02"
ZIP_NAME = "export-fiches-csv-2026-11-02.zip"

STANDARD_HEADER = (
    "Id_Fiche;Numero_Fiche;Intitule;Abrege_Libelle;Abrege_Intitule;Nomenclature_Europe_Niveau;"
    "Nomenclature_Europe_Intitule;Accessible_Nouvelle_Caledonie;Accessible_Polynesie_Francaise;"
    "Date_dernier_jo;Date_Decision;Date_Fin_Enregistrement;Date_Effet;Type_Enregistrement;"
    "Validation_Partielle;Actif"
)
STANDARD_ROWS = [
    '"38001";"RNCP37715";"Assistant de vie aux familles";"TP";"Titre professionnel";"NIV3";'
    '"Niveau 3";"Non";"Non";"";"";"04/07/2028";"04/07/2023";"Enregistrement de droit";"Oui";'
    '"ACTIVE"',
    '"34001";"RNCP34690";"Assistant de vie aux familles";"TP";"Titre professionnel";"NIV3";'
    '"Niveau 3";"Non";"Non";"";"";"04/07/2023";"";"Enregistrement de droit";"Oui";"INACTIVE"',
    '"35001";"RNCP35510";"Agent de maintenance des bâtiments";"TP";"Titre professionnel";'
    '"NIV3";"Niveau 3";"Non";"Non";"";"";"19/04/2026";"";"Enregistrement de droit";"Oui";'
    '"ACTIVE"',
    '"39001";"RNCP39001";"Brevet de technicien supérieur Services";"BTS";"Brevet de technicien '
    'supérieur";"NIV5";"Niveau 5";"Non";"Non";"";"";"31/12/2029";"";"Enregistrement de droit";'
    '"Oui";"ACTIVE"',
    '"39002";"RNCP39002";"CQP Agent de sûreté";"CQP";"Certificat de qualification '
    'professionnelle";"NIV3";"Niveau 3";"Non";"Non";"";"";"31/12/2029";"";"Enregistrement sur '
    'demande";"Oui";"ACTIVE"',
    '"39003";"RNCP39003";"CQP sans bloc";"CQP";"";"NIV3";"Niveau 3";"Non";"Non";"";"";'
    '"31/12/2029";"";"Enregistrement sur demande";"Oui";"ACTIVE"',
]
BLOCKS_HEADER = "Numero_Fiche;Bloc_Competences_Code;Bloc_Competences_Libelle"
BLOCKS_ROWS = [
    '"RNCP37715";"RNCP37715BC01";"Entretenir le logement et le linge d\'un particulier"',
    '"RNCP34690";"RNCP34690BC01";"Ancien bloc"',
    '"RNCP37715";"RNCP37715BC02";"Relayer les parents; « garde » d\'enfants: #1 à domicile"',
    '"RNCP39001";"RNCP39001BC01";"Gérer"',
    '"RNCP39002";"RNCP39002BC01";"Surveiller un site"',
    '"RNCP37715";"RNCP37715BC03";"Accompagner la personne dans les actes essentiels"',
    '"RNCP37715";"RNCP37715BC01";"Entretenir le logement et le linge d\'un particulier"',
]
ROME_HEADER = "Numero_Fiche;Codes_Rome_Code;Codes_Rome_Libelle"
ROME_ROWS = [
    '"RNCP37715";"K1302";"Assistance auprès d\'adultes"',
    '"RNCP37715";"K1304";"Services domestiques"',
    '"RNCP39002";"K2503";"Sécurité et surveillance privées"',
    '"RNCP39001";"M1602";"Opérations administratives"',
]
CERTIFIERS_HEADER = "Numero_Fiche;Siret_Certificateur;Nom_Certificateur"
CERTIFIERS_ROWS = [
    '"RNCP37715";"11000007200014";"MINISTERE DU TRAVAIL DU PLEIN EMPLOI ET DE L\'INSERTION"',
    '"RNCP39002";"";"BRANCHE SURETE"',
]
SUCCESSORS_HEADER = "Numero_Fiche;Ancienne_Certification;Nouvelle_Certification"
SUCCESSORS_ROWS = ['"RNCP37715";"RNCP34690";""']

MEMBERS = {
    "Standard": (STANDARD_HEADER, STANDARD_ROWS),
    "Blocs_De_Compétences": (BLOCKS_HEADER, BLOCKS_ROWS),
    "Rome": (ROME_HEADER, ROME_ROWS),
    "Certificateurs": (CERTIFIERS_HEADER, CERTIFIERS_ROWS),
    "Ancienne_Nouvelle_Certification": (SUCCESSORS_HEADER, SUCCESSORS_ROWS),
    "Nsf": ("Numero_Fiche;Nsf_Code;Nsf_Intitule", ['"RNCP37715";"330t";"Spécialités"']),
}


def csv_text(header: str, rows: list[str]) -> str:
    return "\ufeff" + "\r\n".join([header, *rows]) + "\r\n"


def write_csv_zip(
    folder: Path,
    *,
    name: str = ZIP_NAME,
    replace: dict[str, str | bytes] | None = None,
    omit: tuple[str, ...] = (),
) -> Path:
    """The CSV zip; `replace` gives a member's whole text by kind, `omit` leaves kinds out."""
    path = folder / name
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for kind, (header, rows) in MEMBERS.items():
            if kind in omit:
                continue
            content = (replace or {}).get(kind, csv_text(header, rows))
            archive.writestr(f"export_fiches_CSV_{kind}_{DATE}.csv", content)
    return path


XML_FICHE_ACTIVE = """\
  <FICHE>
    <ID_FICHE>38001</ID_FICHE>
    <NUMERO_FICHE>RNCP37715</NUMERO_FICHE>
    <INTITULE>Assistant de vie aux familles</INTITULE>
    <ABREGE><CODE>TP</CODE><LIBELLE>Titre professionnel</LIBELLE></ABREGE>
    <ETAT_FICHE>Publiée</ETAT_FICHE>
    <ACTIF>Oui</ACTIF>
    <TYPE_ENREGISTREMENT>Enregistrement de droit</TYPE_ENREGISTREMENT>
    <NOMENCLATURE_EUROPE><NIVEAU>NIV3</NIVEAU><INTITULE>Niveau 3</INTITULE></NOMENCLATURE_EUROPE>
    <DATE_FIN_ENREGISTREMENT>04/07/2028</DATE_FIN_ENREGISTREMENT>
    <ANCIENNES_CERTIFICATIONS>
      <ANCIENNE_CERTIFICATION>RNCP34690</ANCIENNE_CERTIFICATION>
    </ANCIENNES_CERTIFICATIONS>
    <CERTIFICATEURS>
      <CERTIFICATEUR>
        <SIRET_CERTIFICATEUR>11000007200014</SIRET_CERTIFICATEUR>
        <NOM_CERTIFICATEUR>MINISTERE DU TRAVAIL</NOM_CERTIFICATEUR>
      </CERTIFICATEUR>
    </CERTIFICATEURS>
    <CODES_ROME>
      <ROME><CODE>K1304</CODE><LIBELLE>Services domestiques</LIBELLE></ROME>
      <ROME><CODE>K1302</CODE><LIBELLE>Assistance auprès d'adultes</LIBELLE></ROME>
    </CODES_ROME>
    <BLOCS_COMPETENCES>
      <BLOC_COMPETENCES>
        <CODE>RNCP37715BC01</CODE>
        <LIBELLE>Entretenir le logement et le linge d'un particulier</LIBELLE>
        <LISTE_COMPETENCES><![CDATA[<p>Le candidat est capable de :</p><ul>\
<li>Établir une relation professionnelle avec le particulier</li>\
<li>- Entretenir le linge &amp; les textiles : tri, lavage, repassage</li>\
<li>Entretenir le logement avec les gestes appropriés</li></ul>]]></LISTE_COMPETENCES>
        <MODALITES_EVALUATION><![CDATA[<p>Mise en situation professionnelle</p>\
<p>Entretien technique<br/>avec le jury</p>]]></MODALITES_EVALUATION>
      </BLOC_COMPETENCES>
      <BLOC_COMPETENCES>
        <CODE>RNCP37715BC02</CODE>
        <LIBELLE>Accompagner la personne dans les actes essentiels</LIBELLE>
        <LISTE_COMPETENCES>Aider la personne à faire sa toilette
Préparer des repas simples</LISTE_COMPETENCES>
      </BLOC_COMPETENCES>
    </BLOCS_COMPETENCES>
    <CORRESPONDANCES>
      <CORRESPONDANCE>
        <SOURCE><BLOC_COMPETENCES><CODE>RNCP37715BC09</CODE></BLOC_COMPETENCES></SOURCE>
      </CORRESPONDANCE>
    </CORRESPONDANCES>
  </FICHE>
"""
XML_FICHE_INACTIVE = """\
  <FICHE>
    <ID_FICHE>34001</ID_FICHE>
    <NUMERO_FICHE>RNCP34690</NUMERO_FICHE>
    <INTITULE>Assistant de vie aux familles</INTITULE>
    <ACTIF>Non</ACTIF>
    <DATE_FIN_ENREGISTREMENT>04/07/2023</DATE_FIN_ENREGISTREMENT>
    <NOUVELLES_CERTIFICATIONS>
      <NOUVELLE_CERTIFICATION>RNCP37715</NOUVELLE_CERTIFICATION>
    </NOUVELLES_CERTIFICATIONS>
    <BLOCS_COMPETENCES>
      <BLOC_COMPETENCES><CODE>RNCP34690BC01</CODE><LIBELLE>Ancien</LIBELLE></BLOC_COMPETENCES>
    </BLOCS_COMPETENCES>
  </FICHE>
"""
XML_NAME = "export_fiches_RNCP_V4_1_2026-11-02.xml"


def xml_text(*fiches: str) -> str:
    body = "".join(fiches or (XML_FICHE_INACTIVE, XML_FICHE_ACTIVE))
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<FICHES>\n  <VERSION_FLUX>4.1</VERSION_FLUX>\n'
        f"{body}</FICHES>\n"
    )


def write_xml(folder: Path, text: str | None = None, name: str = XML_NAME) -> Path:
    path = folder / name
    path.write_text(xml_text() if text is None else text, encoding="utf-8")
    return path


def write_xml_zip(folder: Path, name: str = "export-fiches-rncp-v4-1-2026-11-02.zip") -> Path:
    path = folder / name
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(XML_NAME, xml_text())
    return path
