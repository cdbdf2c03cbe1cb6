"""Sentences a summary must never carry, and ones it may."""

import pytest

from digests.filters import headline_terms, reject_reason
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
