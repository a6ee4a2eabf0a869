package org.labhub.archives;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.labhub.audit.AuditLog;
import org.labhub.auth.PasswordHasher;
import org.labhub.auth.Secrets;
import org.labhub.shares.Expiry;
import org.labhub.shares.Shares;
import org.labhub.users.GroupStore;
import org.labhub.users.UserStore;
import org.labhub.web.HttpError;

/**
 * Sharing one archive: read access for a user or a group, and public links (a random token, kept as its SHA-256;
 * an optional password, kept as Argon2id), and making it public. The caller has passed {@link ArchiveAccess#manage};
 * every change is audited ({@code archive.share}, {@code archive.unshare}, {@code archive.link}, {@code archive.unlink},
 * {@code archive.public}).
 */
public final class ArchiveSharing {
    private final ArchiveStore archives;
    private final ArchiveShareStore store;
    private final UserStore users;
    private final GroupStore groups;
    private final PasswordHasher hasher;
    private final AuditLog audit;
    private final Clock clock;

    public ArchiveSharing(ArchiveStore archives, ArchiveShareStore store, UserStore users, GroupStore groups, PasswordHasher hasher,
                          AuditLog audit, Clock clock) {
        this.archives = archives;
        this.store = store;
        this.users = users;
        this.groups = groups;
        this.hasher = hasher;
        this.audit = audit;
        this.clock = clock;
    }

    /** Who acts, and from where (for the audit log). */
    public record Actor(String name, String address) {}

    /** A new link; its token exists nowhere else and is shown this once. */
    public record CreatedLink(ArchiveShareStore.Link link, String token) {
        public String url() {
            return "/a/" + token;
        }
    }

    public List<ArchiveShareStore.Grant> grants(ArchiveAccess.Seen s) {
        return store.grants(s.archive().id());
    }

    public List<ArchiveShareStore.Link> links(ArchiveAccess.Seen s) {
        return store.links(s.archive().id());
    }

    /**
     * Public or not: a public archive is listed to every user and readable by anyone with its address, signed in or
     * not (audited as {@code archive.public}). Returns the archive as it is now.
     */
    public Archive setPublic(ArchiveAccess.Seen s, Actor actor, boolean open) {
        Archive a = requireManaged(s);
        archives.setPublic(a.id(), open);
        audit.record(actor.name(), "archive.public", a.id(), AuditLog.Outcome.OK, actor.address(), Boolean.toString(open));
        return archives.byId(a.id()).orElseThrow();
    }

    /** Whether a link has reached its end: it then answers like a revoked one, and its maker sees it marked "expired". */
    public boolean ended(ArchiveShareStore.Link link) {
        return link.expired(clock.instant());
    }

    /** Grants read access (see, download, re-run) to a user or a group. */
    public ArchiveShareStore.Grant grant(ArchiveAccess.Seen s, Actor actor, String kind, String with) {
        Archive a = requireManaged(s);
        if (kind == null || kind.isBlank()) {
            throw HttpError.badRequest("give \"kind\": user or group");
        }
        if (with == null || with.isBlank()) {
            throw HttpError.badRequest("give the " + (kind.equals("group") ? "group" : "user") + " to share with in \"with\"");
        }
        String name = with.trim();
        long recipient = switch (kind) {
            case "user" -> {
                if (name.equals(actor.name())) {
                    throw HttpError.badRequest("you cannot share with yourself");
                }
                if (name.equals(a.owner())) {
                    throw HttpError.badRequest("\"" + name + "\" owns this archive already");
                }
                yield users.byName(name).orElseThrow(() -> HttpError.notFound("no user named \"" + name + "\"")).id();
            }
            case "group" -> groups.byName(name).orElseThrow(() -> HttpError.notFound("no group named \"" + name + "\"")).id();
            default -> throw HttpError.badRequest("\"kind\" is user or group, not \"" + kind + "\"");
        };
        for (ArchiveShareStore.Grant g : store.grants(a.id())) {
            if (g.kind().equals(kind) && g.with().equals(name)) {
                throw HttpError.conflict("this archive is already shared with " + kind + " \"" + name + "\" (grant " + g.id() + ")");
            }
        }
        long id;
        try {
            id = store.insertGrant(a.id(), kind, recipient, actor.name(), clock.instant());
        } catch (RuntimeException e) {
            if (store.grants(a.id()).stream().anyMatch(g -> g.kind().equals(kind) && g.with().equals(name))) {
                throw HttpError.conflict("this archive is already shared with " + kind + " \"" + name + "\""); // a concurrent twin won
            }
            throw e;
        }
        audit.record(actor.name(), "archive.share", a.id(), AuditLog.Outcome.OK, actor.address(), kind + ":" + name);
        return store.grant(a.id(), id).orElseThrow();
    }

