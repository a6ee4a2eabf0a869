package org.labhub.shares;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.labhub.files.FileDownload;
import org.labhub.files.FilesPages;
import org.labhub.files.Permission;
import org.labhub.files.SafeContent;
import org.labhub.files.Sizes;
import org.labhub.files.ZipDownload;
import org.labhub.storage.Entry;
import org.labhub.storage.FileError;
import org.labhub.storage.FileStore;
import org.labhub.storage.Location;
import org.labhub.storage.RelPath;
import org.labhub.storage.Upload;
import org.labhub.web.Access;
import org.labhub.web.Endpoint;
import org.labhub.web.Exchange;
import org.labhub.web.HttpError;
import org.labhub.web.Pages;
import org.labhub.web.Routes;

/**
 * {@code /s/<token>/…}: a public link for anonymous visitors. A folder is a listing (breadcrumbs from the shared item,
 * never above it), a file a preview, a drop box an upload area that never lists; behind a password, only the password
 * form. The same URL takes the visitor's writes as far as the link allows: PUT uploads, POST makes a folder, DELETE
 * moves to the owner's trash. Files go out through {@link SafeContent} like everywhere else. The link's WebDAV
 * ({@code /s/<token>/dav/…}) is registered first, so its prefix wins over a page path.
 */
public final class PublicLinkPages implements Routes.Provider {
    private static final int BUFFER = 64 * 1024;
    /** How many " (n)" suffixes a drop box tries before it gives up on a name. */
    private static final int MAX_SUFFIX = 1000;

    private final PublicLinks links;
    private final FileStore files;
    private final Pages pages;
    private final Routes.Provider dav;
    private final FileDownload download;
    private final ZipDownload zip;

    public PublicLinkPages(PublicLinks links, FileStore files, Pages pages, Routes.Provider linkDav) {
        this.links = links;
        this.files = files;
        this.pages = pages;
        this.dav = linkDav;
        this.download = new FileDownload(files);
        this.zip = new ZipDownload(files);
    }

    @Override
    public void register(Routes r) {
        dav.register(r);
        Access anyone = Access.anyone();
        r.post("/s/{token}", anyone, this::unlock,
                "Public link: unlock a password-protected link (form: password, next); sets the labhub_link cookie for /s/<token> "
                        + "and redirects (303) back; 401 for a wrong password, 429 with Retry-After while guessing is throttled")
         .get("/s/{token}/{path*}", anyone, this::view,
                "Public link: the shared item as a page (a folder's listing with ?sort=name|size|modified&order=asc|desc, a file's "
                        + "preview, a drop box's upload area, or the password form); ?download gives a file as an attachment, ?raw "
                        + "inline (images and plain text only), ?zip a folder as a streamed zip")
         .add("PUT", "/s/{token}/{path*}", anyone, json(this::upload),
                "Public link: upload a file (body streamed; needs create). A drop box never overwrites: a taken name gets a suffix "
                        + "(\"report (2).pdf\"), and the answer names the file as stored; a read-write link replaces. 507 when the "
                        + "owner's quota is full, with nothing left behind")
         .post("/s/{token}/{path*}", anyone, json(this::act),
                "Public link: {\"action\":\"mkdir\"} makes a folder at the path (needs create)")
         .delete("/s/{token}/{path*}", anyone, json(this::delete),
                "Public link: move a file or folder inside the link to its owner's trash (read-write links)");
    }

    /** One request's view of a link: the link, the shared item, and the place and permissions the path names. */
    private record Visit(String token, PublicLinks.Link link, Entry item, RelPath path, Location at, Set<Permission> held) {
        boolean may(Permission p) {
            return held.contains(p);
        }

        boolean isDropBox() {
            return item.isDirectory() && !held.contains(Permission.READ) && held.contains(Permission.CREATE);
        }

        Location need(Permission p) {
            if (!may(p)) {
                throw HttpError.forbidden(switch (p) {
                    case READ -> isDropBox() ? "this link takes uploads only; nothing in it can be seen" : "this link shows nothing here";
                    case CREATE -> "this link does not take uploads";
                    case UPDATE -> "this link does not let you replace files";
                    case DELETE -> "this link does not let you delete " + (path.isRoot() ? "the shared item itself" : "anything");
                    case RESHARE -> "links cannot be reshared";
                });
            }
            return at;
        }

        String base() {
            return "/s/" + token;
        }
    }

