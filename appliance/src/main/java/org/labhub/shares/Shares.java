package org.labhub.shares;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.labhub.audit.AuditLog;
import org.labhub.auth.PasswordHasher;
import org.labhub.auth.Secrets;
import org.labhub.files.FileNamespace;
import org.labhub.files.Permission;
import org.labhub.storage.FileEvents;
import org.labhub.storage.Location;
import org.labhub.storage.RelPath;
import org.labhub.users.Group;
import org.labhub.users.GroupStore;
import org.labhub.users.User;
import org.labhub.users.UserStore;
import org.labhub.web.HttpError;

/**
 * The rules for sharing, Nextcloud-style: owners share items of their home with a user, a group or a link; a
 * recipient holding reshare may pass an item on, never with more than they hold; links carry a preset and never
 * reshare. Every change is audited. Items others may not see answer 404, so their existence is never revealed.
 */
public final class Shares {
    public static final int MIN_LINK_PASSWORD = 8;
    /** The link presets: read-only, read-write, and the upload-only drop box. */
    public static final List<Set<Permission>> LINK_PRESETS = List.of(Permission.readOnly(), Permission.readWrite(), Permission.dropBox());

    private final ShareStore store;
    private final ShareGrants grants;
    private final UserStore users;
    private final GroupStore groups;
    private final PasswordHasher hasher;
    private final AuditLog audit;
    private final Clock clock;
    private final Predicate<Location> exists;
    private final Narrowing narrowing;

    /**
     * Told after a revocation or a permission change commits, with the items and the users who may have lost
     * something there (reshares made from the share included), so that access granted outside the catalog (the ACLs
     * that let running containers reach shared items) is recomputed from what remains.
     */
    public interface Narrowing {
        void narrowed(String owner, Set<RelPath> items, Set<String> recipients);

        Narrowing NONE = (owner, items, recipients) -> {};
    }

    /** {@code exists} says whether an item is there (the file layer's answer, never following symlinks). */
    public Shares(ShareStore store, ShareGrants grants, UserStore users, GroupStore groups, PasswordHasher hasher, AuditLog audit,
                  Clock clock, Predicate<Location> exists, Narrowing narrowing) {
        this.narrowing = narrowing;
        this.store = store;
        this.grants = grants;
        this.users = users;
        this.groups = groups;
        this.hasher = hasher;
        this.audit = audit;
        this.clock = clock;
        this.exists = exists;
    }

    /** Who acts: {@code admin} only when they may act as one (an admin's token needs the admin scope). */
    public record Actor(String name, boolean admin, String address) {}

    /** A share to make. {@code with} names the user or group (empty for a link). */
    public record Request(Location item, Share.Kind kind, Optional<String> with, Set<Permission> permissions,
                          Optional<String> password, Optional<Instant> expires, Optional<String> name, String label) {}

    /** A new share; for a link, its token, which exists nowhere else and is shown this once. */
    public record Created(Share share, Optional<String> token) {}

    /** A change: each field present is set; an empty inner value clears the expiry or the password. */
    public record Patch(Optional<Set<Permission>> permissions, Optional<Optional<Instant>> expires, Optional<Optional<String>> password) {}

    public ShareGrants grants() {
        return grants;
    }

