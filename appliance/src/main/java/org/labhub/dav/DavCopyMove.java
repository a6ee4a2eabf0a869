package org.labhub.dav;

import java.util.Optional;
import org.labhub.files.Permission;
import org.labhub.storage.Entry;
import org.labhub.storage.Location;
import org.labhub.web.Exchange;
import org.labhub.web.HttpError;

/**
 * COPY and MOVE: the Destination header is parsed like a request path (same hub, under {@code /dav/}, decoded and
 * checked), resolved for the caller, and both ends are permission- and lock-checked before the store acts.
 */
final class DavCopyMove {
    private final DavContext dav;

    DavCopyMove(DavContext dav) {
        this.dav = dav;
    }

    void copy(Exchange ex) throws Exception {
        transfer(ex, false);
    }

    void move(Exchange ex) throws Exception {
        transfer(ex, true);
    }

    private void transfer(Exchange ex, boolean move) throws Exception {
        DavResource src = dav.resource(ex);
        Location from = src.real(move ? Permission.DELETE : Permission.READ);
        if (move && from.path().isRoot()) {
            throw HttpError.forbidden("a home folder cannot be moved");
        }
        Entry what = dav.stat(from).orElseThrow(() -> HttpError.notFound("there is nothing at /" + src.user() + "/" + src.path()));
        String destination = ex.header("Destination").orElseThrow(() -> HttpError.badRequest("COPY and MOVE need a Destination header"));
        DavResource dst = dav.resolveUrl(ex, destination.trim());
        if (dst.path().isRoot() || dst.isVirtual()) {
            throw HttpError.forbidden("the destination is a folder that cannot be replaced");
        }
        Location probe = dst.real(Permission.CREATE);
        Optional<Entry> there = dav.store.stat(probe);
        Location to = there.isPresent() ? dst.real(Permission.UPDATE) : probe;
        if (there.isPresent()) {
            dst.real(Permission.DELETE);
        }
        if (from.equals(to)) {
            throw HttpError.forbidden("the source and the destination are the same");
        }
        boolean overwrite = !ex.header("Overwrite").map(String::trim).filter(v -> v.equalsIgnoreCase("F")).isPresent();
        Optional<String> depth = DavContext.depth(ex);
        boolean recursive = true;
        if (depth.isPresent()) {
            switch (depth.get()) {
                case "infinity" -> recursive = true;
                case "0" -> {
                    if (move) {
                        throw HttpError.badRequest("MOVE takes Depth: infinity only");
                    }
                    recursive = false;
                }
                default -> throw HttpError.badRequest("Depth must be 0 or infinity here");
            }
        }
        dav.checkIf(ex, src);
        if (move) {
            dav.checkLocks(ex, from, true, true);
        }
        dav.checkLocks(ex, to, true, true);
        if (there.isPresent() && !overwrite) {
            throw new HttpError(412, "precondition_failed", "the destination exists and Overwrite is F");
        }
        if (move) {
            dav.store.move(from, to, overwrite);
            dav.locks.dropInside(from);
        } else {
            dav.store.copy(from, to, overwrite, recursive && what.isDirectory());
        }
        if (there.isPresent()) {
            dav.locks.dropInside(to);
        }
        dav.props.copy(from, to, move);
        if (there.isPresent()) {
            ex.noContent();
        } else {
            ex.setHeader("Location", dst.href(what.isDirectory()));
            ex.send(201, "text/plain;charset=utf-8", "");
        }
    }
}
