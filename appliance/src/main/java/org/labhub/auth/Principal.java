package org.labhub.auth;

import java.util.Optional;
import java.util.Set;
import org.labhub.users.User;

/** Who is making a request, how they proved it, and what they may do with it. */
public record Principal(Optional<User> user, Method method, Set<Scope> scopes, Optional<String> csrfToken) {

    /** {@code LINK}: a visitor of a public link's WebDAV, whose only credential is the link's password (checked there). */
    public enum Method { ANONYMOUS, SESSION, TOKEN, BASIC, LINK }

    public static final Principal ANONYMOUS = new Principal(Optional.empty(), Method.ANONYMOUS, Set.of(), Optional.empty());

    /**
     * Nobody in particular, on a public link's WebDAV: the hub's cookies are not read there, so a cross-site request
     * carries no credential of the visitor's and needs no CSRF check.
     */
    public static final Principal LINK = new Principal(Optional.empty(), Method.LINK, Set.of(), Optional.empty());

    public static Principal session(User user, String csrfToken) {
        return new Principal(Optional.of(user), Method.SESSION, Scope.all(), Optional.of(csrfToken));
    }

    public static Principal token(User user, Set<Scope> scopes) {
        return new Principal(Optional.of(user), Method.TOKEN, Set.copyOf(scopes), Optional.empty());
    }

    public static Principal basic(User user) {
        return new Principal(Optional.of(user), Method.BASIC, Set.of(Scope.TOKENS, Scope.READ), Optional.empty());
    }

    public boolean isAnonymous() {
        return user.isEmpty();
    }

    public boolean isAdmin() {
        return user.map(User::admin).orElse(false);
    }

    public String name() {
        return user.map(User::name).orElse("anonymous");
    }

    public boolean has(Scope scope) {
        return scopes.contains(scope);
    }

    /** Requests carried by a browser cookie need CSRF checks; ones with an Authorization header cannot be forged cross-site. */
    public boolean isAmbient() {
        return method == Method.SESSION || method == Method.ANONYMOUS;
    }
}
