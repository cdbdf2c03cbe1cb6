"""Sentences a summary must never carry, and ones it may."""

import pytest

from digests.filters import headline_terms, reject_reason, strip_furniture
from digests.units import Unit, content_terms, tokens, word_count


def unit(text, heading=False):
    return Unit(text, 0, 0, 0, heading, word_count(text), content_terms(text), tokens(text))


@pytest.mark.parametrize("text", [
    "Just watched does hillary's email mess matter? replay more videos now.",
    "Follow us on Twitter for the latest updates from the region.",
    "Protesters gather in the main square of the capital city on Friday (AP Photo/Jane Roe)",
    "Get the latest headlines at http://www.example.com/news every single day.",
    "This article was corrected to show the right date of the vote.",
    "Get unlimited access to our journalism for $11 a month.",
    "The minister said the talks would",
    "Officials said the attack killed at least twelve people in the …",
    "Why did the president of the country fire his top general?",
    "And I wasn't going to write about this story today at all!",
    "Police said.",
    "Media playback is unsupported on your device.",
    "Continue reading the main story after this short message.",
    "Thank you for reading! We hope you enjoyed the article today.",
    "View all New York Times newsletters for more of our coverage.",
])
def test_rejected(text):
    assert reject_reason(unit(text)) is not None


@pytest.mark.parametrize("text", [
    "A magnitude 7.1 earthquake struck northern Chile on Tuesday, killing at least 12 people.",
    '"I know for sure there are officers waiting to defect," a senior activist said.',
    "Police released a photo of the suspect taken by a security camera on Monday.",
    '"Why would anyone do this?" the mayor asked reporters outside city hall.',
])
def test_kept(text):
    assert reject_reason(unit(text)) is None


def test_headline_only_lines_are_rejected():
    titles = headline_terms(["Powerful Chile earthquake kills 12 people in the north"])
    assert reject_reason(unit("Powerful Chile earthquake kills 12 people in north."), titles) == "repeats a headline"
    assert reject_reason(unit("Senior Syrian officers defect", heading=True)) == "heading line"


def test_strip_furniture_keeps_what_a_caption_shows():
    text = ("Image copyright Getty Images Image caption Greek artisans may have trained the makers of the "
            "terracotta warriors. Archaeologists in Xi'an dated the figures to 210 BC.")
    stripped = strip_furniture(text)
    assert "copyright" not in stripped.lower() and "caption" not in stripped.lower()
    assert "Greek artisans may have trained the makers of the terracotta warriors." in stripped
    assert stripped.endswith("Archaeologists in Xi'an dated the figures to 210 BC.")


def test_strip_furniture_drops_a_box_whole():
    box = ("Newsletter sign up continue reading the main story. Invalid email address. Please re-enter. "
           "You must select a newsletter to subscribe to. Thank you for subscribing. An error has occurred. "
           "Please try again later. View all New York Times newsletters.")
    text = f"The ministry said it was working with the authorities. {box} Uwe Janssen noted the lack of confirmation."
    assert strip_furniture(text) == ("The ministry said it was working with the authorities. "
                                     "Uwe Janssen noted the lack of confirmation.")


def test_strip_furniture_leaves_news_alone():
    text = "A magnitude 7.1 earthquake struck northern Chile on Tuesday. \"It shook for a minute,\" she said."
    assert strip_furniture(text) == text
