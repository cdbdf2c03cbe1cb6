"""Hand-written news reports for clustering tests: pairs of different events of the same kind
(two earthquakes, two stars entering rehab), each reported by several outlets."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from digests.model import Document

T0 = datetime(2024, 3, 4, 8, 0, tzinfo=timezone.utc)

REPORTS = {
    "chile-quake": [
        ("Magnitude 6.8 earthquake shakes central Chile near Valparaiso",
         "A magnitude 6.8 earthquake struck off the coast of central Chile on Monday, shaking buildings in "
         "Valparaiso and Santiago. Chile's disaster agency Senapred said two people died in Vina del Mar "
         "when a wall collapsed. The navy's oceanographic service ruled out a tsunami on the Chilean coast."),
        ("Chile quake kills two in Vina del Mar, no tsunami threat",
         "Two people were killed in Vina del Mar after a strong earthquake of magnitude 6.8 hit central Chile, "
         "officials said. Senapred reported power cuts across the Valparaiso region. President Gabriel Boric "
         "said the government was assessing damage in Valparaiso and Santiago."),
        ("Strong earthquake rattles Valparaiso; Boric says damage limited",
         "Chilean President Gabriel Boric said damage from Monday's magnitude 6.8 earthquake was limited, "
         "though two people died in Vina del Mar. The quake was centred 40 km off Valparaiso, according to "
         "Chile's seismological centre, and was felt in Santiago."),
    ],
    "japan-quake": [
        ("Magnitude 6.1 earthquake hits Hokkaido, Japan; trains halted",
         "A magnitude 6.1 earthquake struck eastern Hokkaido in northern Japan on Tuesday, halting bullet "
         "trains and cutting power to 20,000 homes in Kushiro, the Japan Meteorological Agency said. "
         "No tsunami warning was issued. Hokkaido Electric said its Tomari plant was unaffected."),
        ("Hokkaido quake cuts power in Kushiro, injures five",
         "Five people were injured in Kushiro when a magnitude 6.1 earthquake shook Hokkaido, Japanese "
         "officials said. The Japan Meteorological Agency warned of aftershocks. Hokkaido Electric restored "
         "power to most of the 20,000 homes by evening."),
        ("Japan: eastern Hokkaido shaken by 6.1 tremor, no tsunami",
         "The Japan Meteorological Agency said Tuesday's magnitude 6.1 earthquake in eastern Hokkaido posed "
         "no tsunami risk. Chief Cabinet Secretary Yoshimasa Hayashi said five people were hurt in Kushiro "
         "and that JR Hokkaido had resumed train services."),
    ],
    "rehab-a": [
        ("Singer Mara Quinn enters rehab after Las Vegas concert cancellations",
         "Pop singer Mara Quinn has checked into a rehabilitation facility in Malibu, her publicist said, "
         "days after she cancelled three Las Vegas concerts. Quinn, 29, thanked fans for their patience and "
         "said her Caesars Palace residency would resume in May."),
        ("Mara Quinn seeks treatment, postpones Caesars Palace residency",
         "Mara Quinn is receiving treatment at a Malibu rehab center, a representative confirmed on Monday. "
         "The singer postponed her Caesars Palace residency in Las Vegas until May and asked fans for privacy."),
    ],
    "rehab-b": [
        ("Actor Tom Berendt checks into rehab, halting filming of 'Northline'",
         "Actor Tom Berendt has entered a rehabilitation program in Arizona, his agent said, forcing Netflix "
         "to pause production of the series Northline in Vancouver. Berendt, 41, said he was seeking help for "
         "alcohol addiction."),
        ("Netflix pauses 'Northline' as Tom Berendt enters rehab in Arizona",
         "Netflix has suspended filming of Northline in Vancouver after star Tom Berendt entered a rehab "
         "program in Arizona for alcohol addiction, the streamer confirmed on Monday."),
    ],
}

# Two wildfires on one day whose first reports share almost every topical word (and one
# headline nearly word for word): only their places and people differ.
WILDFIRES = {
    "fire-oregon": [
        ("Wildfire forces thousands to evacuate as strong winds push flames toward homes",
         "A fast-moving wildfire forced thousands of residents to evacuate on Tuesday as strong winds pushed "
         "the flames toward homes near Bend, Oregon. Firefighters said the blaze had burned 12,000 acres and "
         "was 5 percent contained. Governor Tina Kotek declared an emergency and the Deschutes County "
         "sheriff ordered evacuations in Sisters and Black Butte Ranch, where 40 homes were destroyed."),
        ("Evacuations ordered as wildfire burns 12,000 acres near Bend",
         "Officials ordered evacuations in Sisters and Black Butte Ranch as a wildfire near Bend grew to 12,000 "
         "acres, fanned by strong winds. Kotek invoked the Emergency Conflagration Act, sending firefighters "
         "from across Oregon. The Deschutes County sheriff said 40 homes had burned and no one was hurt."),
        ("Oregon fire destroys 40 homes; containment at 5 percent",
         "Forty homes have been destroyed by the wildfire burning near Bend, fire officials said, and "
         "containment stood at 5 percent after strong winds drove the flames across 12,000 acres. Residents "
         "of Sisters waited in evacuation shelters as Governor Kotek toured the fire lines."),
    ],
    "fire-greece": [
        ("Wildfire forces thousands to evacuate as strong winds fan flames near homes",
         "Thousands of residents fled a wildfire on Tuesday as strong winds fanned the flames toward homes on "
         "the island of Rhodes, Greece. Firefighters backed by water-bombing planes battled the blaze, which "
         "had burned 8,000 hectares. Prime Minister Kyriakos Mitsotakis cut short a trip to Brussels, and "
         "the coast guard evacuated tourists from hotels in Lindos and Kiotari by boat."),
        ("Tourists evacuated by boat as Rhodes wildfire spreads",
         "The Greek coast guard evacuated 2,000 tourists by boat from beaches near Lindos and Kiotari as a "
         "wildfire on Rhodes spread in strong winds. Mitsotakis said the fire had burned 8,000 hectares. "
         "Firefighters from Slovakia and Turkey joined Greek crews on the island."),
        ("Greece: Rhodes fire burns 8,000 hectares, hotels emptied",
         "Hotels in Kiotari and Lindos were emptied as the wildfire on Rhodes burned 8,000 hectares, the Greek "
         "fire service said. Mitsotakis thanked firefighters and said the evacuation of thousands of tourists "
         "and residents had gone without injury."),
    ],
}


def wildfire_documents() -> list[Document]:
    return [Document(id=f"{event}-{k}", title=title, text=text, outlet=f"outlet-{k}",
                     url=f"https://news.example/{event}/{k}", published=T0 + timedelta(hours=2 * k))
            for event, reports in WILDFIRES.items() for k, (title, text) in enumerate(reports)]


def sample_documents(headlines_only: bool = False) -> list[Document]:
    outlets = ["Reuters", "AP", "BBC News"]
    docs = []
    for event, reports in REPORTS.items():
        for k, (title, text) in enumerate(reports):
            docs.append(Document(
                id=f"{event}-{k}", title=title, text="" if headlines_only else text, outlet=outlets[k],
                url=f"https://news.example/{event}/{k}", published=T0 + timedelta(hours=3 * k),
            ))
    return docs


def partition(stories) -> set[frozenset[str]]:
    return {frozenset(d.id for d in s.documents) for s in stories}


def expected_partition(docs) -> set[frozenset[str]]:
    groups: dict[str, set[str]] = {}
    for d in docs:
        groups.setdefault(d.id.rsplit("-", 1)[0], set()).add(d.id)
    return {frozenset(g) for g in groups.values()}


# Page furniture as the `cluster` command's files carry it (texts not cleaned on the way in).
_NEWSLETTER_BOX = (
    "Advertisement continue reading the main story. Newsletter sign up. Thank you for subscribing. "
    "Subscribe to our daily newsletter for special offers and updates. Thank you for reading! "
    "Media playback is unsupported on your device. Share this on Facebook."
)


def furnished_reports() -> list[Document]:
    """Two reports of different events whose pages share a file-photo caption label and a
    newsletter box, and nothing else."""
    reports = [
        ("dam-0", "Levee breach floods villages on the Mekong delta",
         "File photo: villagers in Can Tho carry sandbags. " + _NEWSLETTER_BOX + " A levee on the Hau river "
         "gave way before dawn on Tuesday, flooding four villages near Can Tho. Provincial officials said "
         "3,000 residents were moved to schools on higher ground and two fishermen were missing."),
        ("mine-0", "Copper miners strike at Escondida over pay",
         "File photo: a haul truck at the Escondida pit. " + _NEWSLETTER_BOX + " Workers at Escondida, the "
         "largest copper mine in the Atacama desert, walked out on Tuesday after talks with BHP over bonuses "
         "collapsed. The union said 2,400 members joined the strike and output had stopped."),
    ]
    return [Document(id=i, title=title, text=text, outlet="Wire", published=T0) for i, title, text in reports]
