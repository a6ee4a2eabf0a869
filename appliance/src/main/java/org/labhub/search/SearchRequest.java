package org.labhub.search;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;
import org.labhub.web.HttpError;

/**
 * One search as asked: the query text, filters (type, owner, language, modified after / before), the order and
 * the page. Built from the API's or the page's query string, each value checked with a message that names it.
 */
public record SearchRequest(String q, Optional<String> type, Optional<String> owner, Optional<String> lang,
                            Optional<Instant> after, Optional<Instant> before, Sort sort, int page, int size) {
    public enum Sort { RELEVANCE, DATE }

    public static final int DEFAULT_SIZE = 20;
    public static final int MAX_SIZE = 100;
    /** Results past this rank are not served (deep pages cost the whole ranking; refine the query instead). */
    public static final int MAX_DEPTH = 10_000;

    /** Reads the request from query parameters ({@code name -> value}, absent or empty meaning not given). */
    public static SearchRequest from(Function<String, Optional<String>> params) {
        Function<String, Optional<String>> p = n -> params.apply(n).map(String::strip).filter(v -> !v.isEmpty());
        String q = params.apply("q").orElse("");
        Optional<String> type = p.apply("type").map(t -> t.toLowerCase(Locale.ROOT));
        if (type.isPresent() && !type.get().matches("notebook|text|other")) {
            throw HttpError.badRequest("type must be notebook, text or other");
        }
        Optional<String> owner = p.apply("owner");
        if (owner.isPresent() && !owner.get().matches("[a-z][a-z0-9_-]{0,31}")) {
            throw HttpError.badRequest("owner must be a user name");
        }
        Optional<String> lang = p.apply("lang").map(l -> l.toLowerCase(Locale.ROOT));
        if (lang.isPresent() && !lang.get().matches("[a-z0-9+#._-]{1,40}")) {
            throw HttpError.badRequest("lang must be a kernel language such as python or r");
        }
        Optional<Instant> after = p.apply("after").map(v -> day("after", v));
        Optional<Instant> before = p.apply("before").map(v -> day("before", v));
        Sort sort = switch (p.apply("sort").orElse("relevance")) {
            case "relevance" -> Sort.RELEVANCE;
            case "date" -> Sort.DATE;
            default -> throw HttpError.badRequest("sort must be relevance or date");
        };
        int page = number(p.apply("page"), "page", 1, 1, MAX_DEPTH);
        int size = number(p.apply("size"), "size", DEFAULT_SIZE, 1, MAX_SIZE);
        if ((long) page * size > MAX_DEPTH) {
            throw HttpError.badRequest("results past the first " + MAX_DEPTH + " are not served; narrow the search instead");
        }
        return new SearchRequest(q, type, owner, lang, after, before, sort, page, size);
    }

    /** Whether anything was asked for at all (an empty search page shows a prompt, not everything). */
    public boolean isEmpty() {
        return q.isBlank() && type.isEmpty() && owner.isEmpty() && lang.isEmpty() && after.isEmpty() && before.isEmpty();
    }

    /** A date (the start of that day, UTC) or an ISO instant. */
    private static Instant day(String name, String value) {
        try {
            return value.length() == 10 ? LocalDate.parse(value).atStartOfDay(ZoneOffset.UTC).toInstant() : Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw HttpError.badRequest(name + " must be a date such as 2026-01-31 (or an ISO-8601 time)");
        }
    }

    private static int number(Optional<String> value, String name, int fallback, int min, int max) {
        if (value.isEmpty()) {
            return fallback;
        }
        try {
            int n = Integer.parseInt(value.get());
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw HttpError.badRequest(name + " must be a whole number from " + min + " to " + max);
    }
}
