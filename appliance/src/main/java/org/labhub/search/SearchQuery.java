package org.labhub.search;

import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.queryparser.classic.MultiFieldQueryParser;
import org.apache.lucene.queryparser.classic.ParseException;
import org.apache.lucene.queryparser.classic.QueryParser;
import org.apache.lucene.queryparser.classic.Token;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.MatchAllDocsQuery;
import org.apache.lucene.search.Query;
import org.labhub.web.HttpError;

/**
 * Turns what a person typed into a Lucene query: words (all must match, in the title, name or content), "exact
 * phrases", prefixes ({@code analy*}), OR / NOT / -word / (groups), and {@code field:value} on the fields people
 * know ({@link #FIELDS}); internal fields (ids, ancestors, fingerprints) cannot be named. Anything it cannot
 * understand is a 400 whose message says what to change, never a 500.
 */
public final class SearchQuery {
    /** Longer queries are refused before parsing. */
    public static final int MAX_LENGTH = 1024;
    /** Words, phrases and field values in one query. */
    public static final int MAX_TERMS = 64;

    /** The names people may use in {@code name:value}, and the index field each means. */
    static final Map<String, String> FIELDS = fields();
    private static final String[] DEFAULT_FIELDS = {IndexFields.TITLE, IndexFields.NAME, IndexFields.CONTENT};
    private static final Map<String, Float> BOOSTS = Map.of(IndexFields.TITLE, 3f, IndexFields.NAME, 2f, IndexFields.CONTENT, 1f);
    private static final String HINT = "use words, \"exact phrases\", prefix*, AND / OR / NOT and field:value ("
            + String.join(", ", FIELDS.keySet()) + ")";

    private SearchQuery() {}

    private static Map<String, String> fields() {
        Map<String, String> f = new LinkedHashMap<>();
        f.put("title", IndexFields.TITLE);
        f.put("name", IndexFields.NAME);
        f.put("content", IndexFields.CONTENT);
        f.put("owner", IndexFields.OWNER);
        f.put("type", IndexFields.TYPE);
        f.put("lang", IndexFields.LANG);
        f.put("language", IndexFields.LANG);
        f.put("ext", IndexFields.EXT);
        f.put("file", IndexFields.NAME_EXACT);
        return f;
    }

    /** The query for {@code text}; blank text matches everything (the filters and permissions still apply). */
    public static Query parse(String text, Analyzer analyzer) {
        if (text.length() > MAX_LENGTH) {
            throw HttpError.badRequest("the query is too long (" + text.length() + " characters; at most " + MAX_LENGTH + ")");
        }
        if (text.isBlank()) {
            return new MatchAllDocsQuery();
        }
        Parser parser = new Parser(analyzer);
        try {
            // A slash starts a regular expression in Lucene's syntax; here it is just part of a path such as data/raw.
            return parser.parse(text.replaceAll("(?<!\\\\)/", "\\\\/"));
        } catch (ParseException e) {
            throw HttpError.badRequest(explain(text, e));
        } catch (IndexSearcher.TooManyClauses e) {
            throw HttpError.badRequest("the query has too many terms (at most " + MAX_TERMS + ")");
        }
    }

    private static String explain(String text, ParseException e) {
        // The parser wraps what went wrong (ours, a syntax error with its token, or a lexical error) in its own exception.
        ParseException inner = e.getCause() instanceof ParseException p ? p : e;
        if (inner.getMessage() != null && inner.getMessage().startsWith("!")) {
            return inner.getMessage().substring(1);
        }
        if (unescaped(text, '"') % 2 == 1) {
            return "a phrase is missing its closing quote (\"); " + HINT;
        }
        int open = unescaped(text, '(');
        int close = unescaped(text, ')');
        if (open != close) {
            return (open > close ? "a parenthesis is not closed" : "a closing parenthesis has no opening one") + "; " + HINT;
        }
        Token bad = inner.currentToken == null ? null : inner.currentToken.next;
        String at = bad == null ? "" : bad.image;
        if (bad != null && (at.isEmpty() || at.equals("AND") || at.equals("OR") || at.equals("NOT") || at.equals("&&") || at.equals("||"))) {
            return "AND, OR and NOT need a word on each side (put a phrase in quotes to search for these words); " + HINT;
        }
        return "the query could not be understood" + (at.isEmpty() ? "" : " at \"" + at + "\"") + "; " + HINT;
    }

