package org.labhub.archives;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.labhub.auth.Scope;
import org.labhub.shares.Expiry;
import org.labhub.web.Access;
import org.labhub.web.Exchange;
import org.labhub.web.HttpError;
import org.labhub.web.Routes;

/**
 * {@code /api/archives/{id}/grants…} and {@code …/links…}: share an archive with users and groups, and make or revoke
 * its public links. The owner and administrators only (others who see it: 403; who do not: 404).
 */
public final class ArchiveSharingApi implements Routes.Provider {
    private final ArchiveAccess access;
    private final ArchiveSharing sharing;

    public ArchiveSharingApi(ArchiveAccess access, ArchiveSharing sharing) {
        this.access = access;
        this.sharing = sharing;
    }

    @Override
    public void register(Routes r) {
        r.get("/api/archives/{archive}/grants", Access.user(Scope.READ), this::grants,
                "Owner or admin: who the archive is shared with (users and groups)")
         .post("/api/archives/{archive}/grants", Access.user(Scope.FILES), this::grant,
                 "Owner or admin: share the archive {\"kind\": \"user\"|\"group\", \"with\": name}: they may see it, download it and "
                 + "re-run it; 201 with the grant, 404 for an unknown user or group, 409 when it is shared with them already")
         .delete("/api/archives/{archive}/grants/{id}", Access.user(Scope.FILES), this::ungrant,
                 "Owner or admin: remove a grant; it ends at the recipient's next request")
         .get("/api/archives/{archive}/links", Access.user(Scope.READ), this::links, "Owner or admin: the archive's public links")
         .post("/api/archives/{archive}/links", Access.user(Scope.FILES), this::link,
                 "Owner or admin: make a public link {\"label\"?, \"password\"? (8+ characters), \"expires\"? (an instant, or a date: "
                 + "the end of that day, UTC)}: until then anyone with its address may see "
                 + "the landing page, read the files and download the archive, never re-run it; the answer holds the url /a/<token> this once")
         .delete("/api/archives/{archive}/links/{id}", Access.user(Scope.FILES), this::unlink,
                 "Owner or admin: revoke a public link; its address answers 404 from the next request on");
    }

    record GrantBody(String kind, String with) {}

    record LinkBody(String label, String password, String expires) {}

    static Map<String, Object> grantModel(ArchiveShareStore.Grant g) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", g.id());
        m.put("kind", g.kind());
        m.put("with", g.with());
        m.put("created_by", g.createdBy());
        m.put("created", g.createdAt());
        return m;
    }

    static Map<String, Object> linkModel(ArchiveShareStore.Link l, Optional<String> url) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", l.id());
        m.put("label", l.label());
        m.put("password", l.hasPassword());
        m.put("created_by", l.createdBy());
        m.put("created", l.createdAt());
        m.put("expires", l.expiresAt().orElse(null));
        url.ifPresent(u -> m.put("url", u));
        return m;
    }

    private ArchiveAccess.Seen managed(Exchange ex) {
        return access.manage(ex.pathParam("archive"), ex.principal());
    }

    static ArchiveSharing.Actor actor(Exchange ex) {
        return new ArchiveSharing.Actor(ex.principal().name(), ex.clientAddress());
    }

    private void grants(Exchange ex) {
        ex.json(200, sharing.grants(managed(ex)).stream().map(ArchiveSharingApi::grantModel).toList());
    }

    private void grant(Exchange ex) {
        ArchiveAccess.Seen s = managed(ex);
        GrantBody b = ex.jsonBody(GrantBody.class);
        ArchiveShareStore.Grant g = sharing.grant(s, actor(ex), b.kind(), b.with());
        ex.setHeader("Location", "/api/archives/" + s.archive().id() + "/grants/" + g.id());
        ex.json(201, grantModel(g));
    }

    private void ungrant(Exchange ex) {
        ArchiveAccess.Seen s = managed(ex);
        sharing.ungrant(s, actor(ex), id(ex, "grant"));
        ex.noContent();
    }

    private void links(Exchange ex) {
        ex.json(200, sharing.links(managed(ex)).stream().map(l -> linkModel(l, Optional.empty())).toList());
    }

    private void link(Exchange ex) {
        ArchiveAccess.Seen s = managed(ex);
        LinkBody b = ex.jsonBody(LinkBody.class);
        ArchiveSharing.CreatedLink c = sharing.createLink(s, actor(ex), b.label(), Optional.ofNullable(b.password()),
                Optional.ofNullable(b.expires()).filter(e -> !e.isBlank()).map(Expiry::parse));
        ex.json(201, linkModel(c.link(), Optional.of(c.url())));
    }

    private void unlink(Exchange ex) {
        ArchiveAccess.Seen s = managed(ex);
        sharing.revokeLink(s, actor(ex), id(ex, "link"));
        ex.noContent();
    }

    static long id(Exchange ex, String what) {
        try {
            return Long.parseLong(ex.pathParam("id"));
        } catch (NumberFormatException e) {
            throw HttpError.notFound("this archive has no " + what + " " + ex.pathParam("id"));
        }
    }
}