    public Created create(Actor actor, Request r) {
        Location item = r.item();
        User owner = users.byName(item.owner()).orElseThrow(() -> invisible(item));
        User creator = users.byName(actor.name()).orElseThrow(() -> HttpError.notFound("no user named \"" + actor.name() + "\""));
        if (item.path().isRoot()) {
            throw HttpError.badRequest("share a file or folder inside the home, not the home itself");
        }
        Optional<Long> parent = Optional.empty();
        if (owner.name().equals(actor.name())) {
            if (item.path().names().get(0).equals(FileNamespace.SHARED)) {
                throw HttpError.badRequest("what is under " + FileNamespace.SHARED + "/ belongs to others; name it by its owner's path to reshare it");
            }
        } else {
            parent = Optional.of(parentFor(actor.name(), item, r.permissions()).id());
        }
        if (!exists.test(item)) {
            throw invisible(item);
        }
        checkPermissions(r.kind(), r.permissions());
        Instant now = clock.instant();
        r.expires().ifPresent(e -> Expiry.requireFuture(e, now));
        String name = r.name().map(Shares::checkDisplayName).orElse(item.path().name());
        if (r.label().length() > 200) {
            throw HttpError.badRequest("a label may have at most 200 characters");
        }
        long recipientId = 0;
        Optional<String> token = Optional.empty();
        Optional<String> passwordHash = Optional.empty();
        switch (r.kind()) {
            case USER -> {
                String with = r.with().orElseThrow(() -> HttpError.badRequest("give the user to share with in \"with\""));
                if (with.equals(actor.name())) {
                    throw HttpError.badRequest("you cannot share with yourself");
                }
                if (with.equals(owner.name())) {
                    throw HttpError.badRequest("\"" + with + "\" owns this item already");
                }
                recipientId = users.byName(with).orElseThrow(() -> HttpError.notFound("no user named \"" + with + "\"")).id();
            }
            case GROUP -> {
                String with = r.with().orElseThrow(() -> HttpError.badRequest("give the group to share with in \"with\""));
                Group g = groups.byName(with).orElseThrow(() -> HttpError.notFound("no group named \"" + with + "\""));
                recipientId = g.id();
            }
            case LINK -> {
                if (r.with().isPresent()) {
                    throw HttpError.badRequest("a link has no recipient: leave out \"with\"");
                }
                token = Optional.of(Secrets.randomToken(32));
                passwordHash = r.password().map(this::linkPasswordHash);
            }
        }
        if (r.kind() != Share.Kind.LINK && r.password().isPresent()) {
            throw HttpError.badRequest("only links have passwords");
        }
        if (r.kind() != Share.Kind.LINK) {
            duplicateCheck(r, creator.name());
        }
        long id = store.insert(new ShareStore.NewShare(owner.id(), item.path(), r.kind(), recipientId, r.permissions(), creator.id(), parent,
                name, now, r.expires(), token.map(Secrets::sha256), passwordHash, r.label()));
        Share share = store.byId(id).orElseThrow();
        record(actor, "share.create", share, parent.map(p -> "reshared from share " + p).orElse(""));
        return new Created(share, token);
    }

    /** Shares of the user's items and the reshares they made, oldest first; {@code path} narrows to one item of their home. */
    public List<Share> outgoing(String user, Optional<RelPath> path) {
        return store.outgoing(user).stream()
                .filter(s -> path.isEmpty() || (s.owner().equals(user) && s.path().equals(path.get())))
                .toList();
    }

    /** Shares that reach the user now, directly or through their groups, with what each gives. */
    public List<ShareGrants.Held> incoming(String user) {
        return grants.reaching(user);
    }

    public Share update(Actor actor, long id, Patch patch) {
        Share share = manageable(actor, id, false);
        List<Share> reached = withReshares(share);
        List<String> changes = new ArrayList<>();
        if (patch.permissions().isPresent()) {
            Set<Permission> wanted = patch.permissions().get();
            checkPermissions(share.kind(), wanted);
            if (share.isReshare()) {
                Share parent = share.parent().flatMap(store::byId).orElseThrow(() -> invisible(share.location()));
                Set<Permission> above = grants.effective(parent);
                if (!above.containsAll(wanted)) {
                    throw escalation(above, wanted);
                }
            }
            store.setPermissions(id, wanted);
            clampReshares(id, wanted);
            changes.add("permissions " + words(share.permissions()) + " -> " + words(wanted));
        }
        if (patch.expires().isPresent()) {
            Optional<Instant> expires = patch.expires().get();
            expires.ifPresent(e -> Expiry.requireFuture(e, clock.instant()));
            store.setExpiry(id, expires);
            changes.add("expires " + expires.map(Instant::toString).orElse("never"));
        }
        if (patch.password().isPresent()) {
            if (share.kind() != Share.Kind.LINK) {
                throw HttpError.badRequest("only links have passwords");
            }
            store.setPasswordHash(id, patch.password().get().map(this::linkPasswordHash));
            changes.add(patch.password().get().isPresent() ? "password set" : "password removed");
        }
        if (changes.isEmpty()) {
            throw HttpError.badRequest("nothing to change: give permissions, expires or password");
        }
        Share updated = store.byId(id).orElseThrow();
        record(actor, "share.update", updated, String.join("; ", changes));
        if (patch.permissions().isPresent() || patch.expires().isPresent()) {
            narrowed(reached);
        }
        return updated;
    }

