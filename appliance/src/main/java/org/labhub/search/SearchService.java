package org.labhub.search;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.document.LongPoint;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.MultiCollectorManager;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.Sort;
import org.apache.lucene.search.SortField;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.search.TopFieldCollectorManager;
import org.apache.lucene.search.TopScoreDocCollectorManager;
import org.apache.lucene.search.uhighlight.DefaultPassageFormatter;
import org.apache.lucene.search.uhighlight.LengthGoalBreakIterator;
import org.apache.lucene.search.uhighlight.UHComponents;
import org.apache.lucene.search.uhighlight.UnifiedHighlighter;
import org.labhub.files.FileNamespace;
import org.labhub.files.ShareLookup;
import org.labhub.storage.RelPath;
import org.labhub.web.HttpError;

/**
 * Answers searches: the query a person typed, the permission clause for who they are, and the filters, all in one
 * Lucene query, so hits, the total, snippets and facet counts all come from what they may read. Results are named
 * as the user sees them (their own path, or {@code shared/<owner>/<name>/…}), with a snippet whose text is escaped
 * by the highlighter and marked with {@code <mark>} only.
 */
public final class SearchService {
    /** Snippet passages per hit, and their length goal in characters. */
    private static final int PASSAGES = 2;
    private static final int PASSAGE_CHARS = 160;
    private final LuceneIndex index;
    private final ShareLookup shares;
    private final BooleanSupplier catchingUp;
    private final Analyzer analyzer = SearchAnalyzers.query();
    private final int maxTextChars;

    public SearchService(LuceneIndex index, ShareLookup shares, BooleanSupplier catchingUp, int maxTextChars) {
        this.index = index;
        this.shares = shares;
        this.catchingUp = catchingUp;
        this.maxTextChars = maxTextChars;
    }

    /** One result, named as {@code user} sees it. {@code snippet} is HTML: escaped text with {@code <mark>} around matches. */
    public record Hit(String title, String path, String owner, String type, String lang, long size, Instant modified,
                      int cells, String snippet, String url, String openUrl) {}

    /** A facet value and how many of the results have it. */
    public record FacetValue(String value, long count) {}

    /** A page of results; {@code facetsComplete} is false when there were too many results to count them all. */
    public record Results(String query, long total, int page, int size, int pages, List<Hit> hits,
                          Map<String, List<FacetValue>> facets, boolean facetsComplete, boolean catchingUp) {}

    public Results search(String user, SearchRequest req) throws IOException {
        Query typed = SearchQuery.parse(req.q(), analyzer);
        List<ShareLookup.Incoming> incoming = PermissionFilter.readable(shares.incoming(user));
        BooleanQuery.Builder b = new BooleanQuery.Builder();
        b.add(typed, BooleanClause.Occur.MUST);
        b.add(PermissionFilter.readableBy(user, incoming), BooleanClause.Occur.FILTER);
        req.type().ifPresent(t -> b.add(new TermQuery(new Term(IndexFields.TYPE, t)), BooleanClause.Occur.FILTER));
        req.owner().ifPresent(o -> b.add(new TermQuery(new Term(IndexFields.OWNER, o)), BooleanClause.Occur.FILTER));
        req.lang().ifPresent(l -> b.add(new TermQuery(new Term(IndexFields.LANG, l)), BooleanClause.Occur.FILTER));
        if (req.after().isPresent() || req.before().isPresent()) {
            long from = req.after().map(Instant::toEpochMilli).orElse(Long.MIN_VALUE);
            long to = req.before().map(i -> i.toEpochMilli() - 1).orElse(Long.MAX_VALUE);
            b.add(LongPoint.newRangeQuery(IndexFields.MODIFIED, from, to), BooleanClause.Occur.FILTER);
        }
        Query query = b.build();
        int want = req.page() * req.size();
        return index.read(searcher -> {
            Object[] found;
            try {
                found = searcher.search(query, new MultiCollectorManager(top(req, want), new FacetCounter()));
            } catch (IndexSearcher.TooManyClauses e) {
                throw HttpError.badRequest("the query matches too many different words; make the prefixes longer");
            }
            TopDocs top = (TopDocs) found[0];
            FacetCounter.Counts counts = (FacetCounter.Counts) found[1];
            int from = Math.min((req.page() - 1) * req.size(), top.scoreDocs.length);
            ScoreDoc[] slice = Arrays.copyOfRange(top.scoreDocs, from, top.scoreDocs.length);
            List<Hit> hits = hits(searcher, user, incoming, typed, new TopDocs(top.totalHits, slice));
            int pages = (int) Math.min((counts.total() + req.size() - 1) / req.size(), SearchRequest.MAX_DEPTH / req.size());
            return new Results(req.q(), counts.total(), req.page(), req.size(), pages, hits, counts.facets(), counts.complete(),
                    catchingUp.getAsBoolean());
        });
    }

