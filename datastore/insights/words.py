"""The words of an entry that could mean something about a day: lower-case, four letters
or more, common function words and mood words dropped (a mood word "predicting" a mood
says nothing new)."""

from __future__ import annotations

import re

_WORD = re.compile(r"[a-z][a-z'-]{2,}[a-z]")
# fmt: off
STOP_WORDS = frozenset(
    [
        "about", "above", "after", "again", "against", "also", "although", "always", "among",
        "another", "anyone", "anything", "around", "because", "been", "before", "being", "below",
        "between", "both", "came", "come", "comes", "could", "didn't", "does", "doesn't", "doing",
        "done", "down", "during", "each", "else", "even", "ever", "every", "from", "further",
        "gets", "getting", "going", "gone", "have", "having", "here", "hers", "herself",
        "himself", "into", "it's", "just", "know", "like", "made", "make", "makes", "many",
        "maybe", "more", "most", "much", "must", "myself", "never", "next", "once", "only",
        "other", "ours", "ourselves", "over", "really", "same", "seem", "seems", "shall",
        "should", "since", "some", "something", "still", "such", "than", "that", "that's",
        "their", "theirs", "them", "themselves", "then", "there", "these", "they", "thing",
        "things", "this", "those", "though", "through", "today", "together", "tomorrow",
        "tonight", "too", "under", "until", "upon", "very", "want", "wanted", "were", "what",
        "when", "where", "which", "while", "will", "with", "within", "without", "would",
        "yesterday", "your", "yours", "yourself", "i'm", "i've", "i'll", "i'd", "don't", "can't",
        "won't", "wasn't", "isn't", "aren't", "haven't", "feel", "feeling", "felt", "mood",
        "good", "great", "fine", "okay", "happy", "happier", "sad", "sadder", "better", "worse",
        "bad", "best", "worst",
    ]
)
# fmt: on


def words(text: str) -> set[str]:
    """The distinct meaningful words of `text`."""
    return {w for w in _WORD.findall(text.lower()) if w not in STOP_WORDS}