    /** Opens the link with the browser's unlock cookie, checks the path, and works out what the visitor may do there. */
    private Visit visit(Exchange ex) {
        String token = ex.pathParam("token");
        PublicLinks.Link link = links.open(token, Optional.empty(), ex.cookie(PublicLinks.UNLOCK_COOKIE), ex.clientAddress());
        RelPath path = path(ex);
        Entry item = io(() -> files.stat(link.location())).filter(e -> e.isFile() || e.isDirectory())
                .orElseThrow(() -> HttpError.notFound("there is no such link, or it has expired"));
        if (item.isFile() && !path.isRoot()) {
            throw HttpError.notFound("this link is one file; there is nothing inside it");
        }
        Set<Permission> held = EnumSet.noneOf(Permission.class);
        held.addAll(link.permissions());
        if (item.isFile()) {
            held.retainAll(EnumSet.of(Permission.READ)); // a file link is for reading; writes go into folders
        } else if (path.isRoot()) {
            held.remove(Permission.DELETE); // the shared folder itself is not the visitor's to delete
        }
        Location at = new Location(link.location().owner(), link.location().path().resolve(path));
        return new Visit(token, link, item, path, at, held);
    }

    private static RelPath path(Exchange ex) {
        String raw = ex.decodedPathParam("path");
        try {
            return RelPath.parse(raw);
        } catch (RelPath.BadPath e) {
            throw HttpError.badRequest(e.getMessage());
        }
    }

    // ---- the page ----

    private void view(Exchange ex) throws IOException {
        Visit v;
        try {
            v = visit(ex);
        } catch (HttpError e) {
            if (e.status() == 401) {
                passwordForm(ex, 401, "");
                return;
            }
            throw e;
        }
        ex.setHeader("Cache-Control", "private, no-store");
        ex.setHeader("X-Robots-Tag", "noindex, nofollow");
        Map<String, Object> model = new HashMap<>();
        model.put("token", v.token());
        model.put("base", v.base());
        model.put("shareName", v.link().share().name());
        model.put("owner", v.link().share().owner());
        model.put("expires", v.link().share().expiresAt().orElse(null));
        model.put("relpath", v.path().toString());
        model.put("writable", v.may(Permission.CREATE));
        model.put("deletable", v.may(Permission.DELETE) || (v.item().isDirectory() && v.link().permissions().contains(Permission.DELETE)));
        if (v.isDropBox()) {
            if (!v.path().isRoot() || ex.query("zip").isPresent() || ex.query("download").isPresent() || ex.query("raw").isPresent()) {
                v.need(Permission.READ);
            }
            model.put("mode", "dropbox");
            model.put("title", v.link().share().name());
            pages.render(ex, "link", model);
            return;
        }
        v.need(Permission.READ);
        Entry here = io(() -> files.stat(v.at())).filter(e -> e.isFile() || e.isDirectory())
                .orElseThrow(() -> HttpError.notFound("there is nothing at /" + v.path() + " in this link"));
        String name = v.path().isRoot() ? v.link().share().name() : v.path().name();
        if (here.isDirectory()) {
            if (ex.query("zip").isPresent()) {
                zip.send(ex, v.at(), name);
                return;
            }
            folder(ex, v, model);
            return;
        }
        if (ex.query("download").isPresent() || ex.query("raw").isPresent()) {
            download.send(ex, v.at(), here, ex.query("download").isPresent());
            return;
        }
        String url = pageUrl(v, v.path());
        model.put("mode", "file");
        model.put("title", name);
        model.put("file", name);
        model.put("crumbs", crumbs(v));
        model.put("size", Sizes.human(here.size()));
        model.put("modified", Sizes.when(here.modified()));
        model.put("downloadUrl", url + "?download");
        model.put("rawUrl", url + "?raw");
        String kind = "none";
        if (SafeContent.isImage(name)) {
            kind = "image";
        } else if (SafeContent.isText(name)) {
            kind = "text";
            model.put("text", head(v.at()));
            model.put("truncated", here.size() > FilesPages.PREVIEW_BYTES);
        }
        model.put("kind", kind);
        pages.render(ex, "link", model);
    }

    /** One row of a folder's table. */
    public record Row(String name, String type, String size, String modified, String url) {}

