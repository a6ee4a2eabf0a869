package org.labhub.auth;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/** What an API token may do. A browser session holds every scope its user has. */
public enum Scope {
    /** Read what the user may see: their account, groups, and (for admins) other accounts. */
    READ,
    /** Start, stop and use the user's notebook servers. */
    SERVERS,
    /** Read and write the user's files (and WebDAV). */
    FILES,
    /** Create and revoke the user's API tokens. */
    TOKENS,
    /** Administrative changes; only meaningful for admin users. */
    ADMIN;

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Scope parse(String id) {
        for (Scope s : values()) {
            if (s.id().equals(id)) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown scope \"" + id + "\" (known: read, servers, files, tokens, admin)");
    }

    public static Set<Scope> all() {
        return EnumSet.allOf(Scope.class);
    }
}
