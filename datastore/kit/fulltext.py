"""Full text for people: natural queries rank by how many and which words match (BM25).

A query is split into words to rank by (any of them may match, OR) and constraints in
web-search syntax: a "quoted phrase" must match, a -word or -"phrase" must not. `OR`
between words is what words already mean. The statement built here ranks the candidates
of one table by Okapi BM25 over its stored, weighted tsvector (title positions, weight A,
count TITLE_BOOST times), with document frequencies from the user's own rows, and gives
each hit a `coverage`: the share of the query's inverse document frequency it matched
(0-1), which HYBRID uses as a calibrated strength. Journal and pod share the statement.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

K1 = 1.2  # term-frequency saturation (the usual BM25 constants)
B = 0.75  # length normalisation
TITLE_BOOST = 2.5  # a title word counts as much as 2.5 body words

_TOKEN = re.compile(r'-?"[^"]*"?|\S+')


@dataclass(frozen=True)
class ParsedQuery:
    words: str  # plain and phrase words, to rank by
    constraints: str  # phrases and exclusions, in websearch_to_tsquery syntax

    @property
    def empty(self) -> bool:
        return not self.words.strip() and not self.constraints.strip()


def parse_query(query: str) -> ParsedQuery:
    """Split a search box's text into the words to rank by and the constraints to filter by."""
    words: list[str] = []
    constraints: list[str] = []
    for token in _TOKEN.findall(query):
        if token == "OR":
            continue  # words are alternatives already
        if token.startswith('-"'):
            constraints.append(_closed(token))
        elif token.startswith('"'):
            constraints.append(_closed(token))
            words.append(token.strip('"'))
        elif token.startswith("-") and len(token) > 1:
            constraints.append(token)
        else:
            words.append(token)
    return ParsedQuery(" ".join(words), " ".join(constraints))


def semantic_text(query: str) -> str:
    """What the model should read of a search box's text: its words and phrases, without
    OR, quotes or excluded words (syntax is not meaning)."""
    return parse_query(query).words or query


def _closed(phrase: str) -> str:
    return phrase if len(phrase) > 2 and phrase.endswith('"') else f'{phrase.rstrip(chr(34))}"'


def bm25_statement(
    *,
    table: str,
    vector: str,
    length: str,
    owner_filter: str,
    config: str,
    columns: str,
    alias: str = "d",
) -> str:
    """SQL ranking the rows of `table` (as `alias`) that match the query, best first.

    Binds :user_id, :terms (lexemes), :words (text stemmed with `config` too), :constraints
    and :limit; returns `id, score, coverage` then `columns` (which may use `q.q`, the
    matching tsquery, e.g. for ts_headline)."""
    return f"""
    WITH terms AS (
        SELECT DISTINCT lexeme FROM (
            SELECT unnest(CAST(:terms AS text[])) AS lexeme
            UNION ALL SELECT unnest(tsvector_to_array(to_tsvector({config}, :words)))
        ) t WHERE lexeme <> ''
    ),
    parts AS (
        SELECT (SELECT string_agg(quote_literal(lexeme), ' | ') FROM terms)::tsquery AS any_word,
               websearch_to_tsquery({config}, :constraints) AS must
    ),
    q AS (
        SELECT CASE WHEN numnode(must) = 0 THEN any_word
                    WHEN any_word IS NULL THEN must
                    ELSE any_word && must END AS q
        FROM parts
    ),
    cand AS (
        SELECT {alias}.id, {alias}.{vector} AS v, greatest({length}, 1)::float8 AS len
        FROM {table} {alias}, q
        WHERE {owner_filter} AND {alias}.{vector} @@ q.q
    ),
    tf AS (
        SELECT c.id, u.lexeme,
               sum(CASE WHEN w = 'A' THEN {TITLE_BOOST} ELSE 1.0 END)::float8 AS tf
        FROM cand c CROSS JOIN LATERAL unnest(c.v) u CROSS JOIN LATERAL unnest(u.weights) w
        WHERE u.lexeme IN (SELECT lexeme FROM terms)
        GROUP BY c.id, u.lexeme
    ),
    n AS (SELECT count(*)::float8 AS n FROM {table} {alias} WHERE {owner_filter}),
    df AS (SELECT lexeme, count(*)::float8 AS df FROM tf GROUP BY lexeme),
    idf AS (
        SELECT t.lexeme,
               ln(1 + (n.n - coalesce(df.df, 0) + 0.5) / (coalesce(df.df, 0) + 0.5)) AS idf
        FROM terms t CROSS JOIN n LEFT JOIN df USING (lexeme)
    ),
    avgdl AS (SELECT greatest(avg(len), 1) AS avgdl FROM cand),
    scored AS (
        SELECT tf.id,
               sum(i.idf * tf.tf * ({K1} + 1)
                   / (tf.tf + {K1} * (1 - {B} + {B} * c.len / a.avgdl))) AS bm25,
               sum(i.idf) AS matched
        FROM tf JOIN idf i USING (lexeme) JOIN cand c USING (id) CROSS JOIN avgdl a
        GROUP BY tf.id
    ),
    ranked AS (
        SELECT c.id, coalesce(s.bm25, 0) AS score,
               coalesce(s.matched, 0)
                 / greatest((SELECT sum(idf) FROM idf), 1e-9) AS coverage
        FROM cand c LEFT JOIN scored s USING (id)
        ORDER BY score DESC, c.id LIMIT :limit
    )
    SELECT r.id, r.score, r.coverage, {columns}
    FROM ranked r JOIN {table} {alias} ON {alias}.id = r.id, q
    ORDER BY r.score DESC, r.id
    """  # noqa: S608 (names and expressions are the callers' constants; values are bound)


# The highlight of an entry another ranking found: any of the query's words.
def any_word_query(config: str) -> str:
    """SQL for a tsquery matching any word of :query (for ts_headline)."""
    return f"CAST(replace(CAST(plainto_tsquery({config}, :query) AS text), '&', '|') AS tsquery)"


# The user's text-search language (pod settings: `setSearchLanguage`), which every text index
# of the user (pod entries, journal entries) is built with; binds :user_id.
USER_LANGUAGE = (
    "CAST(coalesce((SELECT s.search_language FROM pod_settings s "
    "WHERE s.user_id = :user_id), 'english') AS regconfig)"
)
