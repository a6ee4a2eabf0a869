package org.labhub.files;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.labhub.storage.Entry;
import org.labhub.storage.FileError;
import org.labhub.storage.Location;
import org.labhub.storage.RelPath;
import org.labhub.web.Exchange;
import org.labhub.web.HttpError;

/**
 * What every file route does the same way: turn {@code {user}/{path*}} into a {@link Target} for the caller (a
 * refused path is a 400 naming the reason, before any file is touched), check a permission, and turn the storage
 * layer's refusals into statuses.
 */
final class FileRequests {
    private final FileNamespace namespace;

    FileRequests(FileNamespace namespace) {
        this.namespace = namespace;
    }

    /** The route's {@code {user}} and {@code {path*}}, as this caller may see them. */
    Target target(Exchange ex) {
        return target(ex, ex.decodedPathParam("user"), ex.decodedPathParam("path"));
    }

    Target target(Exchange ex, String user, String rawPath) {
        return namespace.resolve(ex.principal().name(), checkUser(user), parse(rawPath));
    }

    /** A {@code <user>/<path>} reference from a JSON body ({@code "to"} of a move or copy). */
    Target.Real reference(Exchange ex, String ref, Permission needed) {
        if (ref == null || ref.isBlank()) {
            throw HttpError.badRequest("\"to\" is missing: give it as \"<user>/<path>\"");
        }
        if (ref.startsWith("/")) {
            throw HttpError.badRequest("\"to\" must be \"<user>/<path>\", not an absolute path");
        }
        int slash = ref.indexOf('/');
        String user = slash < 0 ? ref : ref.substring(0, slash);
        String path = slash < 0 ? "" : ref.substring(slash + 1);
        return real(target(ex, user, path), needed);
    }

    static RelPath parse(String rawPath) {
        if (rawPath.startsWith("/")) {
            throw HttpError.badRequest("the path must be relative to the home: it starts with \"/\"");
        }
        try {
            return RelPath.parse(rawPath);
        } catch (RelPath.BadPath e) {
            throw HttpError.badRequest(e.getMessage());
        }
    }

    private static String checkUser(String user) {
        try {
            return RelPath.checkName(user);
        } catch (RelPath.BadPath e) {
            throw HttpError.badRequest(e.getMessage());
        }
    }

    /** The real place behind a target before any permission is asked (which depends on what is there); virtual folders are read-only. */
    static Location location(Target t) {
        if (t instanceof Target.Real r) {
            return r.location();
        }
        throw HttpError.forbidden("\"shared/\" and the owners in it are made up by the hub and cannot be changed");
    }

    /** The real place behind a target, if the caller holds {@code needed} there; virtual folders are read-only. */
    static Target.Real real(Target t, Permission needed) {
        if (t instanceof Target.Real r) {
            if (!r.may(needed)) {
                throw HttpError.forbidden("you may not " + verb(needed) + " here");
            }
            return r;
        }
        throw HttpError.forbidden("\"shared/\" and the owners in it are made up by the hub and cannot be changed");
    }

    private static String verb(Permission p) {
        return switch (p) {
            case READ -> "read";
            case CREATE -> "create files";
            case UPDATE -> "change files";
            case DELETE -> "delete files";
            case RESHARE -> "share";
        };
    }

    /** The status a client hears for a refusal of the storage layer. */
    static HttpError toHttp(FileError e) {
        return switch (e.reason()) {
            case NOT_FOUND -> HttpError.notFound(e.getMessage());
            case EXISTS -> new HttpError(409, "exists", e.getMessage());
            case PARENT_MISSING -> new HttpError(409, "parent_missing", e.getMessage());
            case NOT_A_DIRECTORY -> new HttpError(409, "not_a_folder", e.getMessage());
            case IS_A_DIRECTORY -> new HttpError(409, "is_a_folder", e.getMessage());
            case SYMLINK -> new HttpError(403, "symlink", e.getMessage());
            case QUOTA_EXCEEDED -> new HttpError(507, "quota_exceeded", e.getMessage());
            case INTO_ITSELF -> new HttpError(409, "into_itself", e.getMessage());
        };
    }

    /** One entry of a listing (and the answer to {@code ?meta}). */
    static Map<String, Object> json(Entry e) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", e.name());
        m.put("type", type(e.kind()));
        m.put("size", e.isFile() ? e.size() : 0);
        m.put("modified", e.modified().toString());
        m.put("etag", e.etag());
        return m;
    }

    static String type(Entry.Kind kind) {
        return switch (kind) {
            case FILE -> "file";
            case DIRECTORY -> "folder";
            case SYMLINK -> "link";
            case OTHER -> "other";
        };
    }

    /** A file action that may throw the storage layer's refusals, which become statuses. */
    interface Io<T> {
        T run() throws IOException;
    }

    static <T> T io(Io<T> action) {
        try {
            return action.run();
        } catch (FileError e) {
            throw toHttp(e);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
