package org.labhub.files;

import static org.labhub.files.FileRequests.io;
import static org.labhub.files.FileRequests.real;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.labhub.auth.Scope;
import org.labhub.storage.Entry;
import org.labhub.storage.FileStore;
import org.labhub.storage.Location;
import org.labhub.storage.RelPath;
import org.labhub.storage.TrashItem;
import org.labhub.storage.Usage;
import org.labhub.web.Access;
import org.labhub.web.Exchange;
import org.labhub.web.HttpError;
import org.labhub.web.Pages;
import org.labhub.web.Routes;

/**
 * The hub's file browser: a folder as a sortable table with upload, new folder, rename, move, delete and share
 * (the actions run in {@code files.js} against the file API), a file as a preview (image, text, CSV table,
 * notebook), and the trash. Every page reads through the same {@link FileNamespace} as the API.
 */
public final class FilesPages implements Routes.Provider {
    /** Text previews stop here; the rest is a download away. */
    public static final int PREVIEW_BYTES = 1024 * 1024;
    /** Notebooks bigger than this are offered as a download only (they are parsed whole). */
    static final int NOTEBOOK_BYTES = 20 * 1024 * 1024;

    private final FileStore files;
    private final FileRequests requests;
    private final Pages pages;

    public FilesPages(FileStore files, FileNamespace namespace, Pages pages) {
        this.files = files;
        this.requests = new FileRequests(namespace);
        this.pages = pages;
    }

    @Override
    public void register(Routes r) {
        r.get("/files", Access.user(Scope.FILES), ex -> ex.redirect("/files/" + enc(ex.principal().name()) + "/"),
                "Your files (redirects to /files/<you>/)")
         .get("/files/{user}/{path*}", Access.user(Scope.FILES), this::browse,
                 "File browser: a folder as a table (?sort=name|size|modified&order=asc|desc), a file as a preview")
         .get("/trash", Access.user(Scope.FILES), this::trash, "Your trash, with restore");
    }

    /** One crumb of the path above the listing. */
    public record Crumb(String name, String url) {}

    /**
     * One row of the table.
     *
     * @param jobUrl the new-job form for this notebook ("Run as job"), or empty: only the caller's own notebooks run as jobs
     * @param preserveUrl the preserve form for this notebook or folder, or empty: only the caller's own are preserved
     */
    public record Row(String name, String type, String size, String modified, String url, String api, String path, String jobUrl,
                      String preserveUrl) {
        /** A zip file, which gets an "Extract" button. */
        public boolean zip() { return type.equals("file") && name.toLowerCase(java.util.Locale.ROOT).endsWith(".zip"); }
    }

    /** A sortable column header: where clicking leads and how it is sorted now ("ascending", "descending", "none"). */
    public record Column(String label, String url, String sorted) {}

    private void browse(Exchange ex) throws IOException {
        Target t = requests.target(ex);
        String user = ex.decodedPathParam("user");
        RelPath path = FileRequests.parse(ex.decodedPathParam("path"));
        Map<String, Object> model = new HashMap<>();
        model.put("owner", user);
        model.put("relpath", path.toString());
        model.put("crumbs", crumbs(user, path));
        model.put("title", path.isRoot() ? "Files" : path.name());
        model.put("apiBase", "/api/files/" + enc(user) + encPath(path));
        model.put("usage", usage(ex.principal().name()));
        if (t instanceof Target.Virtual v) {
            List<Row> rows = new ArrayList<>();
            for (Target.Child c : v.children()) {
                RelPath p = path.child(c.name());
                rows.add(new Row(c.name(), "folder", "—", "—", pageUrl(user, p) + "/", "", user + "/" + p, "", ""));
            }
            folderModel(model, rows, false, "name", "asc", user, path);
            pages.render(ex, "files", model);
            return;
        }
        Target.Real target = real(t, Permission.READ);
        Location at = target.location();
        Entry entry = io(() -> files.stat(at)).orElseThrow(() -> HttpError.notFound("there is nothing at " + FilesApi.shown(at)));
        if (entry.isDirectory()) {
            String sort = ex.query("sort").orElse("name");
            String order = ex.query("order").orElse("asc");
            List<Entry> entries = new ArrayList<>();
            io(() -> {
                files.list(at, entries::add);
                return null;
            });
            entries.sort(FilesApi.comparator(sort, order));
            List<Row> rows = new ArrayList<>();
            for (Entry e : entries) {
                RelPath p = path.child(e.name());
                String type = FileRequests.type(e.kind());
                boolean own = user.equals(ex.principal().name());
                boolean runnable = e.isFile() && e.name().endsWith(".ipynb") && own;
                String encoded = URLEncoder.encode(p.toString(), StandardCharsets.UTF_8);
                rows.add(new Row(e.name(), type, e.isFile() ? Sizes.human(e.size()) : "—", Sizes.when(e.modified()),
                        pageUrl(user, p) + (e.isDirectory() ? "/" : ""), "/api/files/" + enc(user) + encPath(p), user + "/" + p,
                        runnable ? "/jobs?notebook=" + encoded : "",
                        runnable || (own && e.isDirectory()) ? "/archives/new?path=" + encoded : ""));
            }
            folderModel(model, rows, target.may(Permission.CREATE), sort, order, user, path);
            pages.render(ex, "files", model);
            return;
        }
        if (!entry.isFile()) {
            throw new HttpError(403, "symlink", FilesApi.shown(at) + " is a link; the hub never follows links");
        }
        preview(ex, model, at, entry);
    }

