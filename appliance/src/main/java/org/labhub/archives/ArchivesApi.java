package org.labhub.archives;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.FileAlreadyExistsException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.labhub.audit.AuditLog;
import org.labhub.auth.Principal;
import org.labhub.auth.Scope;
import org.labhub.storage.FileStore;
import org.labhub.web.Access;
import org.labhub.web.Exchange;
import org.labhub.web.HttpError;
import org.labhub.web.Routes;

/**
 * {@code /api/archives…}: preserve, list, read (every byte verified), export, import, re-run, reports. Who sees an
 * archive is {@link ArchiveAccess}'s answer, asked first by every handler; everyone else gets a 404.
 */
public final class ArchivesApi implements Routes.Provider {
    private final Archives archives;
    private final ArchiveAccess access;
    private final Preserve preserve;
    private final Rerun rerun;
    private final ArchiveRuns runs;
    private final ArchiveImport importer;
    private final FileStore files;
    private final AuditLog audit;
    private final ArchiveDeletion deletion;
    private final ArchiveSharing sharing;

    public ArchivesApi(Archives archives, ArchiveAccess access, Preserve preserve, Rerun rerun, ArchiveRuns runs, ArchiveImport importer,
                       FileStore files, AuditLog audit, ArchiveDeletion deletion, ArchiveSharing sharing) {
        this.archives = archives;
        this.access = access;
        this.preserve = preserve;
        this.rerun = rerun;
        this.runs = runs;
        this.importer = importer;
        this.files = files;
        this.audit = audit;
        this.deletion = deletion;
        this.sharing = sharing;
    }

    @Override
    public void register(Routes r) {
        r.get("/api/archives", Access.user(Scope.READ), this::list,
                "The caller's archives, those shared with them or their groups, and public ones (admins: all); each says the "
                + "caller's \"access\": owner, shared, public or admin")
         .post("/api/archives", Access.user(Scope.FILES), this::create,
                 "Preserve a notebook or folder of the caller's: path, environment, profile, title, description, authors, license, "
                 + "keywords, by_reference, does_not_run; 202 with the status URL of the preservation")
         .get("/api/preserves/{task}", Access.user(Scope.READ), this::task,
                 "A preservation's state, log and image export progress; 422 with the failing cell when a notebook did not run clean")
         .post("/api/archives/import", Access.user(Scope.FILES), this::importArchive,
                 "Import an archive (the tar that export writes, optionally gzipped) into the caller's archives; checked before it becomes visible")
         .post("/api/archives/scrub", Access.admin(Scope.ADMIN), this::scrub, "Check every archive in full now (the scrub also runs on its own)")
         .get("/api/archives/{archive}", Access.anyone(), this::get,
                 "An archive's metadata, files with checksums, integrity and re-runs; \"access\" says why the caller sees it "
                 + "(owner, admin, shared, public)")
         .patch("/api/archives/{archive}", Access.user(Scope.FILES), this::patch, "Owner or admin: make an archive public or private ({\"public\": true})")
         .delete("/api/archives/{archive}", Access.user(Scope.FILES), this::delete,
                 "Owner or admin: delete an archive for good (its files, re-runs, grants and links; its address and citation stop "
                         + "working); 409 while it is being re-run")
         .get("/api/archives/{archive}/files/{path*}", Access.anyone(), this::file,
                 "One file of the archive (data/…), verified against its checksum as it is read; never served when it does not match")
         .get("/api/archives/{archive}/export", Access.anyone(), this::export, "The whole archive as one tar (the bag under <id>/), verified as it streams")
         .post("/api/archives/{archive}/rerun", Access.user(Scope.SERVERS), this::rerun,
                 "Re-run the archive in its recorded image and compare every cell ({\"tolerance\": 1e-6} for numbers); 202 with the report URL")
         .get("/api/archives/{archive}/runs/{run}", Access.anyone(), this::report, "A re-run's reproducibility report");
    }

    record Body(String path, String environment, String profile, String title, String description, List<String> authors,
                String license, List<String> keywords, Boolean byReference, Boolean doesNotRun) {}

    private void list(Exchange ex) {
        ex.json(200, access.listed(ex.principal()).stream().map(s -> {
            Map<String, Object> m = summary(s.archive());
            m.put("access", s.level().id());
            return m;
        }).toList());
    }

