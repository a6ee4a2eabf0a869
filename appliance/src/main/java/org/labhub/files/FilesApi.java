package org.labhub.files;

import static org.labhub.files.FileRequests.io;
import static org.labhub.files.FileRequests.real;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.labhub.auth.Scope;
import org.labhub.storage.Entry;
import org.labhub.storage.FileError;
import org.labhub.storage.FileStore;
import org.labhub.storage.Location;
import org.labhub.storage.TrashItem;
import org.labhub.storage.Upload;
import org.labhub.web.Access;
import org.labhub.web.Exchange;
import org.labhub.web.HttpError;
import org.labhub.web.Routes;

/**
 * Users' files in the JSON API, one URL per item: {@code /api/files/<user>/<path>}. GET reads (a folder as a
 * listing or a zip, a file as its bytes or its metadata), PUT writes a file, POST acts on an item (mkdir, rename,
 * move, copy, extract a zip), DELETE moves it to the trash. Who may do what comes from {@link FileNamespace}.
 */
public final class FilesApi implements Routes.Provider {
    private static final int BUFFER = 64 * 1024;

    private final FileStore files;
    private final FileRequests requests;
    private final FileDownload download;
    private final ZipDownload zip;
    private final ZipExtract extract;

    public FilesApi(FileStore files, FileNamespace namespace) {
        this.files = files;
        this.requests = new FileRequests(namespace);
        this.download = new FileDownload(files);
        this.zip = new ZipDownload(files);
        this.extract = new ZipExtract(files, requests);
    }

    @Override
    public void register(Routes r) {
        Access files = Access.user(Scope.FILES);
        r.get("/api/files/{user}/{path*}", files, this::get,
                "Read a file or folder: a folder gives its listing (?sort=name|size|modified&order=asc|desc) or, with ?zip, "
                        + "a zip streamed as it is made; a file gives its bytes (single Range; ?download forces an attachment) "
                        + "or, with ?meta, its name, type, size, modified time and etag")
         .add("PUT", "/api/files/{user}/{path*}", files, this::put,
                "Write a file from the request body, atomically (201 created, 200 replaced; If-Match: \"etag\" or "
                        + "If-None-Match: * give 412 when they do not hold; 507 beyond the quota, with nothing left behind)")
         .post("/api/files/{user}/{path*}", files, this::act,
                "Act on a file or folder (JSON): {\"action\":\"mkdir\"}, {\"action\":\"rename\",\"name\":…}, "
                        + "{\"action\":\"move\"|\"copy\",\"to\":\"<user>/<path>\",\"overwrite\":false}, "
                        + "{\"action\":\"extract\",\"to\":\"<user>/<path>\"?} (a zip into a new folder, next to it by default; "
                        + "all or nothing: 422 naming a refused entry, 507 beyond the quota)")
         .delete("/api/files/{user}/{path*}", files, this::trash, "Move a file or folder to its owner's trash");
    }

    private void get(Exchange ex) throws IOException {
        Target t = requests.target(ex);
        if (t instanceof Target.Virtual v) {
            List<Map<String, Object>> entries = new ArrayList<>();
            for (Target.Child c : v.children()) {
                entries.add(Map.of("name", c.name(), "type", "folder", "size", 0, "modified", "", "etag", ""));
            }
            ex.json(200, Map.of("type", "folder", "writable", false, "entries", entries));
            return;
        }
        Target.Real target = real(t, Permission.READ);
        Location at = target.location();
        Entry entry = io(() -> files.stat(at)).orElseThrow(() -> HttpError.notFound("there is nothing at " + shown(at)));
        if (ex.query("meta").isPresent()) {
            ex.json(200, FileRequests.json(entry));
            return;
        }
        if (entry.isDirectory()) {
            if (ex.query("zip").isPresent()) {
                zip.send(ex, at, at.path().isRoot() ? at.owner() : entry.name());
                return;
            }
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("type", "folder");
            body.put("writable", target.may(Permission.CREATE));
            body.put("entries", listing(at, ex.query("sort").orElse("name"), ex.query("order").orElse("asc")));
            ex.json(200, body);
            return;
        }
        if (!entry.isFile()) {
            throw new HttpError(403, "symlink", shown(at) + " is a link; the hub never follows links");
        }
        download.send(ex, at, entry, ex.query("download").isPresent());
    }

    /** A folder's entries sorted as asked; folders first when sorting by name. */
    List<Map<String, Object>> listing(Location folder, String sort, String order) {
        List<Entry> entries = new ArrayList<>();
        io(() -> {
            files.list(folder, entries::add);
            return null;
        });
        entries.sort(comparator(sort, order));
        return entries.stream().map(FileRequests::json).toList();
    }

    public static Comparator<Entry> comparator(String sort, String order) {
        Comparator<Entry> byName = Comparator.comparing((Entry e) -> e.name().toLowerCase(java.util.Locale.ROOT)).thenComparing(Entry::name);
        Comparator<Entry> c = switch (sort) {
            case "name" -> byName;
            case "size" -> Comparator.comparingLong((Entry e) -> e.isFile() ? e.size() : -1).thenComparing(byName);
            case "modified" -> Comparator.comparing(Entry::modified).thenComparing(byName);
            default -> throw HttpError.badRequest("sort must be name, size or modified");
        };
        if (order.equals("desc")) {
            c = c.reversed();
        } else if (!order.equals("asc")) {
            throw HttpError.badRequest("order must be asc or desc");
        }
        Comparator<Entry> foldersFirst = Comparator.comparing(e -> !e.isDirectory());
        return foldersFirst.thenComparing(c);
    }