    private static int unescaped(String text, char c) {
        int n = 0;
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) == '\\') {
                i++;
            } else if (text.charAt(i) == c) {
                n++;
            }
        }
        return n;
    }

    /** The classic parser over title, name and content, with every field and term checked as it is built. */
    private static final class Parser extends MultiFieldQueryParser {
        private int terms;
        /** True while the multi-field parser expands one default-field term into one query per field (not more terms). */
        private boolean expanding;

        Parser(Analyzer analyzer) {
            super(DEFAULT_FIELDS, analyzer, BOOSTS);
            setDefaultOperator(QueryParser.Operator.AND);
            setAllowLeadingWildcard(false);
            setSplitOnWhitespace(true);
            // pd.read_csv is one word to the person typing it: its parts must be adjacent, as a phrase.
            setAutoGeneratePhraseQueries(true);
        }

        /** A refusal with its own message (the "!" marks it as written for people). */
        private static ParseException refuse(String message) {
            return new ParseException("!" + message);
        }

        private String field(String field) throws ParseException {
            if (expanding) {
                return field;
            }
            if (++terms > MAX_TERMS) {
                throw refuse("the query has too many terms (at most " + MAX_TERMS + ")");
            }
            if (field == null) {
                return null;
            }
            String f = FIELDS.get(field.toLowerCase(java.util.Locale.ROOT));
            if (f == null) {
                throw refuse("there is no field \"" + field + "\" to search in; fields: " + String.join(", ", FIELDS.keySet())
                        + " (put a colon inside quotes to search for it: \"" + field + ":…\")");
            }
            return f;
        }

        /** Builds a query; for the default fields the parser calls back once per field, which must not count as terms. */
        private Query expand(String field, Build build) throws ParseException {
            boolean was = expanding;
            expanding = expanding || field == null;
            try {
                return build.query();
            } finally {
                expanding = was;
            }
        }

        @FunctionalInterface
        private interface Build {
            Query query() throws ParseException;
        }

        private static void noLeadingWildcard(String term) throws ParseException {
            if (term.startsWith("*") || term.startsWith("?")) {
                throw refuse("a word cannot start with * or ?: type at least one letter before it, such as analy*; "
                        + "to see everything, leave the query empty and use the filters");
            }
        }

        @Override
        protected Query getFieldQuery(String field, String queryText, boolean quoted) throws ParseException {
            return super.getFieldQuery(field(field), queryText, quoted);
        }

        @Override
        protected Query getFieldQuery(String field, String queryText, int slop) throws ParseException {
            return super.getFieldQuery(field(field), queryText, slop);
        }

        @Override
        protected Query getWildcardQuery(String field, String termStr) throws ParseException {
            String f = field(field);
            noLeadingWildcard(termStr);
            return expand(f, () -> super.getWildcardQuery(f, termStr));
        }

        @Override
        protected Query getPrefixQuery(String field, String termStr) throws ParseException {
            String f = field(field);
            noLeadingWildcard(termStr);
            if (termStr.isEmpty()) {
                noLeadingWildcard("*");
            }
            return expand(f, () -> super.getPrefixQuery(f, termStr));
        }

        @Override
        protected Query getFuzzyQuery(String field, String termStr, float minSimilarity) throws ParseException {
            String f = field(field);
            return expand(f, () -> super.getFuzzyQuery(f, termStr, minSimilarity));
        }

        @Override
        protected Query getRegexpQuery(String field, String termStr) throws ParseException {
            throw refuse("regular expressions are not supported; " + HINT);
        }

        @Override
        protected Query getRangeQuery(String field, String part1, String part2, boolean startInclusive, boolean endInclusive)
                throws ParseException {
            String f = field(field);
            return expand(f, () -> super.getRangeQuery(f, part1, part2, startInclusive, endInclusive));
        }
    }
}