    /** Revokes a share and every reshare made from it; the owner, the share's maker, or an administrator may. */
    public void revoke(Actor actor, long id) {
        Share share = manageable(actor, id, true);
        List<Share> reached = withReshares(share);
        store.delete(id);
        boolean asAdmin = !share.owner().equals(actor.name()) && !share.createdBy().equals(actor.name());
        record(actor, "share.revoke", share, asAdmin ? "revoked by an administrator" : "");
        narrowed(reached);
    }

    /** The share and every reshare made from it, directly or further down. */
    private List<Share> withReshares(Share share) {
        List<Share> all = new ArrayList<>(List.of(share));
        for (int i = 0; i < all.size() && i < 10_000; i++) {
            all.addAll(store.childrenOf(all.get(i).id()));
        }
        return all;
    }

    /** Tells {@link Narrowing} which items and people a change may have taken access from (links reach no one's uid). */
    private void narrowed(List<Share> changed) {
        Set<RelPath> items = new java.util.LinkedHashSet<>();
        Set<String> recipients = new java.util.TreeSet<>();
        Map<Long, Set<String>> members = null;
        for (Share s : changed) {
            switch (s.kind()) {
                case USER -> recipients.add(s.recipient().orElseThrow());
                case GROUP -> {
                    members = members == null ? store.members() : members;
                    recipients.addAll(members.getOrDefault(s.recipientGroupId(), Set.of()));
                }
                case LINK -> { continue; }
            }
            items.add(s.path());
        }
        if (!recipients.isEmpty()) {
            narrowing.narrowed(changed.get(0).owner(), items, recipients);
        }
    }

    /** The hub moved {@code from} to {@code to} in the owner's home: shares at or under it follow the item. */
    /** The hub's file layer reports moves and removals here, so shares follow their items (or end with them). */
    public FileEvents fileEvents() {
        return new FileEvents() {
            @Override
            public void moved(Location from, Location to) {
                if (from.owner().equals(to.owner())) {
                    Shares.this.moved(from.owner(), from.path(), to.path());
                } else {
                    deleted(from.owner(), from.path()); // the item left its owner's home, and with it their shares
                }
            }

            @Override
            public void removed(Location item) {
                deleted(item.owner(), item.path());
            }
        };
    }

    public void moved(String owner, RelPath from, RelPath to) {
        for (Share s : store.ofOwner(owner)) {
            if (s.path().startsWith(from)) {
                store.setPath(s.id(), to.resolve(s.path().relativeTo(from)));
            }
        }
    }

    /** The hub deleted {@code path} from the owner's home: shares at or under it (and their reshares) go with it. */
    public void deleted(String owner, RelPath path) {
        for (Share s : store.ofOwner(owner)) {
            if (s.path().startsWith(path)) {
                store.delete(s.id());
            }
        }
    }

    /** The share if the actor may change it (its owner or maker; for revoking also an admin), else 404. */
    private Share manageable(Actor actor, long id, boolean adminToo) {
        Share share = store.byId(id).orElseThrow(() -> HttpError.notFound("no share " + id));
        boolean mine = share.owner().equals(actor.name()) || share.createdBy().equals(actor.name());
        if (!mine && !(adminToo && actor.admin())) {
            throw HttpError.notFound("no share " + id);
        }
        return share;
    }

