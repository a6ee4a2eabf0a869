package org.labhub.dav;

import org.labhub.files.FileNamespace;
import org.labhub.storage.RelPath;
import org.labhub.web.Exchange;
import org.labhub.web.HttpError;

/** {@code /dav/<user>/<path>}: a user's files, resolved for the caller through {@link FileNamespace} (own home, shares). */
final class HomeSpace implements DavSpace {
    private final FileNamespace namespace;

    HomeSpace(FileNamespace namespace) {
        this.namespace = namespace;
    }

    @Override
    public DavResource resource(Exchange ex) {
        // Jetty's canonical path decodes only unreserved characters; space, '#', '?' and the like stay encoded
        String user = ex.decodedPathParam("user");
        RelPath path;
        try {
            RelPath.checkName(user);
            path = RelPath.parse(ex.decodedPathParam("path"));
        } catch (RelPath.BadPath e) {
            throw HttpError.badRequest(e.getMessage());
        }
        return resolve(ex, user, path);
    }

    @Override
    public DavResource resolveUrl(Exchange ex, String url) {
        DavUrls.Named n = DavUrls.parse(url, ex.ownOrigin());
        return resolve(ex, n.user(), n.path());
    }

    @Override
    public String lockOwner(Exchange ex) {
        return ex.principal().name();
    }

    private DavResource resolve(Exchange ex, String user, RelPath path) {
        String caller = ex.principal().name();
        return DavResource.inHome(user, path, namespace.resolve(caller, user, path), caller.equals(user));
    }
}
