package org.labhub.users;

import java.time.Duration;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.labhub.auth.ApiTokens;
import org.labhub.auth.Cookies;
import org.labhub.auth.Scope;
import org.labhub.auth.Sessions;
import org.labhub.web.Access;
import org.labhub.web.Exchange;
import org.labhub.web.HttpError;
import org.labhub.web.Pages;
import org.labhub.web.Routes;

/** The user's own account page: password change and personal API tokens. */
public final class AccountPages implements Routes.Provider {
    private final Accounts accounts;
    private final GroupStore groups;
    private final ApiTokens tokens;
    private final TokensApi tokensApi;
    private final Sessions sessions;
    private final Pages pages;
    private final Duration sessionMaxAge;

    public AccountPages(Accounts accounts, GroupStore groups, ApiTokens tokens, TokensApi tokensApi, Sessions sessions,
                        Pages pages, Duration sessionMaxAge) {
        this.accounts = accounts;
        this.groups = groups;
        this.tokens = tokens;
        this.tokensApi = tokensApi;
        this.sessions = sessions;
        this.pages = pages;
        this.sessionMaxAge = sessionMaxAge;
    }

    @Override
    public void register(Routes r) {
        r.get("/account", Access.user(Scope.READ), this::show, "Account page")
         .post("/account/password", Access.user(Scope.TOKENS), this::changePassword, "Change own password")
         .post("/account/tokens", Access.user(Scope.TOKENS), this::createToken, "Create an API token")
         .post("/account/tokens/{id}/revoke", Access.user(Scope.TOKENS), this::revokeToken, "Revoke an API token");
    }

    private void show(Exchange ex) {
        render(ex, 200, Optional.empty(), "");
    }

    private void render(Exchange ex, int status, Optional<ApiTokens.Created> created, String error) {
        User me = ex.principal().user().orElseThrow();
        Map<String, Object> model = new HashMap<>();
        model.put("groups", groups.groupsOf(me.id()));
        model.put("tokens", tokens.list(me.id()));
        model.put("newToken", created.map(ApiTokens.Created::token).orElse(""));
        model.put("scopes", me.admin() ? Scope.values() : EnumSet.complementOf(EnumSet.of(Scope.ADMIN)).toArray());
        model.put("error", error);
        pages.render(ex, status, "account", model);
    }

    private void changePassword(Exchange ex) {
        User me = ex.principal().user().orElseThrow();
        String replacement = ex.formValue("new_password");
        if (!replacement.equals(ex.formValue("confirm"))) {
            render(ex, 400, Optional.empty(), "The two new passwords differ.");
            return;
        }
        try {
            accounts.changeOwnPassword(UsersApi.actor(ex), me, ex.formValue("current_password"), replacement);
        } catch (HttpError e) {
            render(ex, e.status(), Optional.empty(), e.getMessage());
            return;
        }
        // Every session ended with the change, this one included; carry on in a fresh one.
        Sessions.Issued issued = sessions.create(me.id());
        ex.addCookie(Cookies.of(Cookies.SESSION, issued.cookieValue(), ex.secure(), sessionMaxAge));
        pages.flash().success(ex, "Password changed. Every other session of yours has been logged out.");
        ex.redirect("/account");
    }

    private void createToken(Exchange ex) {
        User me = ex.principal().user().orElseThrow();
        Set<Scope> scopes = EnumSet.noneOf(Scope.class);
        for (String s : Optional.ofNullable(ex.form().getValues("scope")).orElse(java.util.List.of())) {
            try {
                scopes.add(Scope.parse(s));
            } catch (IllegalArgumentException e) {
                throw HttpError.badRequest(e.getMessage());
            }
        }
        if (scopes.isEmpty()) {
            render(ex, 400, Optional.empty(), "Choose at least one scope for the token.");
            return;
        }
        if (scopes.contains(Scope.ADMIN) && !me.admin()) {
            throw HttpError.forbidden("only administrators can hold tokens with the \"admin\" scope");
        }
        Optional<Duration> lifetime;
        String days = ex.formValue("expires_days").trim();
        if (days.isEmpty() || days.equals("never")) {
            lifetime = Optional.empty();
        } else if (days.matches("\\d{1,4}") && Integer.parseInt(days) > 0) {
            lifetime = Optional.of(Duration.ofDays(Integer.parseInt(days)));
        } else {
            render(ex, 400, Optional.empty(), "The lifetime is a number of days from 1 to 9999, or empty for no expiry.");
            return;
        }
        String note = ex.formValue("note").trim();
        if (note.length() > 200) {
            render(ex, 400, Optional.empty(), "The note may have at most 200 characters.");
            return;
        }
        render(ex, 201, Optional.of(tokensApi.create(ex, me, note, scopes, lifetime)), "");
    }

    private void revokeToken(Exchange ex) {
        User me = ex.principal().user().orElseThrow();
        tokensApi.revoke(ex, me, TokensApi.tokenId(ex));
        pages.flash().success(ex, "Token revoked.");
        ex.redirect("/account");
    }
}
