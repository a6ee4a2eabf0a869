package org.labhub.users;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/** The user as the API shows it, shaped like JupyterHub's user model so its scripts feel at home. */
public record UserModel(String kind, String name, boolean admin, List<String> groups, String state, Instant created,
                        Instant lastActivity, Instant expiresAt, Map<String, Object> servers) {

    public static UserModel of(User u, List<String> groups, Map<String, Object> servers) {
        return new UserModel("user", u.name(), u.admin(), groups, u.state().name().toLowerCase(), u.createdAt(),
                u.lastLogin().orElse(null), u.expiresAt().orElse(null), servers);
    }
}