    private void put(Exchange ex) throws IOException {
        Target t = requests.target(ex);
        // A drop box (create only) may PUT new files without reading: the permission asked depends on what is there.
        Location at = FileRequests.location(t);
        if (at.path().isRoot()) {
            throw HttpError.badRequest("a file needs a name: PUT to /api/files/<user>/<path>");
        }
        Optional<Entry> existing = io(() -> files.stat(at));
        real(t, existing.isPresent() ? Permission.UPDATE : Permission.CREATE);
        checkPreconditions(ex, existing);
        Entry written;
        try (InputStream in = ex.bodyStream(); Upload up = io(() -> files.upload(at, ex.contentLength()))) {
            byte[] buf = new byte[BUFFER];
            for (int n; (n = in.read(buf)) > 0; ) {
                int len = n;
                io(() -> {
                    up.write(ByteBuffer.wrap(buf, 0, len));
                    return null;
                });
            }
            written = io(() -> up.commit(true));
        }
        ex.setHeader("ETag", "\"" + written.etag() + "\"");
        ex.json(existing.isPresent() ? 200 : 201, FileRequests.json(written));
    }

    static void checkPreconditions(Exchange ex, Optional<Entry> existing) {
        Optional<String> ifMatch = ex.header("If-Match");
        if (ifMatch.isPresent() && !ifMatch.get().equals("*")
                && existing.map(e -> ifMatch.get().equals("\"" + e.etag() + "\"") || ifMatch.get().equals(e.etag())).orElse(false) == false) {
            throw new HttpError(412, "precondition_failed", "the file changed since you read it (If-Match does not hold)");
        }
        if (ifMatch.filter("*"::equals).isPresent() && existing.isEmpty()) {
            throw new HttpError(412, "precondition_failed", "there is no file to replace (If-Match: *)");
        }
        if (ex.header("If-None-Match").filter("*"::equals).isPresent() && existing.isPresent()) {
            throw new HttpError(412, "precondition_failed", "a file is already there (If-None-Match: *)");
        }
    }

    /** The body of a POST on a file URL. */
    public record Action(String action, String to, String name, Boolean overwrite) {}

    private void act(Exchange ex) {
        Target t = requests.target(ex);
        Action a = ex.jsonBody(Action.class);
        String action = a.action() == null ? "" : a.action();
        boolean overwrite = Boolean.TRUE.equals(a.overwrite());
        switch (action) {
            case "mkdir" -> {
                Location at = real(t, Permission.CREATE).location();
                if (at.path().isRoot()) {
                    throw new HttpError(409, "exists", "the home folder exists");
                }
                Entry made = io(() -> files.mkdir(at));
                ex.json(201, FileRequests.json(made));
            }
            case "rename", "move", "copy" -> {
                boolean copy = action.equals("copy");
                Location from = real(t, copy ? Permission.READ : Permission.DELETE).location();
                if (from.path().isRoot()) {
                    throw HttpError.badRequest("a home folder cannot be " + (copy ? "copied" : "moved") + " as a whole");
                }
                Location to;
                Target destination = null;
                if (action.equals("rename")) {
                    if (a.name() == null) {
                        throw HttpError.badRequest("\"name\" is missing: the new name");
                    }
                    to = new Location(from.owner(), from.path().parent().resolve(FileRequests.parse(a.name())));
                    if (to.path().depth() != from.path().depth()) {
                        throw HttpError.badRequest("a new name cannot contain \"/\"; use move to change folders");
                    }
                } else {
                    Target.Real d = requests.reference(ex, a.to(), Permission.CREATE);
                    destination = d;
                    to = d.location();
                }
                if (to.path().isRoot()) {
                    throw new HttpError(409, "exists", "a home folder is already there");
                }
                Location dest = to;
                boolean existed = io(() -> files.stat(dest)).isPresent();
                if (existed && overwrite) {
                    real(destination == null ? t : destination, Permission.UPDATE); // replacing is changing what is there
                }
                io(() -> {
                    if (copy) {
                        files.copy(from, dest, overwrite, true);
                    } else {
                        files.move(from, dest, overwrite);
                    }
                    return null;
                });
                Entry now = io(() -> files.stat(dest)).orElseThrow(() -> HttpError.notFound("the result is gone already"));
                Map<String, Object> body = new LinkedHashMap<>(FileRequests.json(now));
                body.put("path", dest.owner() + "/" + dest.path());
                ex.json(existed ? 200 : 201, body);
            }
            case "extract" -> extract.run(ex, t, a.to());
            default -> throw HttpError.badRequest("\"action\" must be mkdir, rename, move, copy or extract");
        }
    }

    private void trash(Exchange ex) {
        Location at = real(requests.target(ex), Permission.DELETE).location();
        if (at.path().isRoot()) {
            throw HttpError.badRequest("a home folder cannot be deleted");
        }
        TrashItem item = io(() -> files.trash(at));
        ex.json(200, TrashApi.json(item));
    }

    static String shown(Location at) {
        return "/" + at.owner() + "/" + at.path();
    }

    static FileError notFound(Location at) {
        return new FileError(FileError.Reason.NOT_FOUND, "there is nothing at " + shown(at));
    }
}