    private void folderModel(Map<String, Object> model, List<Row> rows, boolean writable, String sort, String order,
                             String user, RelPath path) {
        model.put("rows", rows);
        model.put("writable", writable);
        model.put("zipUrl", model.get("apiBase") + "?zip");
        String here = pageUrl(user, path) + "/";
        List<Column> columns = new ArrayList<>();
        for (String[] c : new String[][] {{"name", "Name"}, {"size", "Size"}, {"modified", "Modified"}}) {
            boolean current = c[0].equals(sort);
            String next = current && order.equals("asc") ? "desc" : "asc";
            columns.add(new Column(c[1], here + "?sort=" + c[0] + "&order=" + next,
                    current ? (order.equals("asc") ? "ascending" : "descending") : "none"));
        }
        model.put("columns", columns);
    }

    private void preview(Exchange ex, Map<String, Object> model, Location at, Entry entry) throws IOException {
        String name = entry.name();
        String ext = SafeContent.extension(name);
        model.put("file", name);
        model.put("size", Sizes.human(entry.size()));
        model.put("modified", Sizes.when(entry.modified()));
        model.put("downloadUrl", model.get("apiBase") + "?download");
        model.put("rawUrl", model.get("apiBase"));
        String kind;
        if (SafeContent.isImage(name)) {
            kind = "image";
        } else if (ext.equals("ipynb") && entry.size() <= NOTEBOOK_BYTES) {
            kind = "notebook";
            try (FileChannel in = files.openRead(at)) {
                model.put("notebook", NotebookView.render(Channels.newInputStream(in)));
            }
        } else if (ext.equals("csv") || ext.equals("tsv")) {
            kind = "csv";
            CsvTable table = CsvTable.read(head(at), ext.equals("tsv") ? '\t' : ',', CsvTable.MAX_ROWS);
            model.put("table", table);
        } else if (SafeContent.isText(name)) {
            kind = "text";
            model.put("text", head(at));
            model.put("truncated", entry.size() > PREVIEW_BYTES);
        } else {
            kind = "none";
        }
        model.put("kind", kind);
        pages.render(ex, "file-preview", model);
    }

    /** The first megabyte of a file as text (a cut character at the end becomes U+FFFD). */
    private String head(Location at) throws IOException {
        try (FileChannel in = files.openRead(at)) {
            java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocate((int) Math.min(PREVIEW_BYTES, in.size()));
            while (buf.hasRemaining() && in.read(buf) > 0) {
                // read until full or end of file
            }
            return new String(buf.array(), 0, buf.position(), StandardCharsets.UTF_8);
        }
    }

    private void trash(Exchange ex) {
        String me = ex.principal().name();
        List<TrashItem> items = io(() -> files.trashed(me));
        List<Map<String, Object>> rows = new ArrayList<>();
        for (TrashItem t : items) {
            Map<String, Object> m = TrashApi.json(t);
            m.put("sizeText", Sizes.human(t.sizeBytes()));
            m.put("deletedText", Sizes.when(t.deletedAt()));
            rows.add(m);
        }
        Map<String, Object> model = new HashMap<>();
        model.put("items", rows);
        model.put("owner", me);
        model.put("usage", usage(me));
        pages.render(ex, "files-trash", model);
    }

    /** "3.1 GB of 10 GB" and the fraction for the usage bar. */
    public record UsageView(String used, String limit, long percent, boolean unlimited) {}

    UsageView usage(String user) {
        return usageOf(files, user);
    }

    /** The usage line for {@code user}, also shown on the dashboard. */
    public static UsageView usageOf(FileStore files, String user) {
        Usage u = io(() -> files.usage(user));
        long pct = u.unlimited() ? 0 : Math.min(100, Math.round(100.0 * u.usedBytes() / u.limitBytes()));
        return new UsageView(Sizes.human(u.usedBytes()), u.unlimited() ? "no limit" : Sizes.human(u.limitBytes()), pct, u.unlimited());
    }

    private static List<Crumb> crumbs(String user, RelPath path) {
        List<Crumb> crumbs = new ArrayList<>();
        crumbs.add(new Crumb(user, pageUrl(user, RelPath.ROOT) + "/"));
        RelPath p = RelPath.ROOT;
        for (String name : path.names()) {
            p = p.child(name);
            crumbs.add(new Crumb(name, pageUrl(user, p) + "/"));
        }
        return crumbs;
    }

    static String pageUrl(String user, RelPath path) {
        return "/files/" + enc(user) + encPath(path);
    }

    /** {@code /a/b} with each name percent-encoded; "" for the root. */
    public static String encPath(RelPath path) {
        StringBuilder b = new StringBuilder();
        for (String n : path.names()) {
            b.append('/').append(enc(n));
        }
        return b.toString();
    }

    public static String enc(String name) {
        return URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
