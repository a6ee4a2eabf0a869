package org.labhub.search;

import static org.assertj.core.api.Assertions.assertThat;

import java.text.BreakIterator;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.lucene.search.uhighlight.Passage;
import org.apache.lucene.search.uhighlight.PassageScorer;
import org.apache.lucene.util.BytesRef;
import org.junit.jupiter.api.Test;

/** The snippet helpers that replace slow Lucene/JDK defaults must break and score as those did. */
class SnippetsTest {
    private static final String TEXT = "df = pd.read_csv('moisture.csv')\n\n  # Soil moisture: naïve 𝛼-test, x_1 <= 3";

    @Test
    void breaksFallBetweenWordsAndWhatIsNotAWordAndNeverInsideAWord() {
        List<Integer> breaks = forward(TEXT);
        assertThat(breaks).contains(0, 2, 3, 4, 5, 7, 8, 16, TEXT.length());
        for (String word : List.of("read_csv", "moisture", "naïve", "x_1")) {
            int at = TEXT.indexOf(word);
            assertThat(breaks).contains(at, at + word.length());
            for (int i = at + 1; i < at + word.length(); i++) {
                assertThat(breaks).doesNotContain(i);
            }
        }
        int alpha = TEXT.indexOf("𝛼");
        assertThat(breaks).doesNotContain(alpha + 1); // between the two halves of one character
        assertThat(breaks).doesNotContain(TEXT.indexOf("\n\n  ") + 1); // a run of whitespace stays together
        assertThat(breaks).contains(TEXT.indexOf("<="), TEXT.indexOf("<=") + 1, TEXT.indexOf("<=") + 2); // punctuation alone
    }

    @Test
    void followingAndPrecedingAgreeWithWalkingForwardAndBackward() {
        List<Integer> breaks = forward(TEXT);
        List<Integer> backward = new ArrayList<>();
        SnippetBreaks bi = new SnippetBreaks();
        bi.setText(TEXT);
        backward.add(bi.last());
        for (int b = bi.previous(); b != BreakIterator.DONE; b = bi.previous()) {
            backward.add(0, b);
        }
        assertThat(backward).isEqualTo(breaks);
        for (int offset = 0; offset <= TEXT.length(); offset++) {
            int following = offset == TEXT.length() ? BreakIterator.DONE : firstAbove(breaks, offset);
            int preceding = offset == 0 ? BreakIterator.DONE : lastBelow(breaks, offset);
            assertThat(bi.following(offset)).as("following(%d)", offset).isEqualTo(following);
            assertThat(bi.preceding(offset)).as("preceding(%d)", offset).isEqualTo(preceding);
            assertThat(bi.isBoundary(offset)).isEqualTo(breaks.contains(offset));
        }
    }

    @Test
    void theScorerGivesLucenesScoreForEveryPassage() {
        Random random = new Random(3);
        BytesRef[] terms = {new BytesRef("soil"), new BytesRef("moisture"), new BytesRef("probe")};
        PassageScorer lucene = new PassageScorer();
        SnippetScorer ours = new SnippetScorer();
        for (int round = 0; round < 500; round++) {
            Passage p = new Passage();
            int start = random.nextInt(10_000);
            p.setStartOffset(start);
            p.setEndOffset(start + 80 + random.nextInt(300));
            int matches = 1 + random.nextInt(12);
            for (int m = 0; m < matches; m++) {
                int at = start + m * 5;
                p.addMatch(at, at + 4, terms[random.nextInt(terms.length)], 1 + random.nextInt(50));
            }
            int length = 20_000 + random.nextInt(100_000);
            assertThat(ours.score(p, length)).isEqualTo(lucene.score(p, length));
        }
    }

    private static List<Integer> forward(String text) {
        SnippetBreaks bi = new SnippetBreaks();
        bi.setText(text);
        List<Integer> breaks = new ArrayList<>(List.of(bi.first()));
        for (int b = bi.next(); b != BreakIterator.DONE; b = bi.next()) {
            breaks.add(b);
        }
        return breaks;
    }

    private static int firstAbove(List<Integer> breaks, int offset) {
        return breaks.stream().filter(b -> b > offset).findFirst().orElse(BreakIterator.DONE);
    }

    private static int lastBelow(List<Integer> breaks, int offset) {
        return breaks.stream().filter(b -> b < offset).reduce((a, b) -> b).orElse(BreakIterator.DONE);
    }
}
