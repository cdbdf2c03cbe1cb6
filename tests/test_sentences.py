"""Sentence segmentation on news text: abbreviations, quotations, datelines, paragraphs."""

from bench.wire_layout import wire_text
from digests.filters import reject_reason
from digests.sentences import NewsTokenizer, paragraphs, segment, split_sentences, strip_dateline
from digests.units import split_documents
from digests.model import Document
from tests.summaries import seed_documents


def test_abbreviations_do_not_end_sentences():
    text = (
        "Syrian Col. Ahmed Berro and Gen. Mustafa al-Sheikh crossed into Turkey, U.S. officials said. "
        "Lt. Col. Adam Smith of the U.S. Army confirmed it. Sen. John McCain welcomed the news."
    )
    assert split_sentences(text) == [
        "Syrian Col. Ahmed Berro and Gen. Mustafa al-Sheikh crossed into Turkey, U.S. officials said.",
        "Lt. Col. Adam Smith of the U.S. Army confirmed it.",
        "Sen. John McCain welcomed the news.",
    ]
    # Titles and places the bundled model splits at.
    assert split_sentences("Mark Karpeles ran Mt. Gox until it failed. Rev. Jesse Jackson and Gov. Jan Brewer met Pres. Obama.") == [
        "Mark Karpeles ran Mt. Gox until it failed.",
        "Rev. Jesse Jackson and Gov. Jan Brewer met Pres. Obama.",
    ]


def test_a_quoted_question_keeps_its_attribution():
    # Punkt ends a sentence at every ? and !, which left "the mayor asked ..." a fragment.
    text = ('"Are we going to let this happen again?" the mayor asked reporters on Tuesday. The council voted. '
            "“Help me! Help me!” someone shouted from the building. He asked whether it was over? The crowd left.")
    assert split_sentences(text) == [
        '"Are we going to let this happen again?" the mayor asked reporters on Tuesday.',
        "The council voted.",
        "“Help me! Help me!” someone shouted from the building.",
        "He asked whether it was over?",
        "The crowd left.",
    ]


def test_sentences_glued_without_a_space_are_split():
    # Scraped pages join paragraphs without a space; Punkt sees one word "store.Katherine".
    assert split_sentences("He left the store.Katherine said she was sad. It rained.") == [
        "He left the store.", "Katherine said she was sad.", "It rained."]
    assert split_sentences("the frescoes were preserved.then the team moved on.") == [
        "the frescoes were preserved.", "then the team moved on."]
    # Domains, addresses and dotted abbreviations are not glued sentences.
    for text in ("See nytimes.com or www.the-site.org for more.", "Mail bob.the@x.com now.",
                 "It is, e.g. the best, said the U.S. ambassador.", "Read it at example.org/the-story today.", "It ran on ndtv.in and repubblica.it in May."):
        assert split_sentences(text) == [text]


def test_sentence_ending_in_an_abbreviation_still_ends():
    assert split_sentences("He moved to the U.S. He was 12.") == ["He moved to the U.S.", "He was 12."]


def test_quotation_running_over_sentences_stays_one_unit():
    text = '"This is a tragedy. We mourn them all," said Maj. Gen. Ray Odierno. The army agreed.'
    assert split_sentences(text) == [
        '"This is a tragedy. We mourn them all," said Maj. Gen. Ray Odierno.',
        "The army agreed.",
    ]
    curly = "“We are leaving. It is over,” he said. Then he left."
    assert split_sentences(curly) == ["“We are leaving. It is over,” he said.", "Then he left."]


def test_unbalanced_quote_does_not_swallow_the_paragraph():
    text = 'He said "the end is near. ' + " ".join(f"Sentence number {i} goes here." for i in range(40))
    assert len(split_sentences(text)) > 10


def test_a_quotation_left_open_is_given_back_sentence_by_sentence():
    # A quote carried into the next paragraph, or a text cut off mid-quote: the sentence that
    # opens it stands alone; the ones inside it are marked and never summarised on their own.
    text = ('The mayor spoke on Monday. She said the bridge would reopen next week. "We are rebuilding the old bridge as fast as we can. '
            'The crews work day and night. The city will pay for the repairs.\n\nThe governor agreed.')
    units = split_documents([Document(id="a", title="", text=text, outlet="o")])
    assert [u.text for u in units] == [
        "The mayor spoke on Monday.", "She said the bridge would reopen next week.", '"We are rebuilding the old bridge as fast as we can.',
        "The crews work day and night.", "The city will pay for the repairs.", "The governor agreed.",
    ]
    assert [u.continues_quote for u in units] == [False, False, False, True, True, False]
    assert reject_reason(units[3]) == "inside a quotation left open"
    assert reject_reason(units[2]) is None
    # A closed quotation is still one unit.
    closed = split_sentences('"We are doing all we can. The crews work day and night," she said. He left.')
    assert closed == ['"We are doing all we can. The crews work day and night," she said.', "He left."]


