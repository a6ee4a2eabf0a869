package org.labhub.search;

import java.util.Map;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.LowerCaseFilter;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.Tokenizer;
import org.apache.lucene.analysis.core.FlattenGraphFilter;
import org.apache.lucene.analysis.core.KeywordTokenizer;
import org.apache.lucene.analysis.miscellaneous.ASCIIFoldingFilter;
import org.apache.lucene.analysis.miscellaneous.PerFieldAnalyzerWrapper;
import org.apache.lucene.analysis.miscellaneous.WordDelimiterGraphFilter;
import org.apache.lucene.analysis.util.CharTokenizer;

/**
 * How text becomes terms, for prose and code alike. Tokens are runs of letters, digits and underscores, so
 * {@code df.groupby("site")} gives {@code df}, {@code groupby}, {@code site}. At index time each identifier is
 * also split at underscores and case changes while the whole is kept ({@code read_csv} gives {@code read_csv},
 * {@code read}, {@code csv}; {@code readCsv} gives {@code readcsv}, {@code read}, {@code csv}), so either spelling
 * finds it; queries are not split, so a query word matches the whole identifier or one of its parts. Everything is
 * lowercased and folded to ASCII ({@code café} finds {@code cafe}). No stemming and no stop words: code is full of
 * short words that matter ({@code as}, {@code in}, {@code if}).
 */
final class SearchAnalyzers {
    private static final int SPLIT = WordDelimiterGraphFilter.GENERATE_WORD_PARTS | WordDelimiterGraphFilter.GENERATE_NUMBER_PARTS
            | WordDelimiterGraphFilter.SPLIT_ON_CASE_CHANGE | WordDelimiterGraphFilter.PRESERVE_ORIGINAL;

    private SearchAnalyzers() {}

    /** For writing documents. */
    static Analyzer index() {
        return perField(new Words(true));
    }

    /** For parsing queries. */
    static Analyzer query() {
        return perField(new Words(false));
    }

    private static Analyzer perField(Analyzer text) {
        Analyzer keyword = new Keyword();
        return new PerFieldAnalyzerWrapper(text, Map.of(IndexFields.OWNER, keyword, IndexFields.TYPE, keyword,
                IndexFields.LANG, keyword, IndexFields.EXT, keyword, IndexFields.NAME_EXACT, keyword));
    }

    private static final class Words extends Analyzer {
        private final boolean split;

        Words(boolean split) {
            this.split = split;
        }

        @Override
        protected TokenStreamComponents createComponents(String field) {
            Tokenizer source = CharTokenizer.fromTokenCharPredicate(c -> Character.isLetterOrDigit(c) || c == '_');
            TokenStream t = source;
            if (split) {
                t = new FlattenGraphFilter(new WordDelimiterGraphFilter(t, SPLIT, null));
            }
            return new TokenStreamComponents(source, new ASCIIFoldingFilter(new LowerCaseFilter(t)));
        }

        @Override
        protected TokenStream normalize(String field, TokenStream in) {
            return new ASCIIFoldingFilter(new LowerCaseFilter(in));
        }
    }

    /** Facet values (owner, type, language, extension): one lowercased term. */
    private static final class Keyword extends Analyzer {
        @Override
        protected TokenStreamComponents createComponents(String field) {
            Tokenizer source = new KeywordTokenizer();
            return new TokenStreamComponents(source, new LowerCaseFilter(source));
        }

        @Override
        protected TokenStream normalize(String field, TokenStream in) {
            return new LowerCaseFilter(in);
        }
    }
}
