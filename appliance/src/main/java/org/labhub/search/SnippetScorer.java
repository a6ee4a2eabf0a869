package org.labhub.search;

import org.apache.lucene.search.uhighlight.Passage;
import org.apache.lucene.search.uhighlight.PassageScorer;
import org.apache.lucene.util.BytesRef;

/**
 * Lucene's passage score (BM25 within the passage, the same numbers), without the hash table Lucene builds for every
 * candidate passage: that table allocates a 32 KB block each time, and a notebook where a common word occurs
 * hundreds of times makes hundreds of candidates. A passage holds a few matches, so a linear scan finds repeats.
 */
final class SnippetScorer extends PassageScorer {
    @Override
    public float score(Passage passage, int contentLength) {
        int matches = passage.getNumMatches();
        BytesRef[] terms = passage.getMatchTerms();
        int[] inDoc = passage.getMatchTermFreqsInDoc();
        BytesRef[] distinct = new BytesRef[matches];
        int[] inPassage = new int[matches];
        int[] docFreq = new int[matches];
        int size = 0;
        for (int i = 0; i < matches; i++) {
            int k = 0;
            while (k < size && !distinct[k].bytesEquals(terms[i])) {
                k++;
            }
            if (k == size) {
                distinct[size] = terms[i];
                docFreq[size] = inDoc[i];
                size++;
            }
            inPassage[k]++;
        }
        double score = 0;
        for (int k = 0; k < size; k++) {
            score += tf(inPassage[k], passage.getLength()) * weight(contentLength, docFreq[k]);
        }
        score *= norm(passage.getStartOffset());
        return (float) score;
    }
}
