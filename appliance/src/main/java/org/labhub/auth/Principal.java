package org.labhub.auth;

import java.util.Optional;
import java.util.Set;
import org.labhub.users.User;

/** Who is making a request, how they proved it, and what they may do with it. */
public record Principal(Optional<User> user, Method method, Set<Scope> scopes, Optional<String> csrfToken) {

    public enum Method { ANONYMOUS, SESSION, TOKEN, BASIC }

    public static final Principal ANONYMOUS = new Principal(Optional.empty(), Method.ANONYMOUS, Set.of(), Optional.empty());

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
