package org.labhub.users;

import java.time.Instant;
import java.util.List;

/** A named set of users: shares and datasets can be granted to a group. */
public record Group(long id, String name, String description, Instant createdAt, List<String> members) {
    public static final String NAME_PATTERN = "[a-z0-9][a-z0-9_.-]{0,63}";

    public static String checkName(String name) {
        if (name == null || !name.matches(NAME_PATTERN)) {
            throw new IllegalArgumentException("a group name is 1 to 64 lowercase letters, digits, ., - or _, starting with a letter or digit");
        }
        return name;
    }
}
