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
import org.labhub.web.Access;
import org.labhub.web.Exchange;
import org.labhub.web.HttpError;
import org.labhub.web.Json;
import org.labhub.web.Pages;
import org.labhub.web.Routes;
import tools.jackson.databind.JsonNode;

/** The archive list, each archive's landing page (with a citation line) and each re-run's report page. */
public final class ArchivePages implements Routes.Provider {
    private final Archives archives;
    private final ArchiveRuns runs;
    private final Pages pages;
    private final Optional<String> publicUrl;

    public ArchivePages(Archives archives, ArchiveRuns runs, Pages pages, Optional<String> publicUrl) {
        this.archives = archives;
        this.runs = runs;
        this.pages = pages;
        this.publicUrl = publicUrl;
    }

    @Override
    public void register(Routes r) {
        r.get("/archives", Access.user(Scope.READ), this::list, "Page: the caller's archives")
         .get("/archives/{archive}", Access.anyone(), this::landing, "Page: an archive's landing page")
         .get("/archives/{archive}/runs/{run}", Access.anyone(), this::report, "Page: a re-run's reproducibility report");
    }

    private void list(Exchange ex) {
        pages.render(ex, "archives", Map.of("archives", archives.visibleTo(ex.principal())));
    }

    private void landing(Exchange ex) throws IOException {
        Archive a = archives.visible(ex.pathParam("archive"), ex.principal());
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
        Map<String, Object> model = new HashMap<>();
        model.put("a", now);
        model.put("files", files.stream().map(f -> Map.of("path", f.path(), "size", org.labhub.files.Sizes.human(f.size()), "sha256", f.sha256(),
                "url", "/api/archives/" + a.id() + "/files/" + f.path())).toList());
        model.put("notebooks", notebooks);
        model.put("unreadable", unreadable.orElse(""));
        model.put("runs", runs.of(a.id()));
        model.put("citation", citation(now, ex));
        model.put("year", now.createdAt().atZone(ZoneOffset.UTC).getYear());
        model.put("owner", ex.principal().isAdmin() || (!ex.principal().isAnonymous() && ex.principal().name().equals(a.owner())));
        pages.render(ex, "archive", model);
    }

    /** "Author(s) (year). Title. labhub archive <id>. <url>" */
    String citation(Archive a, Exchange ex) {
        String authors = a.authors().isEmpty() ? a.owner() : a.authors().size() <= 2 ? String.join(" & ", a.authors())
                : String.join(", ", a.authors().subList(0, a.authors().size() - 1)) + " & " + a.authors().get(a.authors().size() - 1);
        String base = publicUrl.orElse(ex.ownOrigin());
        return authors + " (" + a.createdAt().atZone(ZoneOffset.UTC).getYear() + "). " + a.title() + ". labhub archive " + a.id()
                + ". " + base + "/archives/" + a.id();
    }

    private void report(Exchange ex) {
        Archive a = archives.visible(ex.pathParam("archive"), ex.principal());
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