    private static org.apache.lucene.search.CollectorManager<?, ? extends TopDocs> top(SearchRequest req, int want) {
        if (req.sort() == SearchRequest.Sort.DATE) {
            Sort byDate = new Sort(new SortField(IndexFields.MODIFIED, SortField.Type.LONG, true), SortField.FIELD_SCORE);
            return new TopFieldCollectorManager(byDate, want, null, 1000);
        }
        return new TopScoreDocCollectorManager(want, null, 1000);
    }

    private List<Hit> hits(IndexSearcher searcher, String user, List<ShareLookup.Incoming> incoming, Query typed, TopDocs page)
            throws IOException {
        String[] snippets = page.scoreDocs.length == 0 ? new String[0] : highlighter(searcher).highlight(IndexFields.CONTENT, typed, page, PASSAGES);
        List<Hit> hits = new ArrayList<>();
        for (int i = 0; i < page.scoreDocs.length; i++) {
            HitFields.Shown d = HitFields.read(searcher.getIndexReader(), page.scoreDocs[i].doc);
            String owner = d.owner();
            RelPath path = RelPath.parse(d.path());
            Optional<RelPath> seen = seenAs(user, owner, path, incoming);
            if (seen.isEmpty()) {
                continue; // cannot happen: the permission clause and this come from the same list of shares
            }
            String type = d.type();
            String url = "/files/" + enc(user) + encPath(seen.get());
            String openUrl = owner.equals(user) && type.equals(IndexFields.NOTEBOOK)
                    ? "/user/" + enc(user) + "/notebooks" + encPath(path) : "";
            hits.add(new Hit(d.title(), seen.get().toString(), owner, type, d.lang(), d.size(), d.modified(), d.cells(),
                    snippets[i] == null ? "" : snippets[i], url, openUrl));
        }
        return hits;
    }

    private UnifiedHighlighter highlighter(IndexSearcher searcher) {
        UnifiedHighlighter.Builder builder = UnifiedHighlighter.builder(searcher, analyzer)
                .withFormatter(new DefaultPassageFormatter("<mark>", "</mark>", " … ", true))
                .withBreakIterator(() -> LengthGoalBreakIterator.createClosestToLength(new SnippetBreaks(), PASSAGE_CHARS, 0.5f))
                .withScorer(new SnippetScorer())
                .withMaxLength(maxTextChars)
                .withHighlightPhrasesStrictly(true);
        return new UnifiedHighlighter(builder) {
            /**
             * For a prefix or wildcard, Lucene would re-analyse each hit's whole text into a memory index, although
             * content has offsets in its postings: with weight matches (on here) the query's own {@code matches()}
             * reads them from the index, the same matches found the same way, without the second analysis.
             */
            @Override
            protected OffsetSource getOptimizedOffsetSource(UHComponents components) {
                OffsetSource chosen = super.getOptimizedOffsetSource(components);
                if (chosen == OffsetSource.ANALYSIS && getOffsetSource(components.getField()) == OffsetSource.POSTINGS
                        && components.getHighlightFlags().contains(HighlightFlag.WEIGHT_MATCHES)) {
                    return OffsetSource.POSTINGS;
                }
                return chosen;
            }
        };
    }

    /** The path under which {@code user} reaches {@code owner}'s {@code path}: their own, or through the deepest share. */
    static Optional<RelPath> seenAs(String user, String owner, RelPath path, List<ShareLookup.Incoming> incoming) {
        if (owner.equals(user)) {
            return Optional.of(path);
        }
        ShareLookup.Incoming best = null;
        for (ShareLookup.Incoming in : incoming) {
            if (in.owner().equals(owner) && path.startsWith(in.grant().path())
                    && (best == null || in.grant().path().depth() > best.grant().path().depth())) {
                best = in;
            }
        }
        if (best == null) {
            return Optional.empty();
        }
        return Optional.of(RelPath.parse(FileNamespace.SHARED).child(owner).child(best.name()).resolve(path.relativeTo(best.grant().path())));
    }

    private static String encPath(RelPath path) {
        StringBuilder b = new StringBuilder();
        for (String n : path.names()) {
            b.append('/').append(enc(n));
        }
        return b.toString();
    }

    private static String enc(String s) {
        return java.net.URLEncoder.encode(s, java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20");
    }

    static Map<String, List<FacetValue>> emptyFacets() {
        Map<String, List<FacetValue>> m = new LinkedHashMap<>();
        for (String f : FacetCounter.FIELDS) {
            m.put(f, List.of());
        }
        return m;
    }
}
