package org.labhub.dav;

import java.util.ArrayList;
import java.util.List;
import org.labhub.files.Permission;
import org.labhub.files.Target;
import org.labhub.storage.Location;
import org.labhub.storage.RelPath;
import org.labhub.web.HttpError;

/** A WebDAV URL ({@code /dav/<user>/<path>}) and what it names for the caller. */
record DavResource(String user, RelPath path, Target target) {

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
        return DavXml.href(user, path.names(), collection);
    }

    String childHref(String name, boolean collection) {
        List<String> names = new ArrayList<>(path.names());
        names.add(name);
        return DavXml.href(user, names, collection);
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