def test_datelines_are_stripped_from_the_first_sentence():
    cases = {
        "BEIRUT (AP) — Syrian officers defected to Turkey on Monday, officials said.": "Syrian officers",
        "WASHINGTON, June 25 (Reuters) - The U.S. Senate voted on Tuesday to pass the bill.": "The U.S. Senate",
        "LONDON — Prime Minister Theresa May said she would resign in June.": "Prime Minister",
        "NEW YORK (CNN Business) -- Stocks fell sharply on Monday after the report.": "Stocks fell",
        "Washington ( cnn ) congressional investigators asked the secretary about her email.": "congressional",
        "WASHINGTON (AP) _ President Clinton signed the bill into law on Friday.": "President Clinton",
        "BEIJING, October 5 (Xinhua) -- China launched a new satellite on Sunday morning.": "China launched",
    }
    for text, start in cases.items():
        assert strip_dateline(text).startswith(start), text
        assert segment(text)[0].text.startswith(start)
    # A wiki's date line run into the first sentence (WikiNews in MultiLing), after a heading too.
    assert segment("Saturday, March 26, 2005 Up to four times as many women as men died.")[0].text == "Up to four times as many women as men died."
    units = segment("Countries affected by the tsunami\n\nTuesday, January 18, 2005Through a telethon, Romanians raised 15 billion lei.")
    assert units[1].text == "Through a telethon, Romanians raised 15 billion lei."
    # In prose a date opens a sentence as its subject.
    assert segment("Monday, June 3, 2019 marks twenty years since the flood.")[0].text.startswith("Monday, June 3, 2019 marks")


def test_a_caption_and_its_credit_run_into_the_story_are_cut_off_it():
    # Scraped agency pages put a photo caption and its credit before the story's first sentence,
    # with no sentence break between them; the agency dateline goes wherever it stands.
    text = (
        "The hearing opened in Washington. Haley spoke outside the meeting on nuclear arms... ( associated press ) "
        "united nations ( ap ) — u.n. Talks aimed at banning nuclear weapons began monday without the united states. "
        "Sanaa, yemen ( ap ) _ yemeni president ali abdullah saleh plans to sign a deal wednesday in the saudi capital."
    )
    assert [u.text for u in segment(text)] == [
        "The hearing opened in Washington.",
        "Haley spoke outside the meeting on nuclear arms... ( associated press )",
        "u.n. Talks aimed at banning nuclear weapons began monday without the united states.",
        "yemeni president ali abdullah saleh plans to sign a deal wednesday in the saudi capital.",
    ]
    # Without an agency in its parentheses, a sentence keeps its words.
    kept = "Officials in Brussels (EU) said the talks would resume on Monday in the capital."
    assert segment("First sentence here. " + kept)[1].text == kept


def test_a_gannett_photo_credit_and_an_ad_label_are_cut_off_the_sentence_they_run_into():
    # USA Today's network runs the lead photo's credit (and its "Buy Photo" button) into the
    # story's first sentence; ad slots and paywalls leave their label before a sentence.
    text = (
        "Equifax headquarters in Atlanta ( Photo: Mike Stewart, AP ) Buy Photo Credit-reporting giant Equifax was hit "
        "with a class-action lawsuit within hours.\n\n"
        "Photo Advertisement Continue reading the main story The prosecution of Ethel Rosenberg remains controversial.\n\n"
        "Subscribe now In addition, the aides don't want the picture to shift attention away.\n\n"
        "Add Interest Braulio Guerra, a congressman from the state, tweeted photos of the fence.\n\n"
        "Add interest payments and the total rises to five billion dollars.\n\n"
        "Advertisement revenue fell."
        "\n\nadvertisement when i was 16, i spent the summer at camp.\n\n"
        "Advertisement revenue fell 10 percent in the quarter, the company said."
    )
    assert [u.text for u in segment(text)] == [
        "Equifax headquarters in Atlanta ( Photo: Mike Stewart, AP ) Buy Photo",
        "Credit-reporting giant Equifax was hit with a class-action lawsuit within hours.",
        "The prosecution of Ethel Rosenberg remains controversial.",
        "In addition, the aides don't want the picture to shift attention away.",
        "Braulio Guerra, a congressman from the state, tweeted photos of the fence.",  # ABC News's topic button
        "Add interest payments and the total rises to five billion dollars.",
        "Advertisement revenue fell.",  # too short for a label and a sentence: kept as written
        "when i was 16, i spent the summer at camp.",
        # No sentence visibly starts after the word: it is the sentence's own.
        "Advertisement revenue fell 10 percent in the quarter, the company said.",
    ]


