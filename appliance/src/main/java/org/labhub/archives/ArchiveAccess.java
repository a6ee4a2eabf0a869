package org.labhub.archives;

import java.time.Clock;
import java.util.List;
import java.util.Locale;
import org.labhub.auth.Principal;
import org.labhub.auth.Secrets;
import org.labhub.users.User;
import org.labhub.web.HttpError;

/**
 * The one access check for archives, asked first by every archive handler (API, pages, files, export, re-run,
 * reports, sharing, links). An archive is seen by its owner, administrators, the users and groups it is granted to,
 * everyone when public, and visitors of one of its links (on the link's own pages only). Whoever may not see it gets
 * a 404, as if it did not exist; only the owner and administrators may change or share it (403 for the others).
 */
public final class ArchiveAccess {
    /** Why the caller sees an archive, strongest first. */
    public enum Level {
        OWNER, ADMIN, SHARED, PUBLIC, LINK;

        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** An archive as one caller may see it. */
    public record Seen(Archive archive, Level level) {
        /** Share, unshare, change {@code public}: the owner and administrators. */
        public boolean mayManage() {
            return level == Level.OWNER || level == Level.ADMIN;
        }

        /** Link visitors read; everyone who sees an archive as themselves may re-run it (recorded under their name). */
        public boolean mayRerun() {
            return level != Level.LINK;
        }
    }

    private static final String TOKEN_PATTERN = "[A-Za-z0-9_-]{43}";

    private final ArchiveStore archives;
    private final ArchiveShareStore shares;
    private final Clock clock;

    public ArchiveAccess(ArchiveStore archives, ArchiveShareStore shares, Clock clock) {
        this.archives = archives;
        this.shares = shares;
        this.clock = clock;
    }

    /** The archive if the caller may see it; a 404 otherwise. */
    public Seen see(String id, Principal p) {
        Archive a = ArchiveId.valid(id) ? archives.byId(id).orElse(null) : null;
        Level level = a == null ? null : level(a, p);
        if (level == null) {
            throw HttpError.notFound("there is no archive " + (ArchiveId.valid(id) ? id : "with that id") + " that you may see");
        }
        return new Seen(a, level);
    }

    /** The archive if the caller may share it or change it: 404 when they may not see it, 403 when they may only look. */
    public Seen manage(String id, Principal p) {
        Seen s = see(id, p);
        if (!s.mayManage()) {
            throw HttpError.forbidden("only the archive's owner or an administrator may share it or change it");
        }
        return s;
    }

    /** An archive opened through one of its public links (whose password, if any, {@link ArchiveLinks} checks). */
    public record Opened(Seen seen, ArchiveShareStore.Link link) {}

    /** The archive a public link opens, read-only; an unknown or revoked link is a 404 (the same for both). */
    public Opened link(String token) {
        HttpError gone = HttpError.notFound("there is no such link, or it has been revoked or has expired");
        if (token == null || !token.matches(TOKEN_PATTERN)) {
            throw gone;
        }
        ArchiveShareStore.Link link = shares.linkByTokenHash(Secrets.sha256(token)).filter(l -> !l.expired(clock.instant()))
                .orElseThrow(() -> gone);
        return new Opened(new Seen(archives.byId(link.archiveId()).orElseThrow(() -> gone), Level.LINK), link);
    }

    /**
     * The archives listed for the caller, selected by the catalog (never filtered afterwards): administrators get
     * all, users their own, those granted to them or their groups, and those their owners made public (a lab's
     * shelf of preserved work). Anonymous visitors reach public archives by address only.
     */
    public List<Seen> listed(Principal p) {
        if (p.isAnonymous()) {
            return List.of();
        }
        if (p.isAdmin()) {
            return archives.list().stream().map(a -> new Seen(a, p.name().equals(a.owner()) ? Level.OWNER : Level.ADMIN)).toList();
        }
        long id = p.user().map(User::id).orElseThrow();
        List<Seen> seen = new java.util.ArrayList<>();
        archives.ownedOrGrantedTo(p.name(), id).forEach(a -> seen.add(new Seen(a, p.name().equals(a.owner()) ? Level.OWNER : Level.SHARED)));
        archives.publicExceptOwnedOrGrantedTo(p.name(), id).forEach(a -> seen.add(new Seen(a, Level.PUBLIC)));
        return List.copyOf(seen);
    }

    private Level level(Archive a, Principal p) {
        if (!p.isAnonymous()) {
            if (p.name().equals(a.owner())) {
                return Level.OWNER;
            }
            if (p.isAdmin()) {
                return Level.ADMIN;
            }
            if (granted(a, p)) {
                return Level.SHARED;
            }
        }
        return a.publicAccess() ? Level.PUBLIC : null;
    }

    private boolean granted(Archive a, Principal p) {
        return p.user().map(u -> shares.reaches(a.id(), u.id())).orElse(false);
    }
}
