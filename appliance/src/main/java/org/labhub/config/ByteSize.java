package org.labhub.config;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Sizes as people write them ({@code 512M}, {@code 2G}, {@code 1.5G}), in powers of 1024, and back. */
public final class ByteSize {
    private static final Pattern SIZE = Pattern.compile("(\\d{1,9}(?:\\.\\d{1,3})?)\\s*([KMGTP]?)(?:I?B)?", Pattern.CASE_INSENSITIVE);
    private static final String UNITS = "KMGTP";

    private ByteSize() {}

    public static long parse(String text) {
        Matcher m = SIZE.matcher(text == null ? "" : text.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("expected a size such as 512M, 2G or 1.5G (got \"" + text + "\")");
        }
        String unit = m.group(2).toUpperCase(Locale.ROOT);
        int power = unit.isEmpty() ? 0 : UNITS.indexOf(unit) + 1;
        return Math.round(Double.parseDouble(m.group(1)) * Math.pow(1024, power));
    }

    /** The shortest exact-enough form: {@code 2G}, {@code 1.5G}, {@code 512M}. */
    public static String format(long bytes) {
        if (bytes < 1024) {
            return bytes + "B";
        }
        int power = Math.min(UNITS.length(), (int) (Math.log(bytes) / Math.log(1024)));
        double value = bytes / Math.pow(1024, power);
        String number = value == Math.rint(value) ? String.valueOf((long) value) : String.format(Locale.ROOT, "%.1f", value);
        return number + UNITS.charAt(power - 1);
    }
}
