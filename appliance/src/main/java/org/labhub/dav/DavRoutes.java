package org.labhub.dav;

import java.nio.file.Path;
import java.time.Clock;
import org.labhub.auth.Scope;
import org.labhub.files.FileNamespace;
import org.labhub.files.Permission;
import org.labhub.files.SafeContent;
import org.labhub.shares.PublicLinks;
import org.labhub.storage.Entry;
import org.labhub.storage.FileError;
import org.labhub.storage.FileStore;
import org.labhub.storage.Location;
import org.labhub.storage.RelPath;
import org.labhub.web.Access;
import org.labhub.web.Endpoint;
import org.labhub.web.Exchange;
import org.labhub.web.HttpError;
import org.labhub.web.PercentDecoding;
import org.labhub.web.Routes;

/**
 * WebDAV class 1 and 2 at {@code /dav/<user>/…} (ADR 11): every method on one route table, all behind the
 * {@code files} scope with app passwords; the handlers live in one class per method group. The same handlers serve
 * public links at {@code /s/<token>/dav/…} ({@link #forLinks}), over the same locks and dead properties.
 */
public final class DavRoutes implements Routes.Provider {
    static final String ALLOW = "OPTIONS, GET, HEAD, PUT, DELETE, MKCOL, COPY, MOVE, PROPFIND, PROPPATCH, LOCK, UNLOCK";
    private static final String PATH = "/dav/{user}/{path*}";
    private static final String LINK_PATH = "/s/{token}/dav/{path*}";
    private static final String[] METHODS = {"OPTIONS", "GET", "PUT", "DELETE", "MKCOL", "COPY", "MOVE", "PROPFIND", "PROPPATCH", "LOCK", "UNLOCK"};

    private final DavContext homes;

    public DavRoutes(FileStore store, FileNamespace namespace, Path propsRoot, Clock clock) {
        this.homes = new DavContext(store, new HomeSpace(namespace), new DavLocks(clock), new DeadProps(propsRoot));
    }

    @Override
    public void register(Routes routes) {
        Access files = Access.user(Scope.FILES);
        Handlers h = new Handlers(homes);
        for (String method : METHODS) {
            Endpoint handler = method.equals("GET") ? attachment(h.endpoint(method)) : h.endpoint(method);
            routes.addWithAppPassword(method, PATH, files, handler, "WebDAV: " + h.summary(method));
        }
    }

    /**
     * WebDAV for public links, rooted at the shared item, with the link's permissions; no account, HTTP Basic with the
     * link's password when it has one. Registered by the link pages, ahead of their own {@code /s/<token>/…} routes.
     */
    public Routes.Provider forLinks(PublicLinks links) {
        LinkSpace space = new LinkSpace(links, homes.store);
        Handlers h = new Handlers(homes.in(space));
        return routes -> {
            for (String method : METHODS) {
                Endpoint handler = method.equals("GET") ? attachment(h.endpoint(method)) : h.endpoint(method);
                // The link first (404 unknown or expired, 401 without its password, 429 while throttled), before any
                // method's own answer, such as PROPFIND's 403 for Depth: infinity.
                Endpoint e = ex -> {
                    space.open(ex);
                    handler.handle(ex);
                };
                routes.addForLink(method, LINK_PATH, e, "WebDAV of a public link: " + h.summary(method)
                        + " (anonymous; Basic with any user name and the link's password if it has one)");
            }
        };
    }

    /**
     * A browser can open a WebDAV URL too (a link's with no credentials at all, a home's after a Basic prompt), and a
     * shared HTML or SVG file must not run on the hub's origin: served as an attachment, never sniffed, sandboxed, as
     * the file pages serve it ({@link SafeContent}). Sync clients ignore these headers.
     */
    private static Endpoint attachment(Endpoint get) {
        return ex -> {
            String path = ex.pathParam("path");
            String name = path.replaceAll("/+$", "");
            name = name.substring(name.lastIndexOf('/') + 1);
            SafeContent.headers(ex, name.isEmpty() ? "download" : PercentDecoding.strict(name), true);
            get.handle(ex);
        };
    }

    /** Every method's handler over one tree. */
    private static final class Handlers {
        private final DavContext dav;
        private final DavGet get;
        private final DavPut put;
        private final DavCopyMove copyMove;
        private final DavPropfind propfind;
        private final DavProppatch proppatch;
        private final DavLocking locking;

        Handlers(DavContext dav) {
            this.dav = dav;
            this.get = new DavGet(dav);
            this.put = new DavPut(dav);
            this.copyMove = new DavCopyMove(dav);
            this.propfind = new DavPropfind(dav);
            this.proppatch = new DavProppatch(dav);
            this.locking = new DavLocking(dav);
        }

        Endpoint endpoint(String method) {
            return guard(switch (method) {
                case "OPTIONS" -> DavRoutes::options;
                case "GET" -> get::handle;
                case "PUT" -> put::handle;
                case "DELETE" -> this::delete;
                case "MKCOL" -> this::mkcol;
                case "COPY" -> copyMove::copy;
                case "MOVE" -> copyMove::move;
                case "PROPFIND" -> propfind::handle;
                case "PROPPATCH" -> proppatch::handle;
                case "LOCK" -> locking::lock;
                case "UNLOCK" -> locking::unlock;
                default -> throw new IllegalArgumentException(method);
            });
        }

        String summary(String method) {
            return switch (method) {
                case "OPTIONS" -> "what the server supports";
                case "GET" -> "download a file (ranges, ETags)";
                case "PUT" -> "upload a file (streamed, quota-checked)";
                case "DELETE" -> "move a file or folder to the trash";
                case "MKCOL" -> "create a folder";
                case "COPY" -> "copy to the Destination";
                case "MOVE" -> "move to the Destination";
                case "PROPFIND" -> "properties of a resource and its members";
                case "PROPPATCH" -> "set and remove dead properties";
                case "LOCK" -> "take or refresh a write lock";
                case "UNLOCK" -> "release a write lock";
                default -> throw new IllegalArgumentException(method);
            };
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

    private static void options(Exchange ex) {
        ex.setHeader("DAV", "1, 2");
        ex.setHeader("Allow", ALLOW);
        ex.setHeader("MS-Author-Via", "DAV");
        ex.setHeader("Accept-Ranges", "bytes");
        ex.send(200, "text/plain;charset=utf-8", "");
    }

    static boolean isCollection(Entry e) {
        return e.isDirectory();
    }
}
