"""The fictional demo coalition: who is in it and what they offer.

Names are invented and end in "(fictief)"; gemeenten, domains, levels and
leerroutes are real. Kept apart from the loader so the cast reads as a table.
"""

# (kind, name, gemeente, sector for werkgevers)
PARTNERS = [
    ("taalschool", "Taalschool Domstad (fictief)", "Utrecht", None),
    ("taalschool", "Alfa-atelier Overvecht (fictief)", "Utrecht", None),
    ("taalschool", "NT2 Academie Kanaleneiland (fictief)", "Utrecht", None),
    ("taalschool", "Taalhuis Zeist (fictief)", "Zeist", None),
    ("taalschool", "Taalcentrum Nieuwegein (fictief)", "Nieuwegein", None),
    ("taalschool", "Leerhuis Vecht en Venen (fictief)", "Stichtse Vecht", None),
    ("taalschool", "Taalschool Lekstroom (fictief)", "Houten", None),
    ("taalschool", "Taalpunt Woerden (fictief)", "Woerden", None),
    ("werkgever", "Zorggroep Oost (fictief)", "Utrecht", "zorg"),
    ("werkgever", "Logistiek Centrum Lage Weide (fictief)", "Utrecht", "logistiek"),
    ("werkgever", "Hotel Stadsbuiten (fictief)", "Utrecht", "horeca"),
    ("werkgever", "Softwarehuis Leidsche Rijn (fictief)", "Utrecht", "ict"),
    ("werkgever", "Installatiebedrijf Vechtstroom (fictief)", "Stichtse Vecht", "techniek"),
    ("werkgever", "Schoonmaakcoöperatie Heuvelrug (fictief)", "Utrechtse Heuvelrug", "schoonmaak"),
    ("werkgever", "Supermarkt De Kruidenier (fictief)", "Zeist", "retail"),
    ("werkgever", "Bouwbedrijf IJsselstein (fictief)", "IJsselstein", "bouw"),
    ("werkgever", "Kwekerij Ronde Venen (fictief)", "De Ronde Venen", "groen"),
    ("werkgever", "Thuiszorg Nieuwegein (fictief)", "Nieuwegein", "zorg"),
    ("werkgever", "Distributiecentrum Vianen (fictief)", "Vijfheerenlanden", "logistiek"),
    ("werkgever", "Eetcafé De Singel (fictief)", "Woerden", "horeca"),
    ("werkgever", "Zorgcentrum De Bilt (fictief)", "De Bilt", "zorg"),
    ("maatjesproject", "Maatjes Overvecht (fictief)", "Utrecht", None),
    ("maatjesproject", "Maatjes Kanaleneiland (fictief)", "Utrecht", None),
    ("maatjesproject", "Samen Zeist maatjesproject (fictief)", "Zeist", None),
    ("maatjesproject", "Buddy Netwerk Houten (fictief)", "Houten", None),
    ("maatjesproject", "Koffie & Taal Nieuwegein (fictief)", "Nieuwegein", None),
    ("onderwijsinstelling", "ROC Midden-Stad (fictief)", "Utrecht", None),
    ("onderwijsinstelling", "Hogeschool Domstad schakeljaar (fictief)", "Utrecht", None),
    ("onderwijsinstelling", "MBO Vecht en Lek (fictief)", "Nieuwegein", None),
    ("welzijn", "Welzijn Overvecht (fictief)", "Utrecht", None),
    ("welzijn", "Buurtteam Zuidwest (fictief)", "Utrecht", None),
    ("welzijn", "Opvoedsteunpunt Utrecht (fictief)", "Utrecht", None),
    ("welzijn", "Schuldhulp Samen Rond (fictief)", "Utrecht", None),
    ("welzijn", "Stichting Gezond Inburgeren (fictief)", "Utrecht", None),
    ("welzijn", "Welzijn Zeist (fictief)", "Zeist", None),
    ("welzijn", "Welzijn Woerden (fictief)", "Woerden", None),
    ("welzijn", "Welzijn De Bilt (fictief)", "De Bilt", None),
    ("overig", "Sportvereniging Lunetten (fictief)", "Utrecht", None),
    ("overig", "Bibliotheek Taalcafé Houten (fictief)", "Houten", None),
    ("overig", "Repair Café Wijk bij Duurstede (fictief)", "Wijk bij Duurstede", None),
]

# Peer mentors: voormalige statushouders, one person each, with the languages they speak.
MENTORS = [
    ("Mentor S. (fictief)", "Utrecht", ["ar", "nl"]),
    ("Mentor A. (fictief)", "Utrecht", ["ti", "nl", "en"]),
    ("Mentor F. (fictief)", "Utrecht", ["fa", "prs", "nl"]),
    ("Mentor H. (fictief)", "Utrecht", ["so", "nl"]),
    ("Mentor N. (fictief)", "Utrecht", ["ar", "kmr", "nl"]),
    ("Mentor Y. (fictief)", "Zeist", ["ti", "am", "nl"]),
    ("Mentor R. (fictief)", "Zeist", ["ar", "nl"]),
    ("Mentor M. (fictief)", "Nieuwegein", ["fa", "nl"]),
    ("Mentor D. (fictief)", "Houten", ["ar", "en", "nl"]),
    ("Mentor L. (fictief)", "Woerden", ["tr", "ar", "nl"]),
]

# Where the demo's inburgeraars live: gemeente → how many.
PEOPLE_PER_GEMEENTE = {
    "Utrecht": 110,
    "Zeist": 20,
    "Nieuwegein": 15,
    "Houten": 10,
    "Stichtse Vecht": 10,
    "Woerden": 10,
    "De Bilt": 8,
    "IJsselstein": 7,
    "Utrechtse Heuvelrug": 5,
    "Vijfheerenlanden": 5,
}

# The accounts of the API contract: email → (role, gemeente or partner name).
DEMO_ACCOUNTS = [
    ("coordinator@wegwijs.example", "coordinator", None),
    ("klantmanager.utrecht@wegwijs.example", "klantmanager", "Utrecht"),
    ("klantmanager.zeist@wegwijs.example", "klantmanager", "Zeist"),
    ("taalschool@wegwijs.example", "partner", "Taalschool Domstad (fictief)"),
    ("werkgever@wegwijs.example", "partner", "Zorggroep Oost (fictief)"),
    ("maatjes@wegwijs.example", "partner", "Maatjes Overvecht (fictief)"),
]

# Languages spoken among statushouders in the region (ISO 639), with rough weights.
HOME_LANGUAGES = {
    "ar": 30,
    "ti": 20,
    "fa": 8,
    "prs": 8,
    "ps": 3,
    "so": 8,
    "kmr": 6,
    "am": 4,
    "tr": 4,
}
SECOND_LANGUAGES = {"en": 5, "fr": 2}
SECTORS = [
    "zorg",
    "logistiek",
    "horeca",
    "ict",
    "techniek",
    "schoonmaak",
    "retail",
    "bouw",
    "groen",
]
