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
    "Tweet with a location You can add location information to your Tweets, such as your city or precise location.",
    "You always have the option to delete your Tweet location history.",
    "The news and stories that matter, delivered weekday mornings.",
    "BREAKING NEWS EMAILS Get breaking news alerts and special reports.",
    "This is a breaking news update. Check back soon for further information.",
    # Photo captions in agency style, which scraped pages run into the story.
    "Cuban intelligence agent Fernando Gonzalez speaks during a press conference in Havana, Cuba, Monday, June 2, 2014.",
    "A police officer drags a protester in the encampment Sunday, Nov. 13, 2011, in Portland, Ore.",
    "In this Sept. 5, 2014 photo, workers clear debris from the flooded street in the town center.",
    "This undated photo provided by the Albuquerque Police Department shows the suspect in the case.",
    "this image released by fox shows animated characters from the show, which premieres this fall.",
    "FILE - In this March 16, 2014 photo, a police officer stands guard outside the court.",
    "Play Facebook Twitter Embed Why the first lady will live in New York 2:55 The family is expected to move.",
    "Close skip in skip x embed x share The foundation says the lives of poor people will improve.",
    "Fox News' Jane Roe and The Associated Press contributed to this report.",
    "Just one more thing... We have sent you a verification email.",
    "Related story: woman says a DNA test proves her family's roots in the region.",
    "Photos: the singer moves out of the family home she shared with her husband.",
    "See also: appeals court refuses to shut down the service the comments represented a shift.",
    "Listen to article 2:17 A proposed class-action lawsuit was filed against the company.",
    "Posted: 10:04 am EST January 31, 2011 A state lawmaker is sponsoring a bill.",
    "Updated at 9:50 a.m. PT: the company issued a statement on Friday saying the dancers may refuse.",
    "More: we were there: how the worst flub in the history of the show went down.",
    "My first reaction to the news was relief, and then a kind of dread.",
    "i ordered an iced chai tea latte and a bagel with cream cheese.",  # a blogger, lower-cased
    "when i was 16, i'd spend the summer at camp studying for the tests.",
    "Advertisement [ via letters of note and george mason university ] the letter was sold.",
    "If you cannot view this article in full, click to launch the interactive content.",
    "Story highlights A series of videos shows the crash the pilot had radioed for help.",  # CNN's box, run together
    "Stay up to date on the latest Mexico news, video, and analysis from ABC News.",
])
def test_rejected(text):
    assert reject_reason(unit(text)) is not None


@pytest.mark.parametrize("text", [
    "A magnitude 7.1 earthquake struck northern Chile on Tuesday, killing at least 12 people.",
    '"I know for sure there are officers waiting to defect," a senior activist said.',
    "Police released a photo of the suspect taken by a security camera on Monday.",
    '"Why would anyone do this?" the mayor asked reporters outside city hall.',
    "The senator deleted the tweet hours later, saying her location had been misreported.",
    "Breaking news of the ceasefire reached the capital late on Tuesday night.",
    # News about photos, and dates in prose, are not captions.
    "Images released by police show the suspect leaving the store with a bag on Monday.",
    "This photo of the missing girl was taken on Sunday, her family said.",
    "The court will hear the case on Monday, and a ruling is expected by June 2, 2014.",
    "In this town of 3,000 people, the mill was the only employer for a century.",
    "The filing deadline for the lawsuit is Friday, lawyers for the families said.",
    "The new rules let users embed videos on their own sites, the company said.",
    "Hastert is scheduled to be sentenced on Wednesday for crimes related to the hush money.",
    "The senator posted a video of himself on the fence, and more photos followed on Monday.",
    "Officials said they would watch the river closely: more rain is expected this week.",
    "The two cases are related: both involve the same company and the same lawyers.",
    "But that is not the full story: officials said the two photos: one of the dam, one of the river, were old.",
    # A Roman numeral one and a list's "(i)" are nobody's voice.
    "The last World War I veteran of the country died on Tuesday at the age of 110.",
    "The drug passed a Phase I trial, and (i) its makers say (ii) a second trial starts soon.",
    '"Stay tuned," advises VentureBeat, which first reported the deposition on Wednesday.',
    # An advertisement the news is about is not an ad slot.
    "The group refused to take down the billboards with the advertisement last week.",
    "The plaintiffs filed a lawsuit against the brewer in 2013 claiming false advertisement.",
    "The highlights of the story were many, and the video of the analysis from the lab was clear.",
])
def test_kept(text):
    assert reject_reason(unit(text)) is None


