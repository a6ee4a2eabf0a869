package org.labhub.auth;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.labhub.audit.AuditLog;
import org.labhub.users.User;
import org.labhub.users.UserStore;

/**
 * Checks a name and password with throttling, used by the login form and by HTTP Basic on the token endpoint.
 * Unknown names, wrong passwords and disabled accounts all fail the same way, in the same time.
 */
public final class PasswordLogin {
    private final UserStore users;
    private final PasswordHasher hasher;
    private final LoginThrottle throttle;
    private final AuditLog audit;
    private final Clock clock;

    public PasswordLogin(UserStore users, PasswordHasher hasher, LoginThrottle throttle, AuditLog audit, Clock clock) {
        this.users = users;
        this.hasher = hasher;
        this.throttle = throttle;
        this.audit = audit;
        this.clock = clock;
    }

    public sealed interface Outcome permits Success, Failure, Refused {}
    public record Success(User user) implements Outcome {}
    /** Wrong credentials; the answer should be held back by {@code delay}. */
    public record Failure(Duration delay) implements Outcome {}
    /** Too many failures: answer 429 at once, without checking the password. */
    public record Refused(Duration retryAfter) implements Outcome {}

    public Outcome attempt(String name, String password, String address, String via) {
        String given = name == null ? "" : name.trim();
        LoginThrottle.Attempt attempt = throttle.begin(given, address);
        if (attempt.refused()) {
            audit.record(given, "login", given, AuditLog.Outcome.DENIED, address, "throttled (" + via + ")");
            return new Refused(attempt.refusal());
        }
        Optional<String> hash = given.matches(User.NAME_PATTERN) ? users.passwordHash(given) : Optional.empty();
        boolean ok = password != null && password.length() <= PasswordHasher.MAX_PASSWORD_LENGTH
                && hasher.verify(password, hash.orElse(null));
        Instant now = clock.instant();
        Optional<User> user = ok ? users.byName(given) : Optional.empty();
        if (user.isEmpty() || !user.get().canLogIn(now)) {
            Duration delay = throttle.failed(attempt);
            audit.record(given, "login", given, AuditLog.Outcome.FAILED, address, "wrong name or password, or account not active (" + via + ")");
            return new Failure(delay);
        }
        throttle.succeeded(attempt);
        if (hasher.needsRehash(hash.get())) {
            users.setPasswordHash(user.get().id(), hasher.hash(password));
        }
        users.recordLogin(user.get().id(), now);
        audit.record(given, "login", given, AuditLog.Outcome.OK, address, via);
        return new Success(user.get());
    }
}
