package org.labhub.users;

import java.time.Instant;
import java.util.Optional;

/** An account as the catalog holds it (without the password hash, which never leaves {@code UserStore}). */
public record User(long id, String name, boolean admin, State state, Optional<Instant> expiresAt,
                   Instant createdAt, Optional<Instant> lastLogin) {

    public enum State { ACTIVE, DISABLED, PENDING }

    /** May this account log in and use the hub right now? */
    public boolean canLogIn(Instant now) {
        return state == State.ACTIVE && expiresAt.map(now::isBefore).orElse(true);
    }

    /** User names are lowercase so that {@code /user/Alice} and {@code /user/alice} can never be two people. */
    public static final String NAME_PATTERN = "[a-z][a-z0-9_-]{0,31}";

    public static String checkName(String name) {
        if (name == null || !name.matches(NAME_PATTERN)) {
            throw new IllegalArgumentException("a user name is 1 to 32 lowercase letters, digits, - or _, starting with a letter");
        }
        return name;
    }
}
