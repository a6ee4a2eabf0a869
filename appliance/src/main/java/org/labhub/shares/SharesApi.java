package org.labhub.shares;

import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.labhub.auth.Principal;
import org.labhub.auth.Scope;
import org.labhub.files.FileNamespace;
import org.labhub.files.Permission;
import org.labhub.files.Target;
import org.labhub.storage.Location;
import org.labhub.storage.RelPath;
import org.labhub.web.Access;
import org.labhub.web.Exchange;
import org.labhub.web.HttpError;
import org.labhub.web.Routes;
import tools.jackson.databind.JsonNode;

/**
 * {@code /api/shares…}: make, list, change and revoke shares and public links. Items are named as the caller sees
 * them: {@code path} in their home, {@code shared/<owner>/<name>/…} for what others shared with them, or
 * {@code owner} plus the path in that owner's home.
 */
public final class SharesApi implements Routes.Provider {
    private static final String PERMISSION_WORDS = "read, write, create, update, delete, reshare, upload";

    private final Shares shares;
    private final FileNamespace files;

    public SharesApi(Shares shares, FileNamespace files) {
        this.shares = shares;
        this.files = files;
    }

    @Override
    public void register(Routes r) {
        r.get("/api/shares", Access.user(Scope.READ), this::outgoing,
                "List the shares of your items and the reshares you made (?path= narrows to one item of your home)")
         .get("/api/shares/incoming", Access.user(Scope.READ), this::incoming,
                "List what is shared with you, directly or through your groups, with the permissions each share gives now")
         .post("/api/shares", Access.user(Scope.FILES), this::create,
                "Share an item {path, owner?, kind: user|group|link, with?, permissions?, password?, expires?, name?, label?}. "
                + "path is in your home, or shared/<owner>/<name>/… (or owner plus the path in their home) to reshare what you hold "
                + "with reshare, never with more than you hold. permissions: a list of read, write (create+update+delete), create, "
                + "update, delete, reshare, or a preset read|write|upload (links take a preset only, never reshare); default read. "
                + "Links may have a password (8+ characters) and expiry (ISO-8601, in the future); the answer holds the link's url "
                + "/s/<token> this once")
         .patch("/api/shares/{id}", Access.user(Scope.FILES), this::update,
                "Change a share you made or of your item {permissions?, expires?, password?}; \"\" clears expires or password; "
                + "lowered permissions carry down to its reshares")
         .delete("/api/shares/{id}", Access.user(Scope.FILES), this::revoke,
                "Revoke a share you made or of your item (administrators: any share, audited); its reshares go with it");
    }

    record CreateBody(String path, String owner, String kind, String with, JsonNode permissions, String password, String expires,
                      String name, String label) {}

    record PatchBody(JsonNode permissions, String expires, String password) {}

    /** A share as its owner or maker sees it; {@code url} only in the answer that creates a link. */
    record ShareModel(long id, String owner, String path, String kind, String with, List<String> permissions, String name,
                      String sharedBy, Long parent, Instant created, Instant expires, Boolean password, String label, String url) {
        static ShareModel of(Share s, String url) {
            return new ShareModel(s.id(), s.owner(), s.path().toString(), s.kind().id(), s.recipient().orElse(null), names(s.permissions()),
                    s.name(), s.createdBy(), s.parent().orElse(null), s.createdAt(), s.expiresAt().orElse(null),
                    s.kind() == Share.Kind.LINK ? s.hasPassword() : null, s.label(), url);
        }
    }

    /** A share as its recipient sees it: where it appears for them, and what it gives now. */
    record IncomingModel(long id, String owner, String path, String name, String location, List<String> permissions, String sharedBy,
                         String via, Instant created, Instant expires) {
        static IncomingModel of(ShareGrants.Held h) {
            Share s = h.share();
            return new IncomingModel(s.id(), s.owner(), s.path().toString(), s.name(),
                    FileNamespace.SHARED + "/" + s.owner() + "/" + s.name(), names(h.permissions()), s.createdBy(),
                    s.kind() == Share.Kind.GROUP ? "group:" + s.recipient().orElseThrow() : "user", s.createdAt(), s.expiresAt().orElse(null));
        }
    }

    private void outgoing(Exchange ex) {
        Optional<RelPath> path = ex.query("path").map(SharesApi::parsePath);
        ex.json(200, shares.outgoing(ex.principal().name(), path).stream().map(s -> ShareModel.of(s, null)).toList());
    }

    private void incoming(Exchange ex) {
        ex.json(200, shares.incoming(ex.principal().name()).stream().map(IncomingModel::of).toList());
    }

