package org.labhub.dav;

import org.labhub.web.Exchange;

/**
 * A tree of WebDAV URLs and what they name for the caller: a user's files at {@code /dav/<user>/} ({@link HomeSpace}),
 * or one public link at {@code /s/<token>/dav/} ({@link LinkSpace}). The handlers ask only this, so both trees share
 * every method's code, and each tree confines its URLs (a Destination in another tree is refused).
 */
interface DavSpace {
    /** The request's own resource; its path checked (400 with the reason) before anything is touched. */
    DavResource resource(Exchange ex);

    /** A URL the client named in a header (Destination, a tagged If list), in this same tree. */
    DavResource resolveUrl(Exchange ex, String url);

    /** Whose locks the caller takes and may use. */
    String lockOwner(Exchange ex);
}
