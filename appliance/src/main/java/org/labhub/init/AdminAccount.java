package org.labhub.init;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import org.labhub.audit.AuditLog;
import org.labhub.auth.PasswordHasher;
import org.labhub.auth.Secrets;
import org.labhub.auth.Sessions;
import org.labhub.catalog.Catalog;
import org.labhub.config.LabhubConfig;
import org.labhub.config.SitePaths;
import org.labhub.storage.AtomicFiles;
import org.labhub.storage.Homes;
import org.labhub.users.Accounts;
import org.labhub.users.User;
import org.labhub.users.UserStore;

/**
 * The administrator {@code labhub init} guarantees: created when missing (with the given password, else the one in
 * {@code <data>/secrets/admin-password}, else a generated one), made an admin again if someone took that away, and
 * given the password from {@code --admin-password-file} when it differs. Without a password file an existing admin
 * keeps whatever password it has now: repeating init never undoes a change made in the web pages.
 */
final class AdminAccount {
    /** What was done, and the password when it is known for sure (created or set now). */
    record Outcome(String name, Action action, Optional<String> password) {}

    enum Action { CREATED, PASSWORD_SET, MADE_ADMIN, UNCHANGED }

    private static final Accounts.Actor ACTOR = new Accounts.Actor("labhub init", "local");

    private final Catalog catalog;
    private final SitePaths paths;
    private final LabhubConfig config;

    AdminAccount(Catalog catalog, SitePaths paths, LabhubConfig config) {
        this.catalog = catalog;
        this.paths = paths;
        this.config = config;
    }

    Outcome ensure(Optional<String> given) throws IOException {
        Clock clock = Clock.systemUTC();
        var db = catalog.jdbi();
        UserStore users = new UserStore(db);
        PasswordHasher hasher = new PasswordHasher(config.auth().argon2());
        Sessions sessions = new Sessions(db, clock, config.auth().sessionIdleTimeout(), config.auth().sessionMaxAge());
        // Offline: no hub runs (init holds the data-root lock), so there are no servers to stop.
        Accounts accounts = new Accounts(users, hasher, sessions, new Homes(paths.homes()), paths.retainedHomes(),
                new AuditLog(db, clock), clock, (user, reason) -> { });
        String name = config.auth().adminUser();
        Optional<User> existing = users.byName(name);
        if (existing.isEmpty()) {
            String password = given.or(this::stored).orElseGet(() -> Secrets.readablePassword(16));
            // Saved before the account exists, as at a hub's first start: a crash in between leaves no unknown password.
            store(password);
            accounts.create(ACTOR, name, Optional.of(password), true, User.State.ACTIVE, Optional.empty());
            return new Outcome(name, Action.CREATED, Optional.of(password));
        }
        User admin = existing.get();
        Action action = Action.UNCHANGED;
        if (!admin.admin()) {
            accounts.setAdmin(ACTOR, admin, true);
            action = Action.MADE_ADMIN;
        }
        if (given.isPresent()) {
            store(given.get());
            if (!hasher.verify(given.get(), users.passwordHash(name).orElse(null))) {
                accounts.resetPassword(ACTOR, admin, given.get());
                action = Action.PASSWORD_SET;
            }
            return new Outcome(name, action, given);
        }
        return new Outcome(name, action, Optional.empty());
    }

    /** The password saved in {@code <data>/secrets/admin-password}, if any (it may be outdated once changed in the pages). */
    Optional<String> stored() {
        Path file = paths.adminPassword();
        try {
            return Files.exists(file) ? Optional.of(Files.readString(file).strip()).filter(p -> !p.isEmpty()) : Optional.empty();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private void store(String password) throws IOException {
        if (!stored().filter(password::equals).isPresent()) {
            Files.createDirectories(paths.secrets());
            AtomicFiles.writePrivate(paths.adminPassword(), (password + "\n").getBytes(StandardCharsets.UTF_8));
        }
    }
}
