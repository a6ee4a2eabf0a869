package org.labhub.dav;

import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.Optional;
import org.eclipse.jetty.io.Content;
import org.labhub.files.Permission;
import org.labhub.storage.Entry;
import org.labhub.storage.Location;
import org.labhub.storage.Upload;
import org.labhub.web.Exchange;
import org.labhub.web.HttpError;

/**
 * PUT: the body streams into the store's staging file in 64 KiB pieces (never whole in memory), counted against
 * the quota as it arrives, and appears in one rename; 201 for a new file, 204 for a replaced one.
 */
final class DavPut {
    private static final int PIECE = 64 * 1024;

    private final DavContext dav;

    DavPut(DavContext dav) {
        this.dav = dav;
    }

    void handle(Exchange ex) throws Exception {
        if (ex.header("Content-Range").isPresent()) {
            throw new HttpError(501, "not_implemented", "partial PUT (Content-Range) is not supported");
        }
        DavResource r = dav.resource(ex);
        if (r.isVirtual() || r.path().isRoot()) {
            throw new HttpError(405, "method_not_allowed", "a folder cannot be replaced by a file");
        }
        Location probe = r.real(firstHeld(r));
        Optional<Entry> there = dav.store.stat(probe);
        if (there.isPresent() && there.get().isDirectory()) {
            throw new HttpError(405, "method_not_allowed", "/" + r.user() + "/" + r.path() + " is a folder");
        }
        Location at = r.real(there.isPresent() ? Permission.UPDATE : Permission.CREATE);
        Optional<String> ifMatch = ex.header("If-Match");
        if (ifMatch.isPresent() && (there.isEmpty() || !DavGet.matches(ifMatch.get(), there.get().etag()))) {
            throw new HttpError(412, "precondition_failed", "the file has changed (If-Match)");
        }
        if (ex.header("If-None-Match").filter(v -> v.trim().equals("*")).isPresent() && there.isPresent()) {
            throw new HttpError(412, "precondition_failed", "the file exists (If-None-Match: *)");
        }
        dav.checkWrite(ex, r, at, false, there.isEmpty());
        Entry written;
        try (Upload upload = dav.store.upload(at, ex.bodyLength())) {
            InputStream in = Content.Source.asInputStream(ex.body());
            byte[] piece = new byte[PIECE];
            int n;
            while ((n = in.read(piece)) >= 0) {
                if (n > 0) {
                    upload.write(ByteBuffer.wrap(piece, 0, n));
                }
            }
            written = upload.commit(true);
        }
        ex.setHeader("ETag", written.etag());
        ex.setHeader("Last-Modified", DavXml.httpDate(written.modified()));
        if (there.isPresent()) {
            ex.noContent();
        } else {
            ex.setHeader("Location", r.href(false));
            ex.send(201, "text/plain;charset=utf-8", "");
        }
    }

    /** Any permission the caller holds, to find out what is there before deciding which one the write needs. */
    private static Permission firstHeld(DavResource r) {
        if (r.target() instanceof org.labhub.files.Target.Real real) {
            return real.permissions().stream().findFirst().orElse(Permission.CREATE);
        }
        return Permission.CREATE;
    }
}
