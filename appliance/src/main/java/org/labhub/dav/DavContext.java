package org.labhub.dav;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.util.Callback;
import org.labhub.files.Target;
import org.labhub.storage.Entry;
import org.labhub.storage.FileError;
import org.labhub.storage.FileStore;
import org.labhub.storage.Location;
import org.labhub.web.Exchange;
import org.labhub.web.HttpError;

/**
 * What every WebDAV handler shares: the store, the tree the URLs name ({@link DavSpace}: a user's files or a public
 * link), locks and dead properties (one set for both trees, as they guard the same files), and the common checks.
 */
final class DavContext {
    final FileStore store;
    final DavSpace space;
    final DavLocks locks;
    final DeadProps props;

    DavContext(FileStore store, DavSpace space, DavLocks locks, DeadProps props) {
        this.store = store;
        this.space = space;
        this.locks = locks;
        this.props = props;
    }

    /** The same store, locks and properties, for another tree. */
    DavContext in(DavSpace other) {
        return new DavContext(store, other, locks, props);
    }

    /** The request's own resource: its path checked (400 with the reason) and resolved for the caller. */
    DavResource resource(Exchange ex) {
        return space.resource(ex);
    }

    /** A URL the client named in a header (Destination, a tagged If list), resolved in the same tree. */
    DavResource resolveUrl(Exchange ex, String url) {
        return space.resolveUrl(ex, url);
    }

    /** Whose locks this caller takes and may use. */
    String lockOwner(Exchange ex) {
        return space.lockOwner(ex);
    }

    /** What is at a real place; symbolic links and devices count as nothing, as the hub never follows or serves them. */
    Optional<Entry> stat(Location at) throws IOException {
        return store.stat(at).filter(e -> e.isFile() || e.isDirectory());
    }

    static Optional<String> depth(Exchange ex) {
        return ex.header("Depth").map(String::trim).map(String::toLowerCase);
    }

    /**
     * The lock check before a write (423 Locked): every lock on {@code at} (and, when {@code deep}, below it; and
     * when {@code membership}, on its parent folder) must be named in the If header by the one who holds it.
     */
    void checkLocks(Exchange ex, Location at, boolean deep, boolean membership) {
        List<DavLocks.Lock> relevant = new ArrayList<>(locks.covering(at));
        if (deep) {
            relevant.addAll(locks.inside(at));
        }
        if (membership && !at.path().isRoot()) {
            relevant.addAll(locks.covering(at.parent()));
        }
        if (relevant.isEmpty()) {
            return;
        }
        List<String> submitted = ifHeader(ex).map(IfHeader::tokens).orElse(List.of());
        for (DavLocks.Lock l : relevant) {
            if (!submitted.contains(l.token()) || !l.principal().equals(lockOwner(ex))) {
                throw new HttpError(423, "locked", "/" + at.path() + " is locked; send its lock token in an If header");
            }
        }
    }

    /** 412 when an If header is given and none of its lists holds. */
    void checkIf(Exchange ex, DavResource own) {
        Optional<IfHeader> header = ifHeader(ex);
        if (header.isEmpty()) {
            return;
        }
        boolean holds = header.get().holds(url -> {
            try {
                DavResource r = own;
                if (url != null) {
                    r = resolveUrl(ex, url);
                }
                if (!(r.target() instanceof Target.Real real)) {
                    return IfHeader.ResourceState.NONE;
                }
                Location at = real.location();
                String etag = stat(at).map(Entry::etag).orElse(null);
                return new IfHeader.ResourceState(etag, token -> locks.get(token).filter(l -> l.covers(at)).isPresent());
            } catch (HttpError | IOException e) {
                return IfHeader.ResourceState.NONE;
            }
        });
        if (!holds) {
            throw new HttpError(412, "precondition_failed", "the If header's conditions do not hold");
        }
    }

    /**
     * Both checks of a write, in the order litmus expects: the If header first (412 when no list holds), then the
     * locks (423 when a holder's token is missing, even if the header holds through another list).
     */
    void checkWrite(Exchange ex, DavResource own, Location at, boolean deep, boolean membership) {
        checkIf(ex, own);
        checkLocks(ex, at, deep, membership);
    }

    static Optional<IfHeader> ifHeader(Exchange ex) {
        return ex.header("If").map(IfHeader::parse);
    }

    /** The HTTP answer to a refusal from the store. */
    static HttpError error(FileError e) {
        return switch (e.reason()) {
            case NOT_FOUND -> HttpError.notFound(e.getMessage());
            case EXISTS -> new HttpError(412, "precondition_failed", e.getMessage());
            case PARENT_MISSING, NOT_A_DIRECTORY -> HttpError.conflict(e.getMessage());
            case IS_A_DIRECTORY -> new HttpError(405, "method_not_allowed", e.getMessage());
            case SYMLINK -> HttpError.forbidden(e.getMessage());
            case INTO_ITSELF -> HttpError.forbidden(e.getMessage());
            case QUOTA_EXCEEDED -> new HttpError(507, "insufficient_storage", e.getMessage());
        };
    }

    /** 507 with the RFC 4918 precondition element, so clients can tell "quota" from other failures. */
    static void quotaExceeded(Exchange ex) {
        ex.send(507, "application/xml;charset=utf-8", "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
                + "<D:error xmlns:D=\"DAV:\"><D:quota-not-exceeded/></D:error>\n");
    }

    /** Starts an XML answer (207 Multi-Status, or a LOCK's 200); the caller writes into it and finishes or aborts it. */
    static XmlAnswer xmlResponse(Exchange ex, int status) throws IOException {
        Callback done = ex.takeOver();
        ex.response().setStatus(status);
        ex.response().getHeaders().put("Content-Type", "application/xml;charset=utf-8");
        OutputStream out = new java.io.BufferedOutputStream(Content.Sink.asOutputStream(ex.response()), 16 * 1024);
        try {
            XMLStreamWriter w = DavXml.writer(out);
            w.writeStartDocument("UTF-8", "1.0");
            return new XmlAnswer(w, out, done);
        } catch (IOException | XMLStreamException | RuntimeException e) {
            done.failed(e);
            throw new IOException(e);
        }
    }

    /** A streamed XML response body; exactly one of {@link #finish} or {@link #abort} completes the exchange. */
    static final class XmlAnswer {
        final XMLStreamWriter w;
        private final OutputStream out;
        private final Callback done;
        private boolean completed;

        XmlAnswer(XMLStreamWriter w, OutputStream out, Callback done) {
            this.w = w;
            this.out = out;
            this.done = done;
        }

        void finish() throws IOException {
            try {
                w.writeEndDocument();
                w.close();
                out.close();
                completed = true;
                done.succeeded();
            } catch (XMLStreamException | IOException | RuntimeException e) {
                abort(e);
                throw new IOException(e);
            }
        }

        void abort(Throwable why) {
            if (!completed) {
                completed = true;
                done.failed(why);
            }
        }
    }

    /** The (small) XML body of a request, or an empty array. */
    static byte[] xmlBody(Exchange ex) throws IOException {
        if (ex.bodyLength() == 0) {
            ex.body();
            return new byte[0];
        }
        return DavXml.readBody(Content.Source.asInputStream(ex.body()), ex.bodyLength());
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
