package org.labhub.dav;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.Predicate;
import org.labhub.web.HttpError;

/**
 * The WebDAV {@code If} header (RFC 4918 §10.4): lists of conditions (lock tokens and ETags, each possibly
 * negated), optionally tagged with the resource they apply to. The header holds when any list holds; a list
 * holds when all its conditions do.
 */
record IfHeader(List<Clause> clauses) {

    /** One condition: a state token ({@code <opaquelocktoken:…>}) or an entity tag ({@code ["…"]}). */
    record Condition(boolean not, String stateToken, String etag) {}

    /** One parenthesised list; {@code resource} is the tag (a URL) or null for the request's own resource. */
    record Clause(String resource, List<Condition> conditions) {}

    static IfHeader parse(String header) {
        List<Clause> clauses = new ArrayList<>();
        String tag = null;
        int i = 0;
        int n = header.length();
        while (i < n) {
            char c = header.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
            } else if (c == '<') {
                int end = header.indexOf('>', i);
                if (end < 0) {
                    throw bad();
                }
                tag = header.substring(i + 1, end);
                i = end + 1;
            } else if (c == '(') {
                List<Condition> conditions = new ArrayList<>();
                i++;
                boolean not = false;
                while (true) {
                    while (i < n && Character.isWhitespace(header.charAt(i))) {
                        i++;
                    }
                    if (i >= n) {
                        throw bad();
                    }
                    char d = header.charAt(i);
                    if (d == ')') {
                        i++;
                        break;
                    } else if (header.regionMatches(true, i, "Not", 0, 3)) {
                        not = true;
                        i += 3;
                    } else if (d == '<') {
                        int end = header.indexOf('>', i);
                        if (end < 0) {
                            throw bad();
                        }
                        conditions.add(new Condition(not, header.substring(i + 1, end), null));
                        not = false;
                        i = end + 1;
                    } else if (d == '[') {
                        int end = header.indexOf(']', i);
                        if (end < 0) {
                            throw bad();
                        }
                        conditions.add(new Condition(not, null, header.substring(i + 1, end)));
                        not = false;
                        i = end + 1;
                    } else {
                        throw bad();
                    }
                }
                if (conditions.isEmpty()) {
                    throw bad();
                }
                clauses.add(new Clause(tag, conditions));
            } else {
                throw bad();
            }
        }
        if (clauses.isEmpty()) {
            throw bad();
        }
        return new IfHeader(clauses);
    }

    private static HttpError bad() {
        return HttpError.badRequest("the If header is malformed");
    }

    /** Every lock token named anywhere in the header (what the client says it holds). */
    List<String> tokens() {
        List<String> t = new ArrayList<>();
        for (Clause c : clauses) {
            for (Condition d : c.conditions()) {
                if (d.stateToken() != null && !d.not()) {
                    t.add(d.stateToken());
                }
            }
        }
        return t;
    }

    /**
     * Whether the header holds. {@code state} answers for a resource (null = the request's) whether a token
     * is a lock on it and what its ETag is.
     */
    boolean holds(Function<String, ResourceState> state) {
        for (Clause c : clauses) {
            ResourceState s = state.apply(c.resource());
            boolean all = true;
            for (Condition d : c.conditions()) {
                boolean v = d.stateToken() != null ? s.hasLock().test(d.stateToken()) : s.etag() != null && sameTag(s.etag(), d.etag());
                if (v == d.not()) {
                    all = false;
                    break;
                }
            }
            if (all) {
                return true;
            }
        }
        return false;
    }

    private static boolean sameTag(String a, String b) {
        return strip(a).equals(strip(b));
    }

    private static String strip(String tag) {
        String t = tag.trim();
        return t.startsWith("W/") ? t.substring(2) : t;
    }

    /** What the If header can ask of a resource: its ETag (null if it does not exist) and which tokens lock it. */
    record ResourceState(String etag, Predicate<String> hasLock) {
        static final ResourceState NONE = new ResourceState(null, t -> false);
    }
}