def test_an_urgency_kicker_is_cut_off_the_sentence_it_opens():
    text = (
        "BREAKING NEWS: A Syrian military jet has just defected and fled to Jordan.\n\n"
        "Update: in August officials charged six shearers with cruelty to animals.\n\n"
        "Updated: 6:11 p.m. PDT, after the vote.\n\n"
        "Breaking: it rains."
    )
    assert [u.text for u in segment(text)] == [
        "A Syrian military jet has just defected and fled to Jordan.",
        "in August officials charged six shearers with cruelty to animals.",
        "Updated: 6:11 p.m. PDT, after the vote.",  # no sentence visibly starts after it
        "Breaking: it rains.",  # too short for a label and a sentence
    ]


def test_a_sentence_that_only_looks_like_a_dateline_is_kept():
    for text in (
        "The Federal Reserve (Fed) raised interest rates on Wednesday by a quarter point.",
        "Obama said on Monday that the deal was done.",
    ):
        assert strip_dateline(text) == text


def test_dateline_only_stripped_at_the_start_of_an_article_unless_an_agency_names_it():
    units = segment("A first sentence is here today.\n\nLONDON — A second paragraph starts like a dateline.")
    assert units[1].text.startswith("LONDON —")
    # An agency's dateline (a quoted wire report, or a story after a caption) goes anywhere.
    units = segment("A first sentence is here today.\n\nBEIRUT (AP) — A second paragraph starts with a dateline.")
    assert units[1].text == "A second paragraph starts with a dateline."


def test_update_stamps_are_stripped_where_they_open_a_paragraph():
    text = ("The jet was shot down near the coast on Friday.\n\n"
            "6:13pm pst Syria says it did not know the plane was Turkish when it fired.\n\n"
            "Thu Jun 28, 2012 at 7:26 AM PT: The bomb was identified as an unguided type.\n\n"
            "10:30 was when the first report reached the newsroom, an editor said.")
    units = [u.text for u in segment(text)]
    assert units[1] == "Syria says it did not know the plane was Turkish when it fired."
    assert units[2] == "The bomb was identified as an unguided type."
    # A time without am/pm or a time zone is part of the sentence, not a stamp.
    assert units[3].startswith("10:30 was when")
    # Inside a paragraph a time is just a time.
    assert segment("Officials met at noon. 6:13pm pst was the hour the vote closed, they said.")[1].text.startswith("6:13pm")


def test_ldc_style_quotation_marks_are_quotations():
    # DUC/TAC newswire writes `` and ''. A quoted "I" is speech, and a quote over two sentences
    # stays one unit, as with curly quotes.
    from digests.filters import reject_reason
    from digests.model import Document
    from digests.units import split_documents

    text = ("``I will not resign,'' Smith said on Tuesday after the vote in the Senate. "
            "``We did our job. I am proud of it,'' he told reporters at the Capitol building later that day.")
    units = split_documents([Document(id="a", title="", text=text)])
    assert [u.text for u in units] == [
        "“I will not resign,” Smith said on Tuesday after the vote in the Senate.",
        "“We did our job. I am proud of it,” he told reporters at the Capitol building later that day.",
    ]
    assert all(reject_reason(u) is None for u in units)
    # Two apostrophes without the LDC's opening mark, a Markdown code fence, and two code spans side
    # by side (backticks between words, not where one starts) are left as written.
    for kept in ("He wrote '' twice in the margin of the report.", "Run ```make test``` before you commit the change.",
                 "Type `make``test` and then the words ''done'' appear on the screen."):
        assert segment(kept)[0].text == kept


def test_paragraphs_from_blank_lines_and_line_breaks():
    assert paragraphs("One para.\nTwo para.\n\nThree para.") == ["One para.", "Two para.", "Three para."]


def test_hard_wrapped_prose_is_joined():
    text = (
        "The foreign minister said on Monday that the talks with the rebels\n"
        "would continue next week in Geneva, and that both sides had agreed\n"
        "to a ceasefire for the duration of the negotiations, officials said.\n\n"
        "A second paragraph of the wire story is wrapped at the same width\n"
        "as the first one was."
    )
    assert paragraphs(text) == [
        "The foreign minister said on Monday that the talks with the rebels would continue next week in Geneva, "
        "and that both sides had agreed to a ceasefire for the duration of the negotiations, officials said.",
        "A second paragraph of the wire story is wrapped at the same width as the first one was.",
    ]