def test_headline_only_lines_are_rejected():
    titles = headline_terms(["Powerful Chile earthquake kills 12 people in the north"])
    assert reject_reason(unit("Powerful Chile earthquake kills 12 people in north."), titles) == "repeats a headline"
    assert reject_reason(unit("Senior Syrian officers defect", heading=True)) == "heading line"


def test_furniture_by_hint_finds_what_the_whole_pattern_finds():
    # ASCII text tries only the patterns of the hints it contains; other text the whole pattern.
    from digests.filters import _CREDIT_TAIL, _FURNITURE, _FURNITURE_HINTS, _FURNITURE_PATTERNS, _looks_like_furniture

    def whole(text):
        lower = text.lower()
        return bool(any(h in lower for h in _FURNITURE_HINTS) and _FURNITURE.search(text)) or bool("/" in text and _CREDIT_TAIL.search(text))

    texts = [
        "Click HERE to watch the video.", "Watch Video: the storm hits", "Share on Facebook", "(AP Photo)", "( reuters photo",
        "This story has been corrected.", "Cookies help us; by continuing you accept them.", "Loading...", "loading the truck",
        "Free access to stories", "Sign up", "He signed up", "me@example.org", "photograph by Jane", "the share price rose",
        "Watch the debate tonight", "UPDATED 5 minutes ago", "© 2012", "ſubscribe now", "\u212aeep reading: read more",
    ]
    for text in texts:
        assert _looks_like_furniture(text) == whole(text), text
    # One match of every pattern (and of each alternative a hint stands for) is found.
    matches = (
        "http://a", "WWW.a", "me@x.org", "a.com/b", "click here", "Tap Here", "Read more", "read the full", "subscribe",
        "Sign up", "newsletter", "follow @x", "like us on", "share this", "just watched", "must watch", "replay",
        "more videos", "watch the video", "video:", "photo:", "image caption", "picture:", "caption:", "credit:",
        "all rights reserved", "©", "copyright", "Getty Images", "shutterstock", "(AP photo", "photo by",
        "published on", "updated 5", "file photo", "permalink", "advertisement continue reading", "not available in your country",
        "enable javascript", "cookies we use; accept", "this article was corrected", "correction:", "unlimited access",
        "loading...", "media caption", "media playback", "continue reading", "thank you for subscribing", "newsletters",
        "tweet location", "location information to your Tweets", "delivered weekday mornings", "breaking news alerts",
        "this is a breaking news update", "check back later", "sent you a verification email", "Facebook Twitter Embed",
        "embed x share", "embed more news videos", "contributed to this report", "related stories:",
        "see also:", "trending now:", "listen to article", "posted: 10", "updated at 9", "toggle caption", "enlarge this image",
    )  # fmt: skip
    openings = ("Stay tuned for further details.", "Advertisement a", "More: a", "Watch: a", "Interactive: a", "Topics: a", "Related: a", "Full story: a", "Exclusive photos: a", "Videos: a")  # a link box's label opens the sentence
    assert len(matches) + 1 >= len(_FURNITURE_PATTERNS)
    for text in matches:
        assert _looks_like_furniture(f"Yes {text} now"), text
    for text in openings:
        assert _looks_like_furniture(text) and not _looks_like_furniture(f"Officials said {text}"), text
    assert _looks_like_furniture("Click here to watch the video.") and not _looks_like_furniture("The share price rose.")


def test_a_sentence_with_a_word_no_headline_has_is_kept():
    titles = headline_terms(["Chile earthquake kills 12", "Quake relief arrives"])
    assert titles.words == frozenset(content_terms("Chile earthquake kills 12 Quake relief arrives"))
    assert reject_reason(unit("Chile earthquake kills 12 people, and relief arrives."), titles) is None
    assert reject_reason(unit("Quake relief arrives, relief arrives, relief arrives."), titles) == "repeats a headline"


@pytest.mark.parametrize("text", [
    "Don't stop: U.S.-based co-op's 3.5-year-old x-ray, O’Neil's G20 and 2nd-place 'quote'.",
    "abc'5def, a--b, x.5.y, é-école, Ünïcödé_words, ſtrange K and İstanbul.",
])
def test_terms_are_the_stemmed_words_without_stop_words(text):
    # Terms come from the tokens (one regex pass); they must be the sentence's own words.
    from digests.sentences import words
    from digests.units import STOP_WORDS, stem

    assert content_terms(text) == tuple(stem(w) for w in (w.lower() for w in words(text)) if w not in STOP_WORDS)


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
