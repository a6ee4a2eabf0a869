package org.labhub.shares;

import java.time.Instant;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.labhub.files.Permission;
import org.labhub.storage.Location;
import org.labhub.storage.RelPath;

/**
 * One share as the catalog holds it: an item of {@code owner}'s home given to a user, a group or a link. A reshare
 * ({@code createdBy} is not the owner) names the share it was made from in {@code parent}.
 */
public record Share(long id, String owner, RelPath path, Kind kind, Optional<String> recipient, long recipientGroupId,
                    Set<Permission> permissions, String createdBy, Optional<Long> parent, String name, Instant createdAt,
                    Optional<Instant> expiresAt, Optional<String> passwordHash, String label) {

    public enum Kind {
        USER, GROUP, LINK;

        public String id() { return name().toLowerCase(Locale.ROOT); }
    }

    public Location location() { return new Location(owner, path); }
    public boolean isReshare() { return !createdBy.equals(owner); }
    public boolean hasPassword() { return passwordHash.isPresent(); }

    public boolean expired(Instant now) {
        return expiresAt.map(e -> !now.isBefore(e)).orElse(false);
    }

    /** The bit set stored in the catalog: READ=1 CREATE=2 UPDATE=4 DELETE=8 RESHARE=16 (the enum's order). */
    public static int bits(Set<Permission> permissions) {
        int bits = 0;
        for (Permission p : permissions) {
            bits |= 1 << p.ordinal();
        }
        return bits;
    }

    public static Set<Permission> permissions(int bits) {
        Set<Permission> set = EnumSet.noneOf(Permission.class);
        for (Permission p : Permission.values()) {
            if ((bits & (1 << p.ordinal())) != 0) {
                set.add(p);
            }
        }
        return set;
    }
}
