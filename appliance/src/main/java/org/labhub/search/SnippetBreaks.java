package org.labhub.search;

import java.text.BreakIterator;
import java.text.CharacterIterator;
import java.text.StringCharacterIterator;

/**
 * Where a snippet may start or end: between a word and what is not a word, like the JDK's word instance, but found
 * by looking at the characters either side instead of running its rule tables. The highlighter asks twice per match
 * in the document, and the JDK's {@code preceding} re-scans from a safe point each time: on a long notebook with a
 * common word that was most of a query's time. Words are runs of letters, digits and underscores (as the analyzer
 * sees them; surrogate halves count as letters, so a snippet never splits a character); each other character
 * stands alone except whitespace, whose runs stay together.
 */
final class SnippetBreaks extends BreakIterator {
    private String text = "";
    private int current;

    @Override
    public void setText(String newText) {
        text = newText;
        current = 0;
    }

    @Override
    public void setText(CharacterIterator newText) {
        StringBuilder b = new StringBuilder(Math.max(0, newText.getEndIndex() - newText.getBeginIndex()));
        for (char c = newText.first(); c != CharacterIterator.DONE; c = newText.next()) {
            b.append(c);
        }
        setText(b.toString());
    }

    @Override
    public CharacterIterator getText() {
        return new StringCharacterIterator(text);
    }

    @Override
    public int current() {
        return current;
    }

    @Override
    public int first() {
        return current = 0;
    }

    @Override
    public int last() {
        return current = text.length();
    }

    @Override
    public int next() {
        if (current >= text.length()) {
            return DONE;
        }
        int i = current + 1;
        while (i < text.length() && !boundary(i)) {
            i++;
        }
        return current = i;
    }

    @Override
    public int previous() {
        if (current <= 0) {
            return DONE;
        }
        int i = current - 1;
        while (i > 0 && !boundary(i)) {
            i--;
        }
        return current = i;
    }

    @Override
    public int next(int n) {
        int result = current;
        for (; n > 0 && result != DONE; n--) {
            result = next();
        }
        for (; n < 0 && result != DONE; n++) {
            result = previous();
        }
        return result;
    }

    @Override
    public int following(int offset) {
        check(offset);
        current = offset;
        return next();
    }

    @Override
    public int preceding(int offset) {
        check(offset);
        current = offset;
        return previous();
    }

    @Override
    public boolean isBoundary(int offset) {
        check(offset);
        current = offset;
        return offset == 0 || offset == text.length() || boundary(offset);
    }

    private void check(int offset) {
        if (offset < 0 || offset > text.length()) {
            throw new IllegalArgumentException("offset " + offset + " is outside the text (0-" + text.length() + ")");
        }
    }

    /** True when a break falls between {@code text[i - 1]} and {@code text[i]} (0 < i < length). */
    private boolean boundary(int i) {
        int before = kind(text.charAt(i - 1));
        int after = kind(text.charAt(i));
        return before != after || before == OTHER;
    }

    private static final int WORD = 0;
    private static final int SPACE = 1;
    private static final int OTHER = 2;

    private static int kind(char c) {
        if (Character.isLetterOrDigit(c) || c == '_' || Character.isSurrogate(c)) {
            return WORD;
        }
        return Character.isWhitespace(c) ? SPACE : OTHER;
    }

    @Override
    public Object clone() {
        SnippetBreaks copy = new SnippetBreaks();
        copy.text = text;
        copy.current = current;
        return copy;
    }
}
