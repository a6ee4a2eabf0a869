package org.labhub.users;

import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.labhub.audit.AuditLog;
import org.labhub.auth.ApiTokens;
import org.labhub.auth.Scope;
import org.labhub.web.Access;
import org.labhub.web.Exchange;
import org.labhub.web.HttpError;
import org.labhub.web.Routes;

/** Personal API tokens: {@code /api/users/{name}/tokens…}. Creating one also accepts HTTP Basic, to bootstrap. */
public final class TokensApi implements Routes.Provider {
    static final Duration MAX_LIFETIME = Duration.ofDays(3650);

    private final Accounts accounts;
    private final ApiTokens tokens;
    private final AuditLog audit;

    public TokensApi(Accounts accounts, ApiTokens tokens, AuditLog audit) {
        this.accounts = accounts;
        this.tokens = tokens;
        this.audit = audit;
    }

    @Override
    public void register(Routes r) {
        r.postWithBasicAuth("/api/users/{name}/tokens", Access.selfOrAdmin(Scope.TOKENS), this::create,
                 "Create an API token (the token is in the answer, once)")
         .get("/api/users/{name}/tokens", Access.selfOrAdmin(Scope.READ), this::list, "List a user's API tokens")
         .get("/api/users/{name}/tokens/{id}", Access.selfOrAdmin(Scope.READ), this::get, "Get one API token's details")
         .delete("/api/users/{name}/tokens/{id}", Access.selfOrAdmin(Scope.TOKENS), this::revoke, "Revoke an API token");
    }

    record CreateBody(String note, Long expiresIn, List<String> scopes) {}

    /** A token as listed: never the token itself. */
    record TokenModel(String kind, long id, String prefix, String note, List<String> scopes, Instant created,
                      Instant expiresAt, Instant lastActivity) {
        static TokenModel of(ApiTokens.TokenInfo t) {
            return new TokenModel("api_token", t.id(), t.prefix(), t.note(), t.scopes().stream().map(Scope::id).sorted().toList(),
                    t.createdAt(), t.expiresAt().orElse(null), t.lastUsed().orElse(null));
        }
    }

    record CreatedModel(String token, long id, String prefix, String note, List<String> scopes, Instant created,
                        Instant expiresAt) {}

    private void create(Exchange ex) {
        User user = accounts.require(ex.pathParam("name"));
        CreateBody body = ex.jsonBody(CreateBody.class);
        Set<Scope> scopes = parseScopes(body.scopes(), user);
        Optional<Duration> lifetime = Optional.ofNullable(body.expiresIn()).map(s -> {
            if (s <= 0 || s > MAX_LIFETIME.toSeconds()) {
                throw HttpError.badRequest("expires_in is a number of seconds from 1 to " + MAX_LIFETIME.toSeconds());
            }
            return Duration.ofSeconds(s);
        });
        String note = body.note() == null ? "" : body.note().trim();
        if (note.length() > 200) {
            throw HttpError.badRequest("the note may have at most 200 characters");
        }
        ApiTokens.Created c = create(ex, user, note, scopes, lifetime);
        ApiTokens.TokenInfo t = c.info();
        ex.json(201, new CreatedModel(c.token(), t.id(), t.prefix(), t.note(), t.scopes().stream().map(Scope::id).sorted().toList(),
                t.createdAt(), t.expiresAt().orElse(null)));
    }

    /** Creates and audits a token; shared with the account page. */
    ApiTokens.Created create(Exchange ex, User user, String note, Set<Scope> scopes, Optional<Duration> lifetime) {
        ApiTokens.Created c = tokens.create(user.id(), note, scopes, lifetime);
        audit.record(ex.principal().name(), "token.create", user.name() + "/" + c.info().id(), AuditLog.Outcome.OK,
                ex.clientAddress(), "scopes " + scopes + lifetime.map(d -> ", expires in " + d).orElse(""));
        return c;
    }

    static Set<Scope> parseScopes(List<String> requested, User user) {
        Set<Scope> scopes = EnumSet.noneOf(Scope.class);
        if (requested == null || requested.isEmpty()) {
            scopes.addAll(EnumSet.of(Scope.READ, Scope.SERVERS, Scope.FILES));
        } else {
            for (String s : requested) {
                try {
                    scopes.add(Scope.parse(s));
                } catch (IllegalArgumentException e) {
                    throw HttpError.badRequest(e.getMessage());
                }
            }
        }
        if (scopes.contains(Scope.ADMIN) && !user.admin()) {
            throw HttpError.forbidden("only administrators can hold tokens with the \"admin\" scope");
        }
        return scopes;
    }

    private void list(Exchange ex) {
        User user = accounts.require(ex.pathParam("name"));
        ex.json(200, Map.of("api_tokens", tokens.list(user.id()).stream().map(TokenModel::of).toList()));
    }

    private void get(Exchange ex) {
        User user = accounts.require(ex.pathParam("name"));
        ex.json(200, TokenModel.of(tokens.find(user.id(), tokenId(ex)).orElseThrow(() -> HttpError.notFound("no such token"))));
    }

    private void revoke(Exchange ex) {
        revoke(ex, accounts.require(ex.pathParam("name")), tokenId(ex));
        ex.noContent();
    }

    /** Revokes and audits a token; shared with the account page. */
    void revoke(Exchange ex, User user, long id) {
        if (!tokens.revoke(user.id(), id)) {
            throw HttpError.notFound("no such token");
        }
        audit.record(ex.principal().name(), "token.revoke", user.name() + "/" + id, AuditLog.Outcome.OK, ex.clientAddress(), "");
    }

    static long tokenId(Exchange ex) {
        try {
            return Long.parseLong(ex.pathParam("id"));
        } catch (NumberFormatException e) {
            throw HttpError.notFound("no such token");
        }
    }
}
