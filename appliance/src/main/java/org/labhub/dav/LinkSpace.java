package org.labhub.dav;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import org.labhub.files.Permission;
import org.labhub.files.Target;
import org.labhub.shares.PublicLinks;
import org.labhub.storage.Entry;
import org.labhub.storage.FileStore;
import org.labhub.storage.Location;
import org.labhub.storage.RelPath;
import org.labhub.web.Exchange;
import org.labhub.web.HttpError;

/**
 * {@code /s/<token>/dav/<path>}: one public link as a WebDAV tree rooted at the shared item. The link is opened once
 * per request through {@link PublicLinks#open} (so revocation, expiry and the password throttle apply at once), with
 * the password from HTTP Basic (any user name, as Nextcloud does). A folder link's root cannot be deleted or moved
 * through the link; a file link is a single read-only resource; a drop box holds create only, so it may PUT new files
 * and MKCOL but never read, list or overwrite.
 */
final class LinkSpace implements DavSpace {
    private static final String OPENED = LinkSpace.class.getName() + ".opened";

    private final PublicLinks links;
    private final FileStore store;

    LinkSpace(PublicLinks links, FileStore store) {
        this.links = links;
        this.store = store;
    }

    @Override
    public DavResource resource(Exchange ex) {
        try {
            return resolve(ex, RelPath.parse(ex.decodedPathParam("path")));
        } catch (RelPath.BadPath e) {
            throw HttpError.badRequest(e.getMessage());
        }
    }

    @Override
    public DavResource resolveUrl(Exchange ex, String url) {
        return resolve(ex, DavUrls.parseUnder(url, ex.ownOrigin(), base(ex)));
    }

    @Override
    public String lockOwner(Exchange ex) {
        return "link:" + open(ex).share().id();
    }

    private static String base(Exchange ex) {
        return "/s/" + ex.pathParam("token") + "/dav/";
    }

    private DavResource resolve(Exchange ex, RelPath path) {
        PublicLinks.Link link = open(ex);
        Location root = link.location();
        Optional<Entry> item;
        try {
            item = store.stat(root).filter(e -> e.isFile() || e.isDirectory());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (item.isEmpty() || (item.get().isFile() && !path.isRoot())) {
            throw HttpError.notFound("there is nothing at /" + path + " in this link");
        }
        Set<Permission> held = EnumSet.noneOf(Permission.class);
        held.addAll(link.permissions());
        if (item.get().isFile()) {
            held.retainAll(EnumSet.of(Permission.READ));
        } else if (path.isRoot()) {
            held.remove(Permission.DELETE);
        }
        Location at = new Location(root.owner(), root.path().resolve(path));
        return new DavResource(link.share().name(), path, new Target.Real(at, held), base(ex), false);
    }

    /** The link this request opened (once per request: a password is checked, and throttled, once). */
    PublicLinks.Link open(Exchange ex) {
        var request = ex.response().getRequest();
        if (request.getAttribute(OPENED) instanceof PublicLinks.Link cached) {
            return cached;
        }
        PublicLinks.Link link = links.open(ex.pathParam("token"), password(ex), Optional.empty(), ex.clientAddress());
        request.setAttribute(OPENED, link);
        return link;
    }

    /** The password of a Basic header (the user name is ignored); none without one. */
    private static Optional<String> password(Exchange ex) {
        Optional<String> header = ex.header("Authorization").map(String::trim);
        if (header.isEmpty() || !header.get().regionMatches(true, 0, "basic ", 0, 6)) {
            return Optional.empty();
        }
        try {
            String decoded = new String(Base64.getDecoder().decode(header.get().substring(6).trim()), StandardCharsets.UTF_8);
            int colon = decoded.indexOf(':');
            return colon < 0 ? Optional.empty() : Optional.of(decoded.substring(colon + 1));
        } catch (IllegalArgumentException e) {
            throw HttpError.unauthorized("malformed Basic credentials");
        }
    }
}