    private void folder(Exchange ex, Visit v, Map<String, Object> model) throws IOException {
        String sort = ex.query("sort").orElse("name");
        String order = ex.query("order").orElse("asc");
        List<Entry> entries = new ArrayList<>();
        io(() -> {
            files.list(v.at(), e -> {
                if (e.isFile() || e.isDirectory()) {
                    entries.add(e); // links and devices are neither followed nor shown to visitors
                }
            });
            return null;
        });
        entries.sort(org.labhub.files.FilesApi.comparator(sort, order));
        List<Row> rows = new ArrayList<>();
        for (Entry e : entries) {
            String url = pageUrl(v, v.path().child(e.name()));
            rows.add(new Row(e.name(), e.isDirectory() ? "folder" : "file", e.isFile() ? Sizes.human(e.size()) : "—",
                    Sizes.when(e.modified()), e.isDirectory() ? url + "/" : url));
        }
        String here = pageUrl(v, v.path()) + "/";
        List<FilesPages.Column> columns = new ArrayList<>();
        for (String[] c : new String[][] {{"name", "Name"}, {"size", "Size"}, {"modified", "Modified"}}) {
            boolean current = c[0].equals(sort);
            String next = current && order.equals("asc") ? "desc" : "asc";
            columns.add(new FilesPages.Column(c[1], here + "?sort=" + c[0] + "&order=" + next,
                    current ? (order.equals("asc") ? "ascending" : "descending") : "none"));
        }
        model.put("mode", "folder");
        model.put("title", v.path().isRoot() ? v.link().share().name() : v.path().name());
        model.put("crumbs", crumbs(v));
        model.put("rows", rows);
        model.put("columns", columns);
        model.put("zipUrl", here + "?zip");
        pages.render(ex, "link", model);
    }

    /** The crumbs from the shared item (shown under its share name) down to here; nothing above the item. */
    private static List<FilesPages.Crumb> crumbs(Visit v) {
        List<FilesPages.Crumb> crumbs = new ArrayList<>();
        crumbs.add(new FilesPages.Crumb(v.link().share().name(), v.base() + (v.item().isDirectory() ? "/" : "")));
        RelPath p = RelPath.ROOT;
        for (String n : v.path().names()) {
            p = p.child(n);
            crumbs.add(new FilesPages.Crumb(n, pageUrl(v, p) + "/"));
        }
        return crumbs;
    }

    private static String pageUrl(Visit v, RelPath p) {
        return v.base() + FilesPages.encPath(p);
    }

    /** The first megabyte of a file as text (a cut character at the end becomes U+FFFD). */
    private String head(Location at) throws IOException {
        try (FileChannel in = files.openRead(at)) {
            ByteBuffer buf = ByteBuffer.allocate((int) Math.min(FilesPages.PREVIEW_BYTES, in.size()));
            while (buf.hasRemaining() && in.read(buf) > 0) {
                // read until full or end of file
            }
            return new String(buf.array(), 0, buf.position(), StandardCharsets.UTF_8);
        }
    }

    // ---- the password ----

    private void passwordForm(Exchange ex, int status, String error) {
        ex.setHeader("Cache-Control", "private, no-store");
        ex.setHeader("X-Robots-Tag", "noindex, nofollow");
        // Only what the visitor already has: the URL. Nothing of the item, not even whether it is a file or a folder.
        pages.render(ex, status, "link-password", Map.of("token", ex.pathParam("token"), "next", ex.path(), "error", error));
    }

    private void unlock(Exchange ex) {
        String token = ex.pathParam("token");
        String password = ex.formValue("password");
        String next = ex.formValue("next");
        String back = next.equals("/s/" + token) || (next.startsWith("/s/" + token + "/") && !next.contains("//") && !next.contains("\\"))
                ? next : "/s/" + token;
        PublicLinks.Link link;
        try {
            link = links.open(token, Optional.of(password), Optional.empty(), ex.clientAddress());
        } catch (HttpError e) {
            if (e.status() == 429) {
                long seconds = Math.max(1, e.retryAfterSeconds());
                ex.setHeader("Retry-After", Long.toString(seconds));
                passwordForm(ex, 429, "Too many attempts. Try again in " + seconds + " s.");
                return;
            }
            if (e.status() == 401) {
                passwordForm(ex, 401, password.isEmpty() ? "Enter the link's password." : "Wrong password. Try again.");
                return;
            }
            throw e;
        }
        ex.addCookie(links.unlockCookie(token, link, ex.secure()));
        ex.redirect(back);
    }

    // ---- writes ----

