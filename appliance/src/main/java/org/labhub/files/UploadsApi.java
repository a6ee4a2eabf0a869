package org.labhub.files;

import static org.labhub.files.FileRequests.io;
import static org.labhub.files.FileRequests.real;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.labhub.auth.Scope;
import org.labhub.storage.Entry;
import org.labhub.storage.FileStore;
import org.labhub.storage.Location;
import org.labhub.storage.Upload;
import org.labhub.web.Access;
import org.labhub.web.Exchange;
import org.labhub.web.HttpError;
import org.labhub.web.Routes;

/**
 * Restartable uploads: start one for a target path, send the bytes in pieces ({@code PUT …?offset=N}), ask where
 * it stands after a failure ({@code GET}), and commit it to the target, where it appears at once, whole.
 */
public final class UploadsApi implements Routes.Provider {
    private final FileStore files;
    private final FileRequests requests;
    private final UploadSessions sessions;

    public UploadsApi(FileStore files, FileNamespace namespace, java.nio.file.Path folder, java.time.Clock clock) throws IOException {
        this.files = files;
        this.requests = new FileRequests(namespace);
        this.sessions = new UploadSessions(folder, files, clock);
    }

    @Override
    public void register(Routes r) {
        Access files = Access.user(Scope.FILES);
        r.post("/api/uploads", files, this::start,
                "Start a restartable upload: {\"path\":\"<user>/<path>\",\"size\":N}; gives its id (it expires after a day unused)")
         .get("/api/uploads/{id}", files, this::status, "How many bytes of an upload have arrived: the offset to continue from")
         .add("PUT", "/api/uploads/{id}", files, this::append,
                 "Append the body at ?offset=N (which must be the current offset; 409 tells the right one); 507 beyond the quota")
         .post("/api/uploads/{id}/commit", files, this::commit,
                 "Finish an upload: the file appears at its path, whole ({\"overwrite\":true} to replace a file there)")
         .delete("/api/uploads/{id}", files, this::cancel, "Abandon an upload and drop what it holds");
    }

    /** The body that starts an upload. */
    public record Start(String path, Long size) {}

    /** The body of a commit. */
    public record Commit(Boolean overwrite) {}

    private void start(Exchange ex) {
        Start body = ex.jsonBody(Start.class);
        Location at = requests.reference(ex, body.path(), Permission.CREATE).location();
        if (at.path().isRoot()) {
            throw HttpError.badRequest("a file needs a name: \"path\":\"<user>/<folder>/<name>\"");
        }
        long size = body.size() == null ? -1 : body.size();
        UploadSessions.Session s = io(() -> sessions.start(ex.principal().name(), at, size));
        ex.json(201, json(s));
    }

    private void status(Exchange ex) {
        ex.json(200, json(session(ex)));
    }

    private void append(Exchange ex) {
        UploadSessions.Session s = session(ex);
        long offset;
        try {
            offset = Long.parseLong(ex.query("offset").orElse("0"));
        } catch (NumberFormatException e) {
            throw HttpError.badRequest("offset must be a number of bytes");
        }
        try (InputStream in = ex.bodyStream()) {
            sessions.append(s, offset, in);
        } catch (UploadSessions.OffsetMismatch m) {
            throw new HttpError(409, "wrong_offset", m.getMessage());
        } catch (IllegalStateException busy) {
            throw new HttpError(409, "busy", "another piece of this upload is being received");
        } catch (org.labhub.storage.FileError e) {
            throw FileRequests.toHttp(e);
        } catch (IOException e) {
            throw new HttpError(400, "interrupted", "the piece was cut short at byte " + s.offset + "; continue from there");
        }
        ex.json(200, json(s));
    }

    private void commit(Exchange ex) throws IOException {
        UploadSessions.Session s = session(ex);
        Commit body = ex.contentLength() > 0 ? ex.jsonBody(Commit.class) : new Commit(false);
        boolean overwrite = Boolean.TRUE.equals(body.overwrite());
        // Permissions are asked again: a share may have been revoked since the upload started.
        Location at = s.target;
        Target t = requests.target(ex, at.owner(), at.path().toString());
        Optional<Entry> existing = io(() -> files.stat(at));
        real(t, existing.isPresent() ? Permission.UPDATE : Permission.CREATE);
        if (s.expectedBytes >= 0 && s.offset != s.expectedBytes) {
            throw new HttpError(409, "incomplete", "the upload has " + s.offset + " of " + s.expectedBytes + " bytes; send the rest first");
        }
        Entry written;
        try (FileChannel in = FileChannel.open(sessions.bytesOf(s), StandardOpenOption.READ);
             Upload up = io(() -> files.upload(at, s.offset))) {
            ByteBuffer buf = ByteBuffer.allocate(256 * 1024);
            while (in.read(buf.clear()) > 0) {
                buf.flip();
                io(() -> {
                    up.write(buf);
                    return null;
                });
            }
            written = io(() -> up.commit(overwrite));
        }
        sessions.remove(s);
        ex.json(existing.isPresent() ? 200 : 201, FileRequests.json(written));
    }

    private void cancel(Exchange ex) {
        sessions.remove(session(ex));
        ex.noContent();
    }

    private UploadSessions.Session session(Exchange ex) {
        return sessions.find(ex.principal().name(), ex.pathParam("id"))
                .orElseThrow(() -> HttpError.notFound("no such upload (it may have expired or been finished)"));
    }

    private static Map<String, Object> json(UploadSessions.Session s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", s.id);
        m.put("path", s.target.owner() + "/" + s.target.path());
        m.put("offset", s.offset);
        m.put("size", s.expectedBytes);
        return m;
    }
}