    /**
     * The share a recipient reshares from: one reaching them at or above the item with reshare and at least the
     * permissions asked for. None at all is 404 (they may not see the item); none with reshare or enough is 403.
     */
    private Share parentFor(String user, Location item, Set<Permission> wanted) {
        List<ShareGrants.Held> held = grants.heldAt(user, item);
        if (held.isEmpty()) {
            throw invisible(item);
        }
        List<ShareGrants.Held> resharable = held.stream().filter(h -> h.permissions().contains(Permission.RESHARE)).toList();
        if (resharable.isEmpty()) {
            throw HttpError.forbidden("you may not reshare this: what was shared with you does not include reshare");
        }
        return resharable.stream().filter(h -> h.permissions().containsAll(wanted))
                .min(Comparator.comparingLong(h -> h.share().id())).map(ShareGrants.Held::share)
                .orElseThrow(() -> escalation(resharable.stream().flatMap(h -> h.permissions().stream())
                        .collect(Collectors.toCollection(() -> EnumSet.noneOf(Permission.class))), wanted));
    }

    /** Lowered permissions carry down to the reshares made from this share; without reshare, they go. */
    private void clampReshares(long id, Set<Permission> now) {
        for (Share child : store.childrenOf(id)) {
            if (!now.contains(Permission.RESHARE)) {
                store.delete(child.id());
                continue;
            }
            Set<Permission> kept = EnumSet.noneOf(Permission.class);
            kept.addAll(child.permissions());
            kept.retainAll(now);
            if (!kept.equals(child.permissions())) {
                store.setPermissions(child.id(), kept);
                clampReshares(child.id(), kept);
            }
        }
    }

    private void duplicateCheck(Request r, String creator) {
        for (Share s : store.outgoing(creator)) {
            if (s.createdBy().equals(creator) && s.location().equals(r.item()) && s.kind() == r.kind() && s.recipient().equals(r.with())) {
                throw HttpError.conflict("this item is already shared with " + r.kind().id() + " \"" + r.with().orElse("")
                        + "\" (share " + s.id() + "); change that share instead");
            }
        }
    }

    private static void checkPermissions(Share.Kind kind, Set<Permission> permissions) {
        if (kind == Share.Kind.LINK) {
            if (permissions.contains(Permission.RESHARE)) {
                throw HttpError.badRequest("a link cannot carry reshare");
            }
            if (!LINK_PRESETS.contains(permissions)) {
                throw HttpError.badRequest("a link is read (read-only), write (read-write) or upload (drop box), not " + words(permissions));
            }
        } else if (!permissions.contains(Permission.READ)) {
            throw HttpError.badRequest("a share with a user or group includes read");
        }
    }

    private String linkPasswordHash(String password) {
        if (password.length() < MIN_LINK_PASSWORD) {
            throw HttpError.badRequest("a link password needs at least " + MIN_LINK_PASSWORD + " characters");
        }
        if (password.length() > PasswordHasher.MAX_PASSWORD_LENGTH) {
            throw HttpError.badRequest("a link password may have at most " + PasswordHasher.MAX_PASSWORD_LENGTH + " characters");
        }
        return hasher.hash(password);
    }

    private static String checkDisplayName(String name) {
        try {
            return RelPath.checkName(name);
        } catch (RelPath.BadPath e) {
            throw HttpError.badRequest("\"name\": " + e.getMessage());
        }
    }

    private static HttpError invisible(Location item) {
        return HttpError.notFound("there is nothing at /" + item.owner() + "/" + item.path() + " that you may see");
    }

    private static HttpError escalation(Set<Permission> held, Set<Permission> wanted) {
        return HttpError.forbidden("you hold " + words(held) + " here and cannot give more (asked for " + words(wanted) + ")");
    }

    /** Permissions as the API spells them, in the enum's order: read, create, update, delete, reshare. */
    public static String words(Set<Permission> permissions) {
        return permissions.stream().sorted().map(p -> p.name().toLowerCase()).collect(Collectors.joining(","));
    }

    private void record(Actor actor, String action, Share s, String extra) {
        String detail = "id=" + s.id() + " owner=" + s.owner() + " path=/" + s.path() + " kind=" + s.kind().id()
                + s.recipient().map(w -> " with=" + w).orElse("") + " permissions=" + words(s.permissions())
                + s.expiresAt().map(e -> " expires=" + e).orElse("") + (extra.isEmpty() ? "" : " (" + extra + ")");
        audit.record(actor.name(), action, s.location().toString(), AuditLog.Outcome.OK, actor.address(), detail);
    }
}
