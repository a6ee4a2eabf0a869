package org.labhub.users;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.labhub.audit.AuditLog;
import org.labhub.auth.PasswordHasher;
import org.labhub.auth.Secrets;
import org.labhub.auth.Sessions;
import org.labhub.storage.Homes;
import org.labhub.web.HttpError;

/**
 * The rules for accounts, shared by the pages and the API: creating, disabling, deleting (with an explicit
 * choice for the files), admin rights, passwords. Every change is audited; disabling an account or changing its
 * password ends its sessions at once.
 */
public final class Accounts {
    private final UserStore users;
    private final PasswordHasher hasher;
    private final Sessions sessions;
    private final Homes homes;
    private final Path retainedHomes;
    private final AuditLog audit;
    private final Clock clock;
    private final ServerStopper servers;

    /** Stops a user's notebook servers (and waits) before their account is disabled or deleted. */
    public interface ServerStopper {
        void stopAllOf(String user, String reason);
    }

    public Accounts(UserStore users, PasswordHasher hasher, Sessions sessions, Homes homes, Path retainedHomes,
                    AuditLog audit, Clock clock, ServerStopper servers) {
        this.users = users;
        this.hasher = hasher;
        this.sessions = sessions;
        this.homes = homes;
        this.retainedHomes = retainedHomes;
        this.audit = audit;
        this.clock = clock;
        this.servers = servers;
    }

    /** Who asks for a change, for the audit log. */
    public record Actor(String name, String address) {}

    /** A new account; {@code password} is present when the hub generated it (shown once). */
    public record Created(User user, Optional<String> password) {}

    public User require(String name) {
        return users.byName(name).orElseThrow(() -> HttpError.notFound("no user named \"" + name + "\""));
    }

    /** Creates the first admin with {@code password} when the catalog has no users; true when it did. */
    public boolean ensureFirstAdmin(String name, String password) {
        if (users.count() > 0) {
            return false;
        }
        create(new Actor("labhub", "local"), name, Optional.of(password), true, User.State.ACTIVE, Optional.empty());
        return true;
    }

    public Created create(Actor actor, String name, Optional<String> password, boolean admin, User.State state,
                          Optional<Instant> expiresAt) {
        try {
            User.checkName(name);
        } catch (IllegalArgumentException e) {
            throw HttpError.badRequest(e.getMessage());
        }
        if (users.byName(name).isPresent()) {
            throw HttpError.conflict("a user named \"" + name + "\" already exists");
        }
        password.ifPresent(p -> PasswordHasher.checkStrength(p, name));
        Optional<String> generated = password.isPresent() ? Optional.empty() : Optional.of(Secrets.readablePassword(14));
        String hash = hasher.hash(password.orElseGet(generated::get));
        User user;
        try {
            user = users.create(name, hash, admin, state, expiresAt, clock.instant());
        } catch (RuntimeException e) {
            if (users.byName(name).isPresent()) {
                throw HttpError.conflict("a user named \"" + name + "\" already exists");
            }
            throw e;
        }
        try {
            homes.create(name);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the home of " + name, e);
        }
        audit.record(actor.name(), "user.create", name, AuditLog.Outcome.OK, actor.address(),
                (admin ? "admin" : "user") + ", " + state.name().toLowerCase() + expiresAt.map(t -> ", expires " + t).orElse(""));
        return new Created(user, generated);
    }

    public void resetPassword(Actor actor, User user, String password) {
        PasswordHasher.checkStrength(password, user.name());
        users.setPasswordHash(user.id(), hasher.hash(password));
        int ended = sessions.endAll(user.id());
        audit.record(actor.name(), "user.password_reset", user.name(), AuditLog.Outcome.OK, actor.address(), ended + " sessions ended");
    }

    /** A user changes their own password; all their sessions end (the caller starts a fresh one). */
    public void changeOwnPassword(Actor actor, User user, String current, String replacement) {
        String stored = users.passwordHash(user.name()).orElse(null);
        if (!hasher.verify(current == null ? "" : current, stored)) {
            audit.record(actor.name(), "user.password_change", user.name(), AuditLog.Outcome.DENIED, actor.address(), "wrong current password");
            throw HttpError.badRequest("the current password is wrong");
        }
        PasswordHasher.checkStrength(replacement, user.name());
        users.setPasswordHash(user.id(), hasher.hash(replacement));
        sessions.endAll(user.id());
        audit.record(actor.name(), "user.password_change", user.name(), AuditLog.Outcome.OK, actor.address(), "");
    }

