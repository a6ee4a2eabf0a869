package org.labhub.dav;

import java.util.ArrayList;
import java.util.List;
import org.labhub.files.Permission;
import org.labhub.files.Target;
import org.labhub.storage.Location;
import org.labhub.storage.RelPath;
import org.labhub.web.HttpError;

/**
 * A WebDAV URL and what it names for the caller. {@code base} is where the tree is mounted ({@code /dav/<user>/} or
 * {@code /s/<token>/dav/}, encoded), {@code path} the rest of the URL; {@code user} names the tree's root in messages
 * and as its display name (the user, or the link's item); {@code home} says it is the caller's own home, whose root
 * shows the virtual {@code shared/} folder.
 */
record DavResource(String user, RelPath path, Target target, String base, boolean home) {

    /** A resource under {@code /dav/<user>/}. */
    static DavResource inHome(String user, RelPath path, Target target, boolean own) {
        return new DavResource(user, path, target, DavXml.href(user, List.of(), true), own);
    }

    /** Whether a listing of this resource shows (and its real {@code shared} folder is hidden by) the virtual {@code shared/}. */
    boolean showsIncoming() {
        return home && path.isRoot();
    }

    /** The real place, if the caller holds {@code needed} there; 403 otherwise (virtual folders are read-only). */
    Location real(Permission needed) {
        if (target instanceof Target.Real r) {
            if (!r.may(needed)) {
                throw HttpError.forbidden("you may not " + verb(needed) + " /" + user + "/" + path);
            }
            return r.location();
        }
        throw HttpError.forbidden("/" + user + "/" + path + " is a read-only folder the hub makes up");
    }

    boolean isVirtual() {
        return target instanceof Target.Virtual;
    }

    String href(boolean collection) {
        return DavXml.hrefUnder(base, path.names(), collection);
    }

    String childHref(String name, boolean collection) {
        List<String> names = new ArrayList<>(path.names());
        names.add(name);
        return DavXml.hrefUnder(base, names, collection);
    }

    private static String verb(Permission p) {
        return switch (p) {
            case READ -> "read";
            case CREATE -> "create things in";
            case UPDATE -> "change";
            case DELETE -> "delete";
            case RESHARE -> "reshare";
        };
    }
}