    private void create(Exchange ex) {
        CreateBody body = ex.jsonBody(CreateBody.class);
        if (body.path() == null) {
            throw HttpError.badRequest("give the item to share in \"path\"");
        }
        if (body.kind() == null) {
            throw HttpError.badRequest("give \"kind\": user, group or link");
        }
        Share.Kind kind = switch (body.kind()) {
            case "user" -> Share.Kind.USER;
            case "group" -> Share.Kind.GROUP;
            case "link" -> Share.Kind.LINK;
            default -> throw HttpError.badRequest("\"kind\" is user, group or link, not \"" + body.kind() + "\"");
        };
        Location item = item(ex.principal().name(), Optional.ofNullable(body.owner()), parsePath(body.path()));
        Set<Permission> permissions = isAbsent(body.permissions()) ? Permission.readOnly() : permissions(body.permissions());
        Shares.Created created = shares.create(actor(ex), new Shares.Request(item, kind, Optional.ofNullable(body.with()), permissions,
                Optional.ofNullable(body.password()), Optional.ofNullable(body.expires()).map(Expiry::parse),
                Optional.ofNullable(body.name()), body.label() == null ? "" : body.label()));
        ex.json(201, ShareModel.of(created.share(), created.token().map(t -> "/s/" + t).orElse(null)));
    }

    private void update(Exchange ex) {
        long id = id(ex);
        PatchBody body = ex.jsonBody(PatchBody.class);
        Shares.Patch patch = new Shares.Patch(
                isAbsent(body.permissions()) ? Optional.empty() : Optional.of(permissions(body.permissions())),
                Optional.ofNullable(body.expires()).map(e -> e.isEmpty() ? Optional.empty() : Optional.of(Expiry.parse(e))),
                Optional.ofNullable(body.password()).map(p -> p.isEmpty() ? Optional.empty() : Optional.of(p)));
        ex.json(200, ShareModel.of(shares.update(actor(ex), id, patch), null));
    }

    private void revoke(Exchange ex) {
        shares.revoke(actor(ex), id(ex));
        ex.noContent();
    }

    /**
     * The item the caller names, through the same namespace as the file URLs: their home, their {@code shared/}
     * folder, or another owner's home (where only what is shared with them exists).
     */
    private Location item(String caller, Optional<String> owner, RelPath path) {
        Target t = files.resolve(caller, owner.orElse(caller), path);
        if (t instanceof Target.Real real) {
            return real.location();
        }
        throw HttpError.badRequest("\"" + path + "\" is a folder of owners or shares, not an item; choose an item inside it");
    }

    static Shares.Actor actor(Exchange ex) {
        Principal p = ex.principal();
        return new Shares.Actor(p.name(), p.isAdmin() && p.has(Scope.ADMIN), ex.clientAddress());
    }

    private static long id(Exchange ex) {
        try {
            return Long.parseLong(ex.pathParam("id"));
        } catch (NumberFormatException e) {
            throw HttpError.notFound("no share " + ex.pathParam("id"));
        }
    }

    private static RelPath parsePath(String path) {
        try {
            return RelPath.parse(path);
        } catch (RelPath.BadPath e) {
            throw HttpError.badRequest("\"path\": " + e.getMessage());
        }
    }

    private static boolean isAbsent(JsonNode node) {
        return node == null || node.isNull() || node.isMissingNode();
    }

    /** A preset ("read", "write", "upload") or a list of permission words; anything else is a 400 naming the word. */
    static Set<Permission> permissions(JsonNode node) {
        Set<Permission> set = EnumSet.noneOf(Permission.class);
        if (node.isString()) {
            set.addAll(word(node.asString()));
        } else if (node.isArray()) {
            for (JsonNode w : node) {
                if (!w.isString()) {
                    throw HttpError.badRequest("\"permissions\" lists words: " + PERMISSION_WORDS);
                }
                set.addAll(word(w.asString()));
            }
        } else {
            throw HttpError.badRequest("\"permissions\" is a preset (read, write, upload) or a list of " + PERMISSION_WORDS);
        }
        if (set.isEmpty()) {
            throw HttpError.badRequest("\"permissions\" cannot be empty");
        }
        return set;
    }

    private static Set<Permission> word(String w) {
        return switch (w.toLowerCase(Locale.ROOT)) {
            case "read" -> Permission.readOnly();
            case "write" -> Permission.readWrite();
            case "upload", "create" -> Permission.dropBox();
            case "update" -> EnumSet.of(Permission.UPDATE);
            case "delete" -> EnumSet.of(Permission.DELETE);
            case "reshare" -> EnumSet.of(Permission.RESHARE);
            default -> throw HttpError.badRequest("unknown permission \"" + w + "\" (known: " + PERMISSION_WORDS + ")");
        };
    }

    static List<String> names(Set<Permission> permissions) {
        return permissions.stream().sorted().map(p -> p.name().toLowerCase(Locale.ROOT)).toList();
    }
}
