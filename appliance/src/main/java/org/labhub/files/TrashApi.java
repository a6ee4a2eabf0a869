package org.labhub.files;

import static org.labhub.files.FileRequests.io;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.labhub.auth.Scope;
import org.labhub.storage.FileStore;
import org.labhub.storage.Location;
import org.labhub.storage.RelPath;
import org.labhub.storage.TrashItem;
import org.labhub.web.Access;
import org.labhub.web.Exchange;
import org.labhub.web.Routes;

/** The caller's own trash: list, restore, delete for good. (Usage against the quota is in {@code quotas.QuotasApi}.) */
public final class TrashApi implements Routes.Provider {
    private final FileStore files;

    public TrashApi(FileStore files) {
        this.files = files;
    }

    @Override
    public void register(Routes r) {
        Access files = Access.user(Scope.FILES);
        r.get("/api/trash", files, this::list, "What is in your trash, newest first")
         .post("/api/trash/{id}/restore", files, this::restore,
                 "Put a trashed item back where it was, or at {\"to\":\"<path>\"} in your home (409 if something is there)")
         .delete("/api/trash/{id}", files, this::deleteOne, "Delete one trashed item for good")
         .delete("/api/trash", files, this::empty, "Empty your trash");
    }

    private void list(Exchange ex) {
        String me = ex.principal().name();
        ex.json(200, Map.of("items", io(() -> files.trashed(me)).stream().map(TrashApi::json).toList()));
    }

    /** The body of a restore: where to put the item instead of its original place (optional). */
    public record Restore(String to) {}

    private void restore(Exchange ex) {
        String me = ex.principal().name();
        Restore body = ex.contentLength() > 0 ? ex.jsonBody(Restore.class) : new Restore(null);
        Optional<RelPath> to = Optional.ofNullable(body.to()).map(FileRequests::parse);
        Location at = io(() -> files.restore(me, checkedId(ex), to));
        ex.json(200, Map.of("path", at.owner() + "/" + at.path()));
    }

    private void deleteOne(Exchange ex) {
        String me = ex.principal().name();
        io(() -> {
            files.emptyTrash(me, Optional.of(checkedId(ex)));
            return null;
        });
        ex.noContent();
    }

    private void empty(Exchange ex) {
        String me = ex.principal().name();
        io(() -> {
            files.emptyTrash(me, Optional.empty());
            return null;
        });
        ex.noContent();
    }

    private static String checkedId(Exchange ex) {
        String id = ex.pathParam("id");
        if (!id.matches("[0-9a-f-]{1,64}")) {
            throw org.labhub.web.HttpError.badRequest("not a trash id: " + id.replaceAll("[^\\x20-\\x7e]", "?"));
        }
        return id;
    }

    static Map<String, Object> json(TrashItem t) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", t.id());
        m.put("path", t.originalPath().toString());
        m.put("name", t.originalPath().isRoot() ? "" : t.originalPath().name());
        m.put("type", FileRequests.type(t.kind()));
        m.put("size", t.sizeBytes());
        m.put("deleted", t.deletedAt().toString());
        return m;
    }
}