    public void setDisabled(Actor actor, User user, boolean disabled) {
        if (disabled && user.name().equals(actor.name())) {
            throw HttpError.conflict("you cannot disable your own account");
        }
        if (disabled && user.admin()) {
            requireAnotherAdmin(user);
        }
        users.setState(user.id(), disabled ? User.State.DISABLED : User.State.ACTIVE);
        int ended = disabled ? sessions.endAll(user.id()) : 0;
        if (disabled) {
            servers.stopAllOf(user.name(), "stopped because the account was disabled");
        }
        audit.record(actor.name(), disabled ? "user.disable" : "user.enable", user.name(), AuditLog.Outcome.OK, actor.address(),
                disabled ? ended + " sessions ended" : "");
    }

    public void approve(Actor actor, User user) {
        if (user.state() != User.State.PENDING) {
            throw HttpError.conflict(user.name() + " is not waiting for approval");
        }
        users.setState(user.id(), User.State.ACTIVE);
        audit.record(actor.name(), "user.approve", user.name(), AuditLog.Outcome.OK, actor.address(), "");
    }

    public void setAdmin(Actor actor, User user, boolean admin) {
        if (!admin && user.admin()) {
            requireAnotherAdmin(user);
        }
        users.setAdmin(user.id(), admin);
        audit.record(actor.name(), admin ? "user.grant_admin" : "user.revoke_admin", user.name(), AuditLog.Outcome.OK,
                actor.address(), "");
    }

    /**
     * Deletes an account. The files are never dropped silently: the caller names what happens to them,
     * and the audit log records it.
     */
    public String delete(Actor actor, User user, Homes.Disposition files, Optional<String> transferTo) {
        if (user.name().equals(actor.name())) {
            throw HttpError.conflict("you cannot delete your own account");
        }
        if (user.admin()) {
            requireAnotherAdmin(user);
        }
        Optional<User> recipient = Optional.empty();
        if (files == Homes.Disposition.TRANSFER) {
            String to = transferTo.filter(s -> !s.isBlank())
                    .orElseThrow(() -> HttpError.badRequest("say who receives the files (transfer_to)"));
            if (to.equals(user.name())) {
                throw HttpError.badRequest("the files cannot be transferred to the user being deleted");
            }
            recipient = Optional.of(require(to));
        }
        sessions.endAll(user.id());
        // Nothing may go on writing to the home while it is moved or deleted.
        servers.stopAllOf(user.name(), "stopped because the account is being deleted");
        String outcome;
        try {
            switch (files) {
                case KEEP:
                    outcome = "files kept in " + homes.retain(user.name(), retainedHomes);
                    break;
                case TRANSFER:
                    outcome = "files transferred to " + recipient.get().name() + " as "
                            + homes.transfer(user.name(), recipient.get().name()).getFileName();
                    break;
                default:
                    homes.delete(user.name());
                    outcome = "files deleted";
            }
        } catch (IOException e) {
            audit.record(actor.name(), "user.delete", user.name(), AuditLog.Outcome.FAILED, actor.address(), e.getMessage());
            throw new UncheckedIOException("the files of " + user.name() + " could not be handled; the account was kept", e);
        }
        users.delete(user.id());
        audit.record(actor.name(), "user.delete", user.name(), AuditLog.Outcome.OK, actor.address(), outcome);
        return outcome;
    }

    /** Workshop mode: {@code count} temporary accounts named {@code prefix-01…} that stop working at {@code expires}. */
    public List<Created> createWorkshop(Actor actor, String prefix, int count, Instant expires) {
        if (count < 1 || count > 500) {
            throw HttpError.badRequest("a workshop has 1 to 500 accounts");
        }
        if (!expires.isAfter(clock.instant())) {
            throw HttpError.badRequest("the expiry must be in the future");
        }
        if (prefix == null || !prefix.matches("[a-z][a-z0-9_-]{0,24}")) {
            throw HttpError.badRequest("the prefix is 1 to 25 lowercase letters, digits, - or _, starting with a letter");
        }
        List<Created> created = new ArrayList<>();
        int width = Math.max(2, Integer.toString(count).length());
        for (int i = 1; created.size() < count && i <= count + 1000; i++) {
            String name = prefix + "-" + String.format("%0" + width + "d", i);
            if (users.byName(name).isPresent()) {
                continue;
            }
            created.add(create(actor, name, Optional.empty(), false, User.State.ACTIVE, Optional.of(expires)));
        }
        audit.record(actor.name(), "workshop.create", prefix, AuditLog.Outcome.OK, actor.address(),
                created.size() + " accounts until " + expires);
        return created;
    }

    private void requireAnotherAdmin(User user) {
        boolean another = users.list().stream().anyMatch(u -> u.admin() && u.id() != user.id() && u.state() == User.State.ACTIVE);
        if (!another) {
            throw HttpError.conflict(user.name() + " is the last active administrator; make someone else an admin first");
        }
    }
}