def test_wire_copy_paragraphs_marked_by_indentation_only():
    # DUC/TDT newswire: wrapped at 70 columns, no blank lines, each paragraph after the first
    # indented three spaces. Before, every wrapped line became a heading or a fragment.
    text = (
        "WASHINGTON (AP) _ The Senate voted 52-48 Tuesday to approve the\n"
        "tax bill, handing President Clinton a victory on his top economic\n"
        "priority.\n"
        "   ``This is a great day for American families,'' said Senate Majority\n"
        "Leader George Mitchell, D-Maine.\n"
        "   Republicans said the bill would raise taxes on the middle class and\n"
        "vowed to fight it in the House.\n"
        "   The vote came after 14 hours of debate.\n"
    )
    units = segment(text)
    assert [u.text for u in units] == [
        "The Senate voted 52-48 Tuesday to approve the tax bill, handing President Clinton a victory on his "
        "top economic priority.",
        "“This is a great day for American families,” said Senate Majority Leader George Mitchell, D-Maine.",
        "Republicans said the bill would raise taxes on the middle class and vowed to fight it in the House.",
        "The vote came after 14 hours of debate.",
    ]
    assert [u.paragraph for u in units] == [0, 1, 2, 3]
    assert not any(u.is_heading for u in units)


def test_seed_articles_in_wire_layout_give_the_same_sentences():
    # The two live blogs and an agency report, rewritten as DUC wire copy (wrapped at 70
    # columns, paragraphs indented, `` '' quotes): the same sentences come out.
    def sentences(text: str) -> list[str]:
        return [u.text.replace("“", '"').replace("”", '"') for u in segment(text) if not u.is_heading]

    for doc in seed_documents()[:3] + seed_documents()[4:]:
        assert len(sentences(doc.text)) > 15
        assert sentences(wire_text(doc.text)) == sentences(doc.text), doc.id


def test_paragraph_tags_are_paragraph_breaks():
    # TAC-style SGML newswire, given as it is: the tags never land inside a sentence.
    text = "<P> The Senate voted 52-48 on Tuesday to approve the bill. </P> <P> Republicans said it would raise taxes. </P>"
    assert [u.text for u in segment(text)] == [
        "The Senate voted 52-48 on Tuesday to approve the bill.", "Republicans said it would raise taxes.",
    ]
    assert paragraphs("a < b and <p> is a tag.<Pre>") == ["a < b and", "is a tag.<Pre>"]


def test_indented_lines_alone_do_not_make_a_text_look_wrapped():
    text = "Key points:\n  - Taxes rise for the top bracket.\n  - The deficit falls.\nMore below."
    assert paragraphs(text) == ["Key points:", "- Taxes rise for the top bracket.", "- The deficit falls.", "More below."]


def test_spaced_straight_quotes_open_the_sentence_they_precede():
    # Tokenized text (Multi-News) writes a space after an opening quote. Punkt pulled such a quote
    # back onto the sentence before it, which then swallowed the quotation.
    text = 'The letter was sent on Monday. " have you ever used a personal account? " issa wrote. He left.'
    assert split_sentences(text) == [
        "The letter was sent on Monday.",
        '" have you ever used a personal account? "',
        "issa wrote.",
        "He left.",
    ]
    # Quotes written the usual way, and an inch mark, split as before.
    assert split_sentences('He said "no." Then he left. He was 5\'11" tall. Go.') == [
        'He said "no."', "Then he left.", "He was 5'11\" tall.", "Go.",
    ]


def test_short_caption_lines_do_not_make_a_text_look_wrapped():
    text = "uploaded 2/27/12\nOne building was destroyed.\nPhoto by AP\nRescuers arrived.\nVideo here\nIt rained."
    assert len(paragraphs(text)) == 6


def test_headline_lines_are_headings_not_sentences():
    units = segment("Senior Syrian officers defect\nThree officers crossed the border on Monday. They were armed.")
    assert units[0].is_heading and units[0].text == "Senior Syrian officers defect"
    assert [u.text for u in units[1:]] == ["Three officers crossed the border on Monday.", "They were armed."]
    assert not any(u.is_heading for u in units[1:])


def test_tokenizer_is_what_sumy_needs():
    from sumy.parsers.plaintext import PlaintextParser

    doc = PlaintextParser.from_string("The U.S. Army said so. Gen. Smith agreed.\n\nA new paragraph here.", NewsTokenizer()).document
    assert [str(s) for s in doc.sentences] == ["The U.S. Army said so.", "Gen. Smith agreed.", "A new paragraph here."]
    assert NewsTokenizer().to_words("Gen. Smith's U.S.-based team, 12 men.") == ("Gen", "Smith's", "U.S", "based", "team", "men")


def test_sentences_are_kept_as_written():
    text = "washington ( cnn ) smith &amp; wesson said sales rose 5% this year."
    assert segment(text)[0].text == "smith &amp; wesson said sales rose 5% this year."
