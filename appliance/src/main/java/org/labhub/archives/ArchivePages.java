package org.labhub.archives;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.labhub.auth.Scope;
import org.labhub.files.NotebookView;
import org.labhub.shares.Expiry;
import org.labhub.web.Access;
import org.labhub.web.Exchange;
import org.labhub.web.HttpError;
import org.labhub.web.Json;
import org.labhub.web.Pages;
import org.labhub.web.Routes;
import tools.jackson.databind.JsonNode;

/**
 * The archive list (the caller's own and those shared with them), each archive's landing page (with a citation
 * line and, for its owner and administrators, the Share card) and each re-run's report page. The Share card's forms
 * post here and work without script.
 */
public final class ArchivePages implements Routes.Provider {
    private final Archives archives;
    private final ArchiveAccess access;
    private final ArchiveSharing sharing;
    private final ArchiveRuns runs;
    private final Pages pages;
    private final Optional<String> publicUrl;
    private final ArchiveDeletion deletion;

    public ArchivePages(Archives archives, ArchiveAccess access, ArchiveSharing sharing, ArchiveRuns runs, Pages pages, Optional<String> publicUrl,
                        ArchiveDeletion deletion) {
        this.archives = archives;
        this.access = access;
        this.sharing = sharing;
        this.runs = runs;
        this.pages = pages;
        this.publicUrl = publicUrl;
        this.deletion = deletion;
    }

    @Override
    public void register(Routes r) {
        r.get("/archives", Access.user(Scope.READ), this::list, "Page: the caller's archives, those shared with them, and public ones")
         .get("/archives/{archive}", Access.anyone(), this::landing, "Page: an archive's landing page (with the Share card for its owner)")
         .get("/archives/{archive}/runs/{run}", Access.anyone(), this::report, "Page: a re-run's reproducibility report")
         .post("/archives/{archive}/grants", Access.user(Scope.FILES), this::grant,
                 "Page form: share the archive with a user or group (kind, with); owner or admin")
         .post("/archives/{archive}/grants/{id}/delete", Access.user(Scope.FILES), this::ungrant, "Page form: remove a grant; owner or admin")
         .post("/archives/{archive}/links", Access.user(Scope.FILES), this::link,
                 "Page form: make a public link (label, password optional) and show its address once; owner or admin")
         .post("/archives/{archive}/links/{id}/delete", Access.user(Scope.FILES), this::unlink, "Page form: revoke a public link; owner or admin")
         .post("/archives/{archive}/public", Access.user(Scope.FILES), this::setPublic,
                 "Page form: make the archive public (public=true) or not (public=false); owner or admin")
         .post("/archives/{archive}/delete", Access.user(Scope.FILES), this::delete, "Page form: delete an archive for good; owner or admin");
    }

    private void list(Exchange ex) {
        List<ArchiveAccess.Seen> seen = access.listed(ex.principal());
        Map<String, Object> model = new HashMap<>();
        model.put("archives", seen.stream().filter(s -> s.level() == ArchiveAccess.Level.OWNER).map(ArchiveAccess.Seen::archive).toList());
        model.put("shared", seen.stream().filter(s -> s.level() == ArchiveAccess.Level.SHARED).map(ArchiveAccess.Seen::archive).toList());
        model.put("others", seen.stream().filter(s -> s.level() == ArchiveAccess.Level.ADMIN).map(ArchiveAccess.Seen::archive).toList());
        model.put("publicOnes", seen.stream().filter(s -> s.level() == ArchiveAccess.Level.PUBLIC).map(ArchiveAccess.Seen::archive).toList());
        pages.render(ex, "archives", model);
    }

    private void landing(Exchange ex) throws IOException {
        ArchiveAccess.Seen s = access.see(ex.pathParam("archive"), ex.principal());
        pages.render(ex, "archive", landingModel(s, ex, "/api/archives/" + s.archive().id()));
    }