    private void upload(Exchange ex) throws IOException {
        Visit v = visit(ex);
        if (v.path().isRoot()) {
            throw HttpError.badRequest("a file needs a name: PUT to /s/<token>/<name>");
        }
        v.need(Permission.CREATE);
        Location at = v.at();
        Optional<Entry> existing = io(() -> files.stat(v.at()));
        boolean replace = false;
        if (existing.isPresent()) {
            if (existing.get().isDirectory()) {
                throw HttpError.conflict("a folder named \"" + at.path().name() + "\" is already there");
            }
            if (v.may(Permission.UPDATE)) {
                replace = true;
            } else {
                at = freeName(at); // a drop box never overwrites, and never says what is there
            }
        }
        Location target = at;
        Entry written;
        try (InputStream in = ex.bodyStream(); Upload up = io(() -> files.upload(target, ex.contentLength()))) {
            byte[] buf = new byte[BUFFER];
            for (int n; (n = in.read(buf)) > 0; ) {
                int len = n;
                io(() -> {
                    up.write(ByteBuffer.wrap(buf, 0, len));
                    return null;
                });
            }
            boolean overwrite = replace;
            written = io(() -> up.commit(overwrite));
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", written.name());
        body.put("size", written.size());
        ex.json(replace ? 200 : 201, body);
    }

    /** {@code name (2).ext}, {@code name (3).ext}, … : the first that is free in the same folder. */
    private Location freeName(Location taken) {
        String name = taken.path().name();
        int dot = name.lastIndexOf('.');
        String stem = dot > 0 ? name.substring(0, dot) : name;
        String ext = dot > 0 ? name.substring(dot) : "";
        for (int i = 2; i <= MAX_SUFFIX; i++) {
            Location at = candidate(taken, stem + " (" + i + ")" + ext);
            if (io(() -> files.stat(at)).isEmpty()) {
                return at;
            }
        }
        throw HttpError.conflict("too many files of this name are here already; rename the file and try again");
    }

    private static Location candidate(Location taken, String name) {
        try {
            return taken.parent().child(RelPath.checkName(name));
        } catch (RelPath.BadPath e) {
            throw HttpError.badRequest("the name is too long to be made unique; rename the file and try again");
        }
    }

    record Action(String action) {}

    private void act(Exchange ex) {
        Visit v = visit(ex);
        Action a = ex.jsonBody(Action.class);
        if (!"mkdir".equals(a.action())) {
            throw HttpError.badRequest("\"action\" must be mkdir");
        }
        if (v.path().isRoot()) {
            throw HttpError.badRequest("give the new folder's name in the path: POST /s/<token>/<name>");
        }
        Location at = v.need(Permission.CREATE);
        Entry made = io(() -> files.mkdir(at));
        ex.json(201, Map.of("name", made.name()));
    }

    private void delete(Exchange ex) {
        Visit v = visit(ex);
        Location at = v.need(Permission.DELETE);
        io(() -> files.stat(at)).orElseThrow(() -> HttpError.notFound("there is nothing at /" + v.path() + " in this link"));
        io(() -> files.trash(at));
        ex.json(200, Map.of("trashed", v.path().name()));
    }

    /** Errors of the write routes as JSON ({@code error}, {@code message}), which the page's script shows. */
    private static Endpoint json(Endpoint handler) {
        return ex -> {
            try {
                handler.handle(ex);
            } catch (HttpError e) {
                if (ex.responded()) {
                    throw e;
                }
                if (e.retryAfterSeconds() > 0) {
                    ex.setHeader("Retry-After", Long.toString(e.retryAfterSeconds()));
                }
                Map<String, Object> body = new LinkedHashMap<>();
                body.put("error", e.code());
                body.put("message", e.getMessage());
                ex.json(e.status(), body);
            }
        };
    }

    /** A file action whose storage refusals become statuses (507 for the owner's quota). */
    private interface Io<T> {
        T run() throws IOException;
    }

    private static <T> T io(Io<T> action) {
        try {
            return action.run();
        } catch (FileError e) {
            throw switch (e.reason()) {
                case NOT_FOUND -> HttpError.notFound("there is nothing there in this link");
                case EXISTS -> HttpError.conflict("something of that name is already there; try again");
                case PARENT_MISSING, NOT_A_DIRECTORY -> HttpError.conflict("the folder to put it in is not there");
                case IS_A_DIRECTORY -> HttpError.conflict("a folder of that name is already there");
                case SYMLINK -> HttpError.notFound("there is nothing there in this link"); // never followed, never described
                case QUOTA_EXCEEDED -> new HttpError(507, "quota_exceeded", "the owner's storage is full, so the upload was refused");
                case INTO_ITSELF -> HttpError.conflict(e.getMessage());
            };
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
