package org.labhub.shares;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import org.labhub.web.HttpError;

/** When a share or a link ends, as clients give it (API and page forms alike): 400 with the accepted forms otherwise. */
public final class Expiry {
    private Expiry() {
    }

    /** An ISO-8601 instant ({@code 2026-12-31T18:00:00Z}), or a date: the end of that day, UTC. */
    public static Instant parse(String text) {
        try {
            return Instant.parse(text.trim());
        } catch (DateTimeParseException e) {
            try {
                return LocalDate.parse(text.trim()).plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant();
            } catch (DateTimeParseException e2) {
                throw HttpError.badRequest("\"expires\" is an ISO-8601 instant like 2026-12-31T18:00:00Z, or a date (the end of that day, UTC)");
            }
        }
    }

    /** A share that ends before it starts is a typo, not a wish: refused. */
    public static Instant requireFuture(Instant expires, Instant now) {
        if (!expires.isAfter(now)) {
            throw HttpError.badRequest("\"expires\" must be in the future");
        }
        return expires;
    }
}