    /**
     * What the landing page shows. {@code base} is where its files and export are fetched: the API for people who see
     * the archive as themselves, {@code /a/<token>} for a link's visitors, who get counts of re-runs but not who ran them.
     */
    Map<String, Object> landingModel(ArchiveAccess.Seen s, Exchange ex, String base) throws IOException {
        Archive a = s.archive();
        List<Archives.FileInfo> files = archives.files(a);
        List<Map<String, Object>> notebooks = new ArrayList<>();
        Optional<String> unreadable = Optional.empty();
        for (Archives.FileInfo f : files) {
            if (f.path().startsWith("data/outputs/") && f.path().endsWith(".ipynb") && !a.damaged()) {
                try {
                    byte[] bytes = archives.readVerified(a, f.path());
                    notebooks.add(Map.of("name", f.path().substring("data/outputs/".length()),
                            "view", NotebookView.render(new ByteArrayInputStream(bytes))));
                } catch (HttpError damaged) {
                    unreadable = Optional.of(damaged.getMessage());
                    break;
                }
            }
        }
        Archive now = archives.store().byId(a.id()).orElse(a);
        boolean visitor = s.level() == ArchiveAccess.Level.LINK;
        Map<String, Object> model = new HashMap<>();
        model.put("a", now);
        model.put("base", base);
        model.put("visitor", visitor);
        model.put("files", files.stream().map(f -> Map.of("path", f.path(), "size", org.labhub.files.Sizes.human(f.size()), "sha256", f.sha256(),
                "url", base + "/files/" + f.path())).toList());
        model.put("notebooks", notebooks);
        model.put("unreadable", unreadable.orElse(""));
        List<ArchiveRuns.ArchiveRun> history = runs.of(a.id());
        model.put("runs", visitor ? List.of() : history);
        model.put("runCounts", counts(history));
        model.put("citation", citation(now, ex));
        model.put("year", now.createdAt().atZone(ZoneOffset.UTC).getYear());
        model.put("owner", s.mayManage());
        model.put("mayRerun", s.mayRerun() && !ex.principal().isAnonymous());
        model.put("access", s.level().id());
        model.put("grants", s.mayManage() ? sharing.grants(s) : List.of());
        List<ArchiveShareStore.Link> links = s.mayManage() ? sharing.links(s) : List.of();
        model.put("links", links);
        model.put("endedLinks", links.stream().filter(sharing::ended).map(ArchiveShareStore.Link::id).toList());
        model.put("newLink", null);
        model.put("linkUntil", null);
        model.put("linkError", null);
        model.put("shareError", "");
        model.put("shareWith", "");
        model.put("shareKind", "user");
        return model;
    }

    /** How many re-runs ended how, for visitors who may not see who ran them. */
    private static Map<String, Long> counts(List<ArchiveRuns.ArchiveRun> history) {
        Map<String, Long> m = new LinkedHashMap<>();
        for (String state : List.of("running", "identical", "differs", "errored", "failed")) {
            m.put(state, 0L);
        }
        m.put("total", (long) history.size());
        for (ArchiveRuns.ArchiveRun r : history) {
            m.merge(r.state(), 1L, Long::sum);
        }
        return m;
    }

    /** "Author(s) (year). Title. labhub archive <id>. <url>" */
    String citation(Archive a, Exchange ex) {
        String authors = a.authors().isEmpty() ? a.owner() : a.authors().size() <= 2 ? String.join(" & ", a.authors())
                : String.join(", ", a.authors().subList(0, a.authors().size() - 1)) + " & " + a.authors().get(a.authors().size() - 1);
        String base = publicUrl.orElse(ex.ownOrigin());
        return authors + " (" + a.createdAt().atZone(ZoneOffset.UTC).getYear() + "). " + a.title() + ". labhub archive " + a.id()
                + ". " + base + "/archives/" + a.id();
    }

    // ---- the Share card's forms ----

    private void grant(Exchange ex) throws IOException {
        ArchiveAccess.Seen s = access.manage(ex.pathParam("archive"), ex.principal());
        String kind = ex.formValue("kind").isEmpty() ? "user" : ex.formValue("kind");
        String with = ex.formValue("with").trim();
        ArchiveShareStore.Grant g;
        try {
            g = sharing.grant(s, ArchiveSharingApi.actor(ex), kind, with);
        } catch (HttpError e) {
            Map<String, Object> model = landingModel(s, ex, "/api/archives/" + s.archive().id());
            model.put("shareError", e.getMessage().substring(0, 1).toUpperCase() + e.getMessage().substring(1) + ".");
            model.put("shareWith", with);
            model.put("shareKind", kind);
            pages.render(ex, e.status(), "archive", model);
            return;
        }
        pages.flash().success(ex, "Shared with " + g.kind() + " " + g.with() + ".");
        ex.redirect("/archives/" + s.archive().id() + "#share-h");
    }

