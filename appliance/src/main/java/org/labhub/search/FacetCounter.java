package org.labhub.search;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.lucene.index.DocValues;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.SortedSetDocValues;
import org.apache.lucene.search.Collector;
import org.apache.lucene.search.CollectorManager;
import org.apache.lucene.search.LeafCollector;
import org.apache.lucene.search.Scorable;
import org.apache.lucene.search.ScoreMode;
import org.labhub.search.SearchService.FacetValue;

/**
 * Counts every matching document (the total) and, for the first {@link #CAP} of them, their type, owner and
 * language from doc values: facets over exactly the documents the query (permissions included) matched. Counting
 * reads one ordinal per field per hit, so no separate facet index is needed at this size.
 */
final class FacetCounter implements CollectorManager<FacetCounter.Counting, FacetCounter.Counts> {
    static final List<String> FIELDS = List.of(IndexFields.TYPE, IndexFields.OWNER, IndexFields.LANG);
    /** Hits whose facets are counted; beyond this the counts are marked incomplete (the total stays exact). */
    static final int CAP = 200_000;
    /** Values shown per facet. */
    static final int TOP = 20;

    /** The total and each facet's values, most frequent first. */
    record Counts(long total, Map<String, List<FacetValue>> facets, boolean complete) {}

    @Override
    public Counting newCollector() {
        return new Counting();
    }

    @Override
    public Counts reduce(Collection<Counting> collectors) {
        long total = 0;
        long counted = 0;
        Map<String, Map<String, Long>> merged = new LinkedHashMap<>();
        FIELDS.forEach(f -> merged.put(f, new HashMap<>()));
        for (Counting c : collectors) {
            total += c.total;
            counted += c.counted;
            c.counts.forEach((f, values) -> values.forEach((v, n) -> merged.get(f).merge(v, n, Long::sum)));
        }
        Map<String, List<FacetValue>> facets = new LinkedHashMap<>();
        merged.forEach((f, values) -> {
            List<FacetValue> list = new ArrayList<>();
            values.forEach((v, n) -> list.add(new FacetValue(v, n)));
            list.sort(Comparator.comparingLong(FacetValue::count).reversed().thenComparing(FacetValue::value));
            facets.put(f, List.copyOf(list.subList(0, Math.min(TOP, list.size()))));
        });
        return new Counts(total, facets, counted == total);
    }

    /** One collector (searches here run on one thread, so one per search). */
    static final class Counting implements Collector {
        private long total;
        private long counted;
        private final Map<String, Map<String, Long>> counts = new HashMap<>();

        @Override
        public LeafCollector getLeafCollector(LeafReaderContext context) throws IOException {
            SortedSetDocValues[] values = new SortedSetDocValues[FIELDS.size()];
            List<long[]> perOrd = new ArrayList<>();
            for (int i = 0; i < values.length; i++) {
                values[i] = DocValues.getSortedSet(context.reader(), FIELDS.get(i));
                perOrd.add(new long[(int) Math.min(Integer.MAX_VALUE - 8, values[i].getValueCount())]);
            }
            return new LeafCollector() {
                @Override
                public void setScorer(Scorable scorer) {
                    // counting needs no scores
                }

                @Override
                public void collect(int doc) throws IOException {
                    total++;
                    if (counted >= CAP) {
                        return;
                    }
                    counted++;
                    for (int i = 0; i < values.length; i++) {
                        if (values[i].advanceExact(doc)) {
                            for (int k = 0; k < values[i].docValueCount(); k++) {
                                perOrd.get(i)[(int) values[i].nextOrd()]++;
                            }
                        }
                    }
                }

                @Override
                public void finish() throws IOException {
                    for (int i = 0; i < values.length; i++) {
                        long[] ords = perOrd.get(i);
                        Map<String, Long> field = counts.computeIfAbsent(FIELDS.get(i), f -> new HashMap<>());
                        for (int o = 0; o < ords.length; o++) {
                            if (ords[o] > 0) {
                                field.merge(values[i].lookupOrd(o).utf8ToString(), ords[o], Long::sum);
                            }
                        }
                    }
                }
            };
        }

        @Override
        public ScoreMode scoreMode() {
            return ScoreMode.COMPLETE_NO_SCORES;
        }
    }
}
