package org.labhub.auth;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.labhub.audit.AuditLog;
import org.labhub.users.Accounts;
import org.labhub.users.User;
import org.labhub.web.Access;
import org.labhub.web.Exchange;
import org.labhub.web.HttpError;
import org.labhub.web.Pages;
import org.labhub.web.Routes;

/** The login and logout pages, and self-signup when it is enabled. */
public final class LoginRoutes implements Routes.Provider {
    private final PasswordLogin passwords;
    private final Sessions sessions;
    private final Accounts accounts;
    private final AuditLog audit;
    private final Pages pages;
    private final Duration sessionMaxAge;
    private final boolean signupEnabled;

    public LoginRoutes(PasswordLogin passwords, Sessions sessions, Accounts accounts, AuditLog audit, Pages pages,
                       Duration sessionMaxAge, boolean signupEnabled) {
        this.passwords = passwords;
        this.sessions = sessions;
        this.accounts = accounts;
        this.audit = audit;
        this.pages = pages;
        this.sessionMaxAge = sessionMaxAge;
        this.signupEnabled = signupEnabled;
    }

    @Override
    public void register(Routes r) {
        r.get("/login", Access.anyone(), this::form, "Login page")
         .post("/login", Access.anyone(), this::login, "Log in")
         .post("/logout", Access.anyone(), this::logout, "Log out")
         .get("/signup", Access.anyone(), this::signupForm, "Request an account")
         .post("/signup", Access.anyone(), this::signup, "Request an account");
    }

    private void form(Exchange ex) {
        String next = SafeRedirect.target(ex.query("next").orElse("/"));
        if (!ex.principal().isAnonymous()) {
            ex.redirect(next);
            return;
        }
        pages.render(ex, "login", Map.of("next", next, "name", "", "error", ""));
    }

    private void login(Exchange ex) {
        String name = ex.formValue("username").trim();
        String next = SafeRedirect.target(ex.formValue("next"));
        PasswordLogin.Outcome outcome = passwords.attempt(name, ex.formValue("password"), ex.clientAddress(), "form");
        if (outcome instanceof PasswordLogin.Success s) {
            // A fresh session id at every login: an id planted before login (fixation) is worthless.
            ex.cookie(Cookies.name(Cookies.SESSION, ex.secure())).ifPresent(sessions::end);
            Sessions.Issued issued = sessions.create(s.user().id());
            ex.addCookie(Cookies.of(Cookies.SESSION, issued.cookieValue(), ex.secure(), sessionMaxAge));
            ex.redirect(next);
        } else if (outcome instanceof PasswordLogin.Refused r) {
            long seconds = r.retryAfter().toSeconds();
            ex.setHeader("Retry-After", Long.toString(Math.max(1, seconds)));
            pages.render(ex, 429, "login", Map.of("next", next, "name", name,
                    "error", "Too many failed logins. Try again in " + minutes(seconds) + "."));
        } else {
            Duration delay = ((PasswordLogin.Failure) outcome).delay();
            Runnable answer = () -> pages.render(ex, 401, "login", Map.of("next", next, "name", name,
                    "error", "Wrong user name or password."));
            if (delay.isZero()) {
                answer.run();
            } else {
                ex.later(delay, answer);
            }
        }
    }

    private void logout(Exchange ex) {
        ex.cookie(Cookies.name(Cookies.SESSION, ex.secure())).ifPresent(sessions::end);
        ex.addCookie(Cookies.expired(Cookies.SESSION, ex.secure()));
        if (!ex.principal().isAnonymous()) {
            audit.record(ex.principal().name(), "logout", ex.principal().name(), AuditLog.Outcome.OK, ex.clientAddress(), "");
        }
        ex.redirect("/login");
    }

    private void signupForm(Exchange ex) {
        requireSignup();
        pages.render(ex, "signup", Map.of("name", "", "error", ""));
    }

    private void signup(Exchange ex) {
        requireSignup();
        String name = ex.formValue("username").trim();
        String password = ex.formValue("password");
        Map<String, Object> model = new HashMap<>(Map.of("name", name, "error", ""));
        if (!password.equals(ex.formValue("confirm"))) {
            model.put("error", "The two passwords differ.");
            pages.render(ex, 400, "signup", model);
            return;
        }
        try {
            accounts.create(new Accounts.Actor(name, ex.clientAddress()), name, Optional.of(password), false,
                    User.State.PENDING, Optional.empty());
        } catch (HttpError e) {
            model.put("error", e.getMessage());
            pages.render(ex, e.status(), "signup", model);
            return;
        }
        pages.flash().success(ex, "Your request was sent. You can log in once an administrator approves it.");
        ex.redirect("/login");
    }

    private void requireSignup() {
        if (!signupEnabled) {
            throw HttpError.notFound("self-signup is not enabled on this hub; ask an administrator for an account");
        }
    }

    private static String minutes(long seconds) {
        return seconds < 90 ? seconds + " seconds" : (seconds + 59) / 60 + " minutes";
    }
}
