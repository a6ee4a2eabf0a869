package org.labhub.dav;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Optional;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.util.Blocker;
import org.labhub.files.Permission;
import org.labhub.storage.Entry;
import org.labhub.storage.Location;
import org.labhub.storage.Upload;
import org.labhub.web.DirectBuffers;
import org.labhub.web.Exchange;
import org.labhub.web.HttpError;

/**
 * PUT: the body streams into the store's staging file in 1 MiB writes (never whole in memory), counted against
 * the quota as it arrives, and appears in one rename; 201 for a new file, 204 for a replaced one.
 */
final class DavPut {
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
            copyBody(ex.body(), upload);
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

    /**
     * Moves the body into the upload in 1 MiB writes. The connection hands over pieces of its 8 KiB read buffer;
     * gathering them in one direct buffer costs a copy, where writing each piece would cost a system call, and
     * reading them straight from the chunks skips the two copies an {@code InputStream} makes on the way.
     */
    static void copyBody(Content.Source body, Upload upload) throws IOException {
        ByteBuffer buffer = DirectBuffers.acquire();
        try {
            while (true) {
                Content.Chunk chunk = body.read();
                if (chunk == null) {
                    try (Blocker.Runnable more = Blocker.runnable()) {
                        body.demand(more);
                        more.block();
                    }
                    continue;
                }
                if (Content.Chunk.isFailure(chunk)) {
                    throw chunk.getFailure() instanceof IOException io ? io : new IOException(chunk.getFailure());
                }
                try {
                    ByteBuffer piece = chunk.getByteBuffer();
                    while (piece.hasRemaining()) {
                        if (!buffer.hasRemaining()) {
                            upload.write(buffer.flip());
                            buffer.clear();
                        }
                        int n = Math.min(buffer.remaining(), piece.remaining());
                        buffer.put(buffer.position(), piece, piece.position(), n);
                        buffer.position(buffer.position() + n);
                        piece.position(piece.position() + n);
                    }
                } finally {
                    chunk.release();
                }
                if (chunk.isLast()) {
                    break;
                }
            }
            if (buffer.position() > 0) {
                upload.write(buffer.flip());
            }
        } finally {
            DirectBuffers.release(buffer);
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