    static Map<String, Object> summary(Archive a) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", a.id());
        m.put("url", "/archives/" + a.id());
        m.put("owner", a.owner());
        m.put("title", a.title());
        m.put("description", a.description());
        m.put("authors", a.authors());
        m.put("license", a.license());
        m.put("keywords", a.keywords());
        m.put("environment", a.environment());
        m.put("image_id", a.imageId());
        m.put("image_digest", a.imageDigest());
        m.put("by_reference", a.byReference());
        m.put("does_not_run", a.doesNotRun());
        m.put("public", a.publicAccess());
        m.put("created", a.createdAt());
        m.put("size_bytes", a.sizeBytes());
        m.put("state", a.state());
        m.put("checked", a.checkedAt().orElse(null));
        m.put("problem", a.problem());
        return m;
    }

    private void create(Exchange ex) throws IOException {
        Body b = ex.jsonBody(Body.class);
        PreserveTask t = preserve.start(ex.principal().name(), new PreserveRequest(b.path(), b.environment(), b.profile(), b.title(),
                b.description(), b.authors(), b.license(), b.keywords(), Boolean.TRUE.equals(b.byReference()), Boolean.TRUE.equals(b.doesNotRun())));
        ex.setHeader("Location", "/api/preserves/" + t.id());
        ex.json(202, Map.of("task", t.id(), "status", "/api/preserves/" + t.id(), "state", t.state().name().toLowerCase()));
    }

    private void task(Exchange ex) {
        Principal p = ex.principal();
        PreserveTask t = preserve.task(ex.pathParam("task"), p.name(), p.isAdmin());
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("task", t.id());
        m.put("state", t.state().name().toLowerCase());
        m.put("started", t.started());
        m.put("exported_bytes", t.exportedBytes());
        m.put("image_bytes", t.imageBytes());
        m.put("message", t.message());
        t.archiveId().ifPresent(id -> {
            m.put("archive", id);
            m.put("url", "/archives/" + id);
        });
        t.failure().ifPresent(f -> m.put("failure", Map.of("notebook", t.failedNotebook().orElse(""), "cell_index", f.cellIndex(),
                "error_name", f.errorName(), "error_value", f.errorValue())));
        m.put("log", t.log());
        ex.json(t.failure().isPresent() ? 422 : 200, m);
    }

    private void get(Exchange ex) throws IOException {
        ArchiveAccess.Seen seen = access.see(ex.pathParam("archive"), ex.principal());
        Archive a = seen.archive();
        Map<String, Object> m = summary(a);
        m.put("access", seen.level().id());
        m.put("files", archives.files(a));
        m.put("runs", runs.of(a.id()));
        ex.json(200, m);
    }

    private void patch(Exchange ex) {
        ArchiveAccess.Seen s = access.manage(ex.pathParam("archive"), ex.principal());
        @SuppressWarnings("unchecked")
        Map<String, Object> body = ex.jsonBody(Map.class);
        Object open = body.get("public");
        if (!(open instanceof Boolean)) {
            throw HttpError.badRequest("public: true or false");
        }
        ex.json(200, summary(sharing.setPublic(s, ArchiveSharingApi.actor(ex), (Boolean) open)));
    }

    private void delete(Exchange ex) throws IOException {
        deletion.delete(access.manage(ex.pathParam("archive"), ex.principal()), ex.principal().name(), ex.clientAddress());
        ex.noContent();
    }

    private void file(Exchange ex) throws IOException {
        sendFile(archives, access.see(ex.pathParam("archive"), ex.principal()).archive(), ex.decodedPathParam("path"), ex);
    }

    private void export(Exchange ex) throws IOException {
        sendExport(archives, access.see(ex.pathParam("archive"), ex.principal()).archive(), ex);
    }

    /** One payload file, verified as it goes (the caller has passed {@link ArchiveAccess}). */
    static void sendFile(Archives archives, Archive a, String path, Exchange ex) throws IOException {
        Archives.FileInfo info = archives.files(a).stream().filter(f -> f.path().equals(path)).findFirst()
                .orElseThrow(() -> HttpError.notFound("the archive has no file " + path));
        String name = path.substring(path.lastIndexOf('/') + 1);
        ex.setHeader("Content-Disposition", "attachment; filename*=UTF-8''" + java.net.URLEncoder.encode(name, java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20"));
        ex.setHeader("X-Content-Type-Options", "nosniff");
        ex.setHeader("Digest", "sha-256=" + java.util.Base64.getEncoder().encodeToString(java.util.HexFormat.of().parseHex(info.sha256())));
        archives.stream(a, path, info.size(), new Archives.OutputStreamOpener() {
            @Override
            public OutputStream open(long length) {
                return ex.stream(200, "application/octet-stream", length);
            }

            @Override
            public void abort(Throwable cause) {
                ex.abortStream(cause);
            }
        });
    }

    /** The whole bag as one tar, verified as it streams (the caller has passed {@link ArchiveAccess}). */
    static void sendExport(Archives archives, Archive a, Exchange ex) throws IOException {
        ex.setHeader("Content-Disposition", "attachment; filename=\"labhub-archive-" + a.id() + ".tar\"");
        OutputStream out = ex.stream(200, "application/x-tar", -1);
        try {
            ArchiveTar.write(archives.store().bag(a.id()), a.id(), a.createdAt(), out);
            out.close();
        } catch (VerifyingInputStream.Tampered t) {
            archives.tampered(a, t, "export");
            ex.abortStream(t);
        } catch (java.io.EOFException clientGone) {
            ex.abortStream(clientGone);
        }
    }

    private void importArchive(Exchange ex) throws IOException {
        String owner = ex.principal().name();
        long free = files.usage(owner).freeBytes();
        long left = free == Long.MAX_VALUE ? free : Math.max(0, free - archives.store().bytesOf(owner));
        ArchiveImport.Staged s = importer.unpack(ex.bodyStream(), ex.contentLength(), left);
        try {
            if (archives.store().byId(s.id()).isPresent()) {
                throw HttpError.conflict("this archive (" + s.id() + ") is in this hub already");
            }
            Archive a = ImportedMetadata.archive(s, owner, Instant.now());
            try {
                archives.store().commit(s.bag(), s.id());
            } catch (FileAlreadyExistsException e) {
                throw HttpError.conflict("this archive (" + s.id() + ") is in this hub already");
            }
            archives.store().insert(a);
            audit.record(owner, "archive.import", a.id(), AuditLog.Outcome.OK, ex.clientAddress(), a.title());
            ex.setHeader("Location", "/archives/" + a.id());
            ex.json(201, summary(a));
        } finally {
            ArchiveStore.deleteTree(s.staging());
        }
    }

    private void scrub(Exchange ex) {
        ex.json(200, archives.scrub());
    }

    private void rerun(Exchange ex) {
        ArchiveAccess.Seen seen = access.see(ex.pathParam("archive"), ex.principal());
        if (!seen.mayRerun()) {
            throw HttpError.forbidden("a link's visitors may look and download, not re-run");
        }
        Archive a = seen.archive();
        Optional<Double> tolerance = Optional.empty();
        if (ex.contentLength() != 0) {
            @SuppressWarnings("unchecked")
            Map<String, Object> body = ex.jsonBody(Map.class);
            Object t = body.get("tolerance");
            if (t != null && !(t instanceof Number)) {
                throw HttpError.badRequest("tolerance: a number, such as 1e-6");
            }
            tolerance = Optional.ofNullable(t).map(n -> ((Number) n).doubleValue());
        }
        long id = rerun.start(a, ex.principal().name(), tolerance);
        String url = "/api/archives/" + a.id() + "/runs/" + id;
        ex.setHeader("Location", url);
        ex.json(202, Map.of("run", id, "report", url, "page", "/archives/" + a.id() + "/runs/" + id));
    }

    private void report(Exchange ex) {
        Archive a = access.see(ex.pathParam("archive"), ex.principal()).archive();
        long id = runId(ex);
        ArchiveRuns.ArchiveRun run = runs.byId(a.id(), id).orElseThrow(() -> HttpError.notFound("this archive has no re-run " + id));
        Optional<String> report = runs.report(a.id(), id);
        if (report.isPresent()) {
            ex.send(200, "application/json", report.get());
        } else {
            ex.json(200, run);
        }
    }

    static long runId(Exchange ex) {
        try {
            return Long.parseLong(ex.pathParam("run"));
        } catch (NumberFormatException e) {
            throw HttpError.notFound("there is no re-run " + ex.pathParam("run"));
        }
    }
}