    /** Removes a grant; the recipient's next request no longer sees the archive (nothing is cached). */
    public void ungrant(ArchiveAccess.Seen s, Actor actor, long id) {
        Archive a = requireManaged(s);
        ArchiveShareStore.Grant g = store.grant(a.id(), id).orElseThrow(() -> HttpError.notFound("this archive has no grant " + id));
        store.deleteGrant(a.id(), id);
        audit.record(actor.name(), "archive.unshare", a.id(), AuditLog.Outcome.OK, actor.address(), g.kind() + ":" + g.with());
    }

    /**
     * Makes a public link, with an optional password (at least {@value Shares#MIN_LINK_PASSWORD} characters) and an
     * optional end (in the future); an ended link answers like a revoked one.
     */
    public CreatedLink createLink(ArchiveAccess.Seen s, Actor actor, String label, Optional<String> password, Optional<Instant> expires) {
        Archive a = requireManaged(s);
        Instant now = clock.instant();
        expires.ifPresent(e -> Expiry.requireFuture(e, now));
        String l = label == null ? "" : label.trim();
        if (l.length() > 200) {
            throw HttpError.badRequest("a label may have at most 200 characters");
        }
        Optional<String> hash = password.filter(p -> !p.isEmpty()).map(this::passwordHash);
        String token = Secrets.randomToken(32);
        long id = store.insertLink(a.id(), Secrets.sha256(token), hash, l, actor.name(), now, expires);
        audit.record(actor.name(), "archive.link", a.id(), AuditLog.Outcome.OK, actor.address(), "link " + id
                + (hash.isPresent() ? " with a password" : "") + expires.map(e -> " until " + e).orElse("") + (l.isEmpty() ? "" : ": " + l));
        return new CreatedLink(store.link(a.id(), id).orElseThrow(), token);
    }

    /** Revokes a link: its next request is a 404. */
    public void revokeLink(ArchiveAccess.Seen s, Actor actor, long id) {
        Archive a = requireManaged(s);
        if (!store.deleteLink(a.id(), id)) {
            throw HttpError.notFound("this archive has no link " + id);
        }
        audit.record(actor.name(), "archive.unlink", a.id(), AuditLog.Outcome.OK, actor.address(), "link " + id);
    }

    private static Archive requireManaged(ArchiveAccess.Seen s) {
        if (!s.mayManage()) {
            throw HttpError.forbidden("only the archive's owner or an administrator may share it or change it");
        }
        return s.archive();
    }

    private String passwordHash(String password) {
        if (password.length() < Shares.MIN_LINK_PASSWORD) {
            throw HttpError.badRequest("a link password needs at least " + Shares.MIN_LINK_PASSWORD + " characters");
        }
        if (password.length() > PasswordHasher.MAX_PASSWORD_LENGTH) {
            throw HttpError.badRequest("a link password may have at most " + PasswordHasher.MAX_PASSWORD_LENGTH + " characters");
        }
        return hasher.hash(password);
    }
}