    private void setPublic(Exchange ex) {
        ArchiveAccess.Seen s = access.manage(ex.pathParam("archive"), ex.principal());
        String value = ex.formValue("public");
        if (!value.equals("true") && !value.equals("false")) {
            throw HttpError.badRequest("public: true or false");
        }
        boolean open = sharing.setPublic(s, ArchiveSharingApi.actor(ex), value.equals("true")).publicAccess();
        pages.flash().success(ex, open ? "The archive is public: every user finds it, and anyone with its address may read it."
                : "The archive is no longer public.");
        ex.redirect("/archives/" + s.archive().id() + "#public-h");
    }

    private void ungrant(Exchange ex) {
        ArchiveAccess.Seen s = access.manage(ex.pathParam("archive"), ex.principal());
        long id = ArchiveSharingApi.id(ex, "grant");
        String who = sharing.grants(s).stream().filter(g -> g.id() == id).map(g -> g.kind() + " " + g.with()).findFirst().orElse("");
        sharing.ungrant(s, ArchiveSharingApi.actor(ex), id);
        pages.flash().success(ex, "No longer shared with " + who + ".");
        ex.redirect("/archives/" + s.archive().id() + "#share-h");
    }

    private void delete(Exchange ex) throws IOException {
        ArchiveAccess.Seen s = access.manage(ex.pathParam("archive"), ex.principal());
        try {
            deletion.delete(s, ex.principal().name(), ex.clientAddress());
        } catch (HttpError e) {
            pages.flash().error(ex, e.getMessage());
            ex.redirect("/archives/" + s.archive().id() + "#delete-h");
            return;
        }
        pages.flash().success(ex, "Deleted \u201c" + s.archive().title() + "\u201d.");
        ex.redirect("/archives");
    }

    private void link(Exchange ex) throws IOException {
        ArchiveAccess.Seen s = access.manage(ex.pathParam("archive"), ex.principal());
        String base = "/api/archives/" + s.archive().id();
        ArchiveSharing.CreatedLink c;
        try {
            c = sharing.createLink(s, ArchiveSharingApi.actor(ex), ex.formValue("label"), Optional.of(ex.formValue("password")),
                    Optional.of(ex.formValue("expires")).filter(e -> !e.isBlank()).map(Expiry::parse));
        } catch (HttpError e) {
            Map<String, Object> model = landingModel(s, ex, base);
            model.put("linkError", e.getMessage().substring(0, 1).toUpperCase() + e.getMessage().substring(1) + ".");
            pages.render(ex, e.status(), "archive", model);
            return;
        }
        // Shown on this answer only (the catalog keeps the token's hash): a page, not a redirect.
        Map<String, Object> model = landingModel(s, ex, base);
        model.put("newLink", publicUrl.orElse(ex.ownOrigin()) + c.url());
        model.put("newLinkId", c.link().id());
        ex.setHeader("Cache-Control", "no-store");
        pages.render(ex, 201, "archive", model);
    }

    private void unlink(Exchange ex) {
        ArchiveAccess.Seen s = access.manage(ex.pathParam("archive"), ex.principal());
        sharing.revokeLink(s, ArchiveSharingApi.actor(ex), ArchiveSharingApi.id(ex, "link"));
        pages.flash().success(ex, "Link revoked: its address no longer opens this archive.");
        ex.redirect("/archives/" + s.archive().id() + "#share-h");
    }

    private void report(Exchange ex) {
        Archive a = access.see(ex.pathParam("archive"), ex.principal()).archive();
        long id = ArchivesApi.runId(ex);
        ArchiveRuns.ArchiveRun run = runs.byId(a.id(), id).orElseThrow(() -> HttpError.notFound("this archive has no re-run " + id));
        List<Map<String, Object>> notebooks = new ArrayList<>();
        String[] ranImage = {""};
        runs.report(a.id(), id).ifPresent(json -> {
            JsonNode r = Json.MAPPER.readTree(json);
            ranImage[0] = r.path("ran_image_digest").asString("");
            for (JsonNode nb : r.path("notebooks")) {
                List<Map<String, Object>> cells = new ArrayList<>();
                for (JsonNode c : nb.path("cells")) {
                    Map<String, Object> cell = new LinkedHashMap<>();
                    cell.put("index", c.path("index").asInt());
                    cell.put("status", c.path("status").asString("").toLowerCase());
                    cell.put("diff", c.path("diff").asString(""));
                    cell.put("error", c.path("error").asString(""));
                    cells.add(cell);
                }
                notebooks.add(Map.of("name", nb.path("notebook").asString(""), "cells", cells));
            }
        });
        pages.render(ex, "archive-report", Map.of("a", a, "run", run, "notebooks", notebooks, "ranImage", ranImage[0]));
    }
}
