package org.labhub.files;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** Sizes and times as people read them in the file browser: "3.1 GB", "2026-11-21 18:46". */
public final class Sizes {
    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm").withZone(ZoneOffset.UTC);
    private static final String[] UNITS = {"KB", "MB", "GB", "TB", "PB"};

    private Sizes() {}

    /** Binary units under the usual names, as Nextcloud shows them (the quota "10g" reads "10 GB"). */
    public static String human(long bytes) {
        if (bytes < 1024) {
            return bytes + (bytes == 1 ? " byte" : " bytes");
        }
        double v = bytes;
        int unit = -1;
        while (v >= 1024 && unit < UNITS.length - 1) {
            v /= 1024;
            unit++;
        }
        return String.format(Locale.ROOT, v < 9.95 ? "%.1f %s" : "%.0f %s", v, UNITS[unit]);
    }

    public static String when(Instant t) {
        return WHEN.format(t);
    }
}
