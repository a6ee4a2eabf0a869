package org.labhub.web;

import org.labhub.auth.Principal;
import org.labhub.auth.Scope;

/**
 * Who may call a route, declared next to the route in its feature's route table and checked by the router
 * before the handler runs. Token callers also need the route's scope.
 */
public final class Access {
    public enum Kind { ANYONE, USER, SELF_OR_ADMIN, ADMIN }

    private final Kind kind;
    private final Scope scope;

    private Access(Kind kind, Scope scope) {
        this.kind = kind;
        this.scope = scope;
    }

    /** No login needed (login page, health, static assets). */
    public static Access anyone() { return new Access(Kind.ANYONE, null); }
    /** Any logged-in user whose token (if a token is used) has {@code scope}. */
    public static Access user(Scope scope) { return new Access(Kind.USER, scope); }
    /** The user named by the route's {@code {name}} segment, or an admin (whose token needs {@code admin} to change others). */
    public static Access selfOrAdmin(Scope scope) { return new Access(Kind.SELF_OR_ADMIN, scope); }
    /** Admins only; tokens need {@code scope} ({@code read} for looking, {@code admin} for changing). */
    public static Access admin(Scope scope) { return new Access(Kind.ADMIN, scope); }

    public Kind kind() { return kind; }
    public Scope scope() { return scope; }

    void check(Exchange ex) {
        if (kind == Kind.ANYONE) {
            return;
        }
        Principal p = ex.principal();
        if (p.isAnonymous()) {
            throw new HttpError(401, "login_required", "log in first");
        }
        if (!p.has(scope)) {
            throw HttpError.forbidden("this token lacks the \"" + scope.id() + "\" scope");
        }
        switch (kind) {
            case USER:
                return;
            case ADMIN:
                if (!p.isAdmin()) {
                    throw HttpError.forbidden("only administrators may do this");
                }
                return;
            case SELF_OR_ADMIN:
                if (p.name().equals(ex.pathParam("name"))) {
                    return;
                }
                if (!p.isAdmin()) {
                    throw HttpError.forbidden("you may only act on your own account");
                }
                if (scope != Scope.READ && !p.has(Scope.ADMIN)) {
                    throw HttpError.forbidden("changing another account needs a token with the \"admin\" scope");
                }
                return;
            default:
                throw new IllegalStateException(kind.name());
        }
    }

    @Override
    public String toString() {
        return kind == Kind.ANYONE ? "anyone" : kind.name().toLowerCase() + "(" + scope.id() + ")";
    }
}
