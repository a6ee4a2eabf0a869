package org.labhub.dav;

import java.nio.file.Path;
import java.time.Clock;
import org.labhub.auth.Scope;
import org.labhub.files.FileNamespace;
import org.labhub.files.Permission;
import org.labhub.storage.Entry;
import org.labhub.storage.FileError;
import org.labhub.storage.FileStore;
import org.labhub.storage.Location;
import org.labhub.storage.RelPath;
import org.labhub.web.Access;
import org.labhub.web.Endpoint;
import org.labhub.web.Exchange;
import org.labhub.web.HttpError;
import org.labhub.web.Routes;

/**
 * WebDAV class 1 and 2 at {@code /dav/<user>/…} (ADR 11): every method on one route table, all behind the
 * {@code files} scope with app passwords; the handlers live in one class per method group.
 */
public final class DavRoutes implements Routes.Provider {
    static final String ALLOW = "OPTIONS, GET, HEAD, PUT, DELETE, MKCOL, COPY, MOVE, PROPFIND, PROPPATCH, LOCK, UNLOCK";
    private static final String PATH = "/dav/{user}/{path*}";

    private final DavContext dav;
    private final DavGet get;
    private final DavPut put;
    private final DavCopyMove copyMove;
    private final DavPropfind propfind;
    private final DavProppatch proppatch;
    private final DavLocking locking;

    public DavRoutes(FileStore store, FileNamespace namespace, Path propsRoot, Clock clock) {
        this.dav = new DavContext(store, namespace, new DavLocks(clock), new DeadProps(propsRoot));
        this.get = new DavGet(dav);
        this.put = new DavPut(dav);
        this.copyMove = new DavCopyMove(dav);
        this.propfind = new DavPropfind(dav);
        this.proppatch = new DavProppatch(dav);
        this.locking = new DavLocking(dav);
    }

    @Override
    public void register(Routes routes) {
        Access files = Access.user(Scope.FILES);
        routes.addWithAppPassword("OPTIONS", PATH, files, guard(this::options), "WebDAV: what the server supports");
        routes.addWithAppPassword("GET", PATH, files, guard(get::handle), "WebDAV: download a file (ranges, ETags)");
        routes.addWithAppPassword("PUT", PATH, files, guard(put::handle), "WebDAV: upload a file (streamed, quota-checked)");
        routes.addWithAppPassword("DELETE", PATH, files, guard(this::delete), "WebDAV: move a file or folder to the trash");
        routes.addWithAppPassword("MKCOL", PATH, files, guard(this::mkcol), "WebDAV: create a folder");
        routes.addWithAppPassword("COPY", PATH, files, guard(copyMove::copy), "WebDAV: copy to the Destination");
        routes.addWithAppPassword("MOVE", PATH, files, guard(copyMove::move), "WebDAV: move to the Destination");
        routes.addWithAppPassword("PROPFIND", PATH, files, guard(propfind::handle), "WebDAV: properties of a resource and its members");
        routes.addWithAppPassword("PROPPATCH", PATH, files, guard(proppatch::handle), "WebDAV: set and remove dead properties");
        routes.addWithAppPassword("LOCK", PATH, files, guard(locking::lock), "WebDAV: take or refresh a write lock");
        routes.addWithAppPassword("UNLOCK", PATH, files, guard(locking::unlock), "WebDAV: release a write lock");
    }

    /** Store refusals become statuses (507 with its XML element); bad paths become 400 with the reason. */
    private static Endpoint guard(Endpoint handler) {
        return ex -> {
            try {
                handler.handle(ex);
            } catch (FileError e) {
                if (ex.responded()) {
                    throw e;
                }
                if (e.reason() == FileError.Reason.QUOTA_EXCEEDED) {
                    DavContext.quotaExceeded(ex);
                    return;
                }
                throw DavContext.error(e);
            } catch (RelPath.BadPath e) {
                throw HttpError.badRequest(e.getMessage());
            }
        };
    }

    private void options(Exchange ex) {
        ex.setHeader("DAV", "1, 2");
        ex.setHeader("Allow", ALLOW);
        ex.setHeader("MS-Author-Via", "DAV");
        ex.setHeader("Accept-Ranges", "bytes");
        ex.send(200, "text/plain;charset=utf-8", "");
    }

    private void delete(Exchange ex) throws Exception {
        if (ex.uriFragment().isPresent()) {
            throw HttpError.badRequest("a URL with a #fragment names no resource to delete");
        }
        DavResource r = dav.resource(ex);
        Location at = r.real(Permission.DELETE);
        if (at.path().isRoot()) {
            throw HttpError.forbidden("a home folder cannot be deleted");
        }
        if (dav.stat(at).isEmpty() && dav.store.stat(at).isEmpty()) {
            throw HttpError.notFound("there is nothing at /" + r.user() + "/" + r.path());
        }
        dav.checkWrite(ex, r, at, true, true);
        if (dav.stat(at).isPresent()) {
            dav.store.trash(at);
        } else {
            dav.store.deletePermanently(at); // a link the container made: removed, never followed
        }
        dav.locks.dropInside(at);
        dav.props.delete(at);
        ex.noContent();
    }

    private void mkcol(Exchange ex) throws Exception {
        byte[] body = DavContext.xmlBody(ex);
        DavResource r = dav.resource(ex);
        Location at = r.real(Permission.CREATE);
        if (dav.store.stat(at).isPresent()) {
            throw new HttpError(405, "method_not_allowed", "/" + r.user() + "/" + r.path() + " already exists");
        }
        if (body.length > 0) {
            throw new HttpError(415, "unsupported_media_type", "MKCOL takes no body");
        }
        dav.checkWrite(ex, r, at, false, true);
        dav.store.mkdir(at);
        ex.setHeader("Location", r.href(true));
        ex.send(201, "text/plain;charset=utf-8", "");
    }

    static boolean isCollection(Entry e) {
        return e.isDirectory();
    }
}
