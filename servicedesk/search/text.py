"""Words as the search sees them, the same on both databases: split on anything that is
not a letter or digit (so `smtp.example.com` is three words and `e-mail` two), lower case,
the Cyrillic yo read as ye, link targets of Markdown left out, stop words dropped.

PostgreSQL does the same in SQL (migration 0002: knowledge_search_words) and stems with
its own Snowball stemmers; SQLite's index and queries are stemmed here with the same
Snowball algorithms (snowballstemmer): Cyrillic words as Russian, other words with the
article's language, or English when that language has no stemmer."""

import re
from dataclasses import dataclass
from functools import lru_cache

import snowballstemmer

from servicedesk.search import stopwords

#: Article language → Snowball stemmer, and PostgreSQL's text search configuration of the
#: same name (migration 0002: knowledge_search_config). Other languages: not stemmed.
STEMMERS = {"en": "english", "ru": "russian", "de": "german", "fr": "french"}
#: At most this many words of a query count (a pasted paragraph must not cost more).
MAX_TERMS = 12

_LINK_TARGET = re.compile(r"\]\([^)]*\)")
_WORD = re.compile(r"[^\W_]+")
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
YO, YE = "\u0451", "\u0435"


def index_words(text: str) -> list[str]:
    """The words of a text, in order, folded (stop words kept)."""
    return _WORD.findall(fold(_LINK_TARGET.sub(" ", text or "")))


def fold(text: str) -> str:
    """Lower case, and the Cyrillic yo as ye (as Russian is mostly written)."""
    return text.lower().replace(YO, YE)


def is_cyrillic(word: str) -> bool:
    return bool(_CYRILLIC.search(word))


@lru_cache(maxsize=4)
def _stemmer(algorithm: str):
    return snowballstemmer.stemmer(algorithm)


@lru_cache(maxsize=200_000)
def stem(word: str, algorithm: str | None) -> str:
    """The word's stem by this Snowball algorithm (None: the word itself)."""
    if algorithm is None:
        return word
    return _stemmer(algorithm).stemWord(word)


def stemmer_for(word: str, language: str) -> str | None:
    """How a word of an article in `language` is stemmed in the index (as PostgreSQL's
    russian configuration stems Latin words as English)."""
    if is_cyrillic(word):
        return "russian"
    algorithm = STEMMERS.get(language)
    return "english" if algorithm == "russian" else algorithm


def index_stems(text: str, language: str) -> list[str]:
    """What the SQLite index stores for a text: stems, stop words left out."""
    return [
        stem(word, stemmer_for(word, language))
        for word in index_words(text)
        if word not in stopwords.ALL
    ]


@dataclass(frozen=True)
class Term:
    """One word of a query and every form it may have in the index: its stem by each
    stemmer that could have indexed it, and the word itself (unstemmed languages)."""

    word: str
    forms: tuple[str, ...]


def query_terms(text: str) -> list[Term]:
    """The words of a query that count: stop words out, duplicates out, at most MAX_TERMS."""
    terms: list[Term] = []
    seen: set[str] = set()
    for word in index_words(text):
        if word in stopwords.ALL or word in seen:
            continue
        seen.add(word)
        terms.append(Term(word=word, forms=_forms(word)))
        if len(terms) == MAX_TERMS:
            break
    return terms


def _forms(word: str) -> tuple[str, ...]:
    if is_cyrillic(word):
        algorithms: tuple[str | None, ...] = ("russian", None)
    else:
        algorithms = (*(a for a in STEMMERS.values() if a != "russian"), None)
    return tuple(dict.fromkeys(stem(word, algorithm) for algorithm in algorithms))


def vocabulary(title: str, keywords: str) -> set[str]:
    """The words typos are corrected to: those of titles and keywords, three letters or
    more, not numbers (migration 0002: knowledge_search_vocabulary)."""
    return {
        word for word in index_words(f"{title} {keywords}") if len(word) >= 3 and not word.isdigit()
    }


def trigrams(word: str) -> set[str]:
    """pg_trgm's trigrams of a word: padded with two spaces in front and one behind."""
    padded = f"  {word} "
    return {padded[i : i + 3] for i in range(len(padded) - 2)}


def spelling_similarity(typed: str, word: str) -> float:
    """How alike two words are, 0 to 1: the trigram similarity of the words, or of the
    typed word and the other's stem, whichever is higher (endings do not count)."""
    typed_grams = trigrams(typed)
    stemmed = stem(word, "russian" if is_cyrillic(word) else "english")
    return max(_jaccard(typed_grams, trigrams(form)) for form in {word, stemmed})


def _jaccard(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b)


def corrected(term: Term, word: str) -> Term:
    """The term for a word that replaces a typo."""
    return Term(word=word, forms=_forms(word))
