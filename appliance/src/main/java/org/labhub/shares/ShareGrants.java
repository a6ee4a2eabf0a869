package org.labhub.shares;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.labhub.files.Permission;
import org.labhub.files.ShareLookup;
import org.labhub.storage.Location;
import org.labhub.users.GroupStore;
import org.labhub.users.UserStore;

/**
 * Who reaches what through shares, answered from memory for every file request. The catalog is read again as soon
 * as shares, group members or accounts change (each store moves a generation counter after it writes, and a
 * snapshot from an older generation is never used), so a revoked share is gone on the very next request.
 * Reshares are checked here too: one counts only while the share it was made from still reaches its maker with
 * reshare, and it never gives more than that share does.
 */
public final class ShareGrants implements ShareLookup {
    /** Reshare chains are short in practice; this bounds the walk if the catalog were ever inconsistent. */
    private static final int MAX_CHAIN = 32;

    private final ShareStore store;
    private final GroupStore groups;
    private final UserStore users;
    private final Clock clock;
    private volatile Snapshot snapshot;

    public ShareGrants(ShareStore store, GroupStore groups, UserStore users, Clock clock) {
        this.store = store;
        this.groups = groups;
        this.users = users;
        this.clock = clock;
    }

    private record Snapshot(long generation, List<Share> shares, Map<Long, Share> byId, Map<Long, Set<String>> members) {}

    /** A share that reaches someone, with what it gives them now. */
    public record Held(Share share, Set<Permission> permissions) {}

    @Override
    public List<Grant> grantsTo(String user, String owner) {
        Snapshot s = current();
        Instant now = clock.instant();
        List<Grant> grants = new ArrayList<>();
        for (Share share : s.shares()) {
            if (share.owner().equals(owner) && reaches(s, share, user)) {
                Set<Permission> p = effective(s, share, now, 0);
                if (!p.isEmpty()) {
                    grants.add(new Grant(share.path(), p));
                }
            }
        }
        return grants;
    }

    /**
     * Everything shared with the user, one entry per item (an item shared twice, directly and through a group, shows
     * once with both grants' permissions). Names that clash under one owner get " (2)", " (3)" … in share order.
     */
    @Override
    public List<Incoming> incoming(String user) {
        Snapshot s = current();
        Instant now = clock.instant();
        Map<Location, Set<Permission>> perms = new LinkedHashMap<>();
        Map<Location, String> names = new HashMap<>();
        for (Share share : s.shares()) {
            if (share.owner().equals(user) || !reaches(s, share, user)) {
                continue;
            }
            Set<Permission> p = effective(s, share, now, 0);
            if (!p.isEmpty()) {
                perms.computeIfAbsent(share.location(), l -> EnumSet.noneOf(Permission.class)).addAll(p);
                names.putIfAbsent(share.location(), share.name());
            }
        }
        List<Incoming> result = new ArrayList<>();
        Map<String, Set<String>> taken = new HashMap<>();
        perms.forEach((location, p) -> {
            Set<String> used = taken.computeIfAbsent(location.owner(), o -> new HashSet<>());
            String base = names.get(location);
            String name = base;
            for (int i = 2; !used.add(name); i++) {
                name = base + " (" + i + ")";
            }
            result.add(new Incoming(location.owner(), name, new Grant(location.path(), Set.copyOf(p))));
        });
        return result;
    }

    /** The shares that reach {@code user} at or above {@code location}, with what each gives now. */
    public List<Held> heldAt(String user, Location location) {
        Snapshot s = current();
        Instant now = clock.instant();
        List<Held> held = new ArrayList<>();
        for (Share share : s.shares()) {
            if (share.owner().equals(location.owner()) && location.path().startsWith(share.path()) && reaches(s, share, user)) {
                Set<Permission> p = effective(s, share, now, 0);
                if (!p.isEmpty()) {
                    held.add(new Held(share, p));
                }
            }
        }
        return held;
    }

    /** Every share that reaches the user now (for "shared with me"), with what each gives. */
    public List<Held> reaching(String user) {
        Snapshot s = current();
        Instant now = clock.instant();
        List<Held> held = new ArrayList<>();
        for (Share share : s.shares()) {
            if (!share.owner().equals(user) && reaches(s, share, user)) {
                Set<Permission> p = effective(s, share, now, 0);
                if (!p.isEmpty()) {
                    held.add(new Held(share, p));
                }
            }
        }
        return held;
    }

    /** What a share (a link, say) gives now: nothing once expired, or once the share it was reshared from stopped reaching its maker. */
    public Set<Permission> effective(Share share) {
        return effective(current(), share, clock.instant(), 0);
    }

    /** Whether the user is the share's recipient, directly or as a member of its group now. */
    public boolean reaches(Share share, String user) {
        return reaches(current(), share, user);
    }

    private static boolean reaches(Snapshot s, Share share, String user) {
        return switch (share.kind()) {
            case USER -> share.recipient().orElseThrow().equals(user);
            case GROUP -> s.members().getOrDefault(share.recipientGroupId(), Set.of()).contains(user);
            case LINK -> false;
        };
    }

    private static Set<Permission> effective(Snapshot s, Share share, Instant now, int depth) {
        if (share.expired(now) || depth > MAX_CHAIN) {
            return Set.of();
        }
        if (!share.isReshare()) {
            return share.permissions();
        }
        Share parent = share.parent().map(s.byId()::get).orElse(null);
        if (parent == null || !reaches(s, parent, share.createdBy()) || !share.path().startsWith(parent.path())) {
            return Set.of();
        }
        Set<Permission> above = effective(s, parent, now, depth + 1);
        if (!above.contains(Permission.RESHARE)) {
            return Set.of();
        }
        Set<Permission> p = EnumSet.noneOf(Permission.class);
        p.addAll(share.permissions());
        p.retainAll(above);
        return p;
    }

    private Snapshot current() {
        long generation = store.generation() + groups.generation() + users.generation();
        Snapshot s = snapshot;
        if (s != null && s.generation() == generation) {
            return s;
        }
        // The generation is read before the catalog: a change committed meanwhile moves it again, and the next call reloads.
        List<Share> shares = store.allPersonal();
        Map<Long, Share> byId = new HashMap<>();
        shares.forEach(sh -> byId.put(sh.id(), sh));
        s = new Snapshot(generation, List.copyOf(shares), byId, store.members());
        snapshot = s;
        return s;
    }
}
