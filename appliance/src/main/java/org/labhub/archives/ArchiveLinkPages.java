package org.labhub.archives;

import java.io.IOException;
import java.util.Map;
import org.labhub.web.Access;
import org.labhub.web.Exchange;
import org.labhub.web.HttpError;
import org.labhub.web.Pages;
import org.labhub.web.Routes;

/**
 * {@code /a/<token>…}: an archive's public link for visitors without an account, read-only: the landing page (files,
 * outputs, checksums, citation, and how its re-runs ended, never who ran them), each file verified as it is read, and
 * the export. Never re-run, never sharing. The link is opened on every request, so a revoked one is a 404 at once.
 */
public final class ArchiveLinkPages implements Routes.Provider {
    private final ArchiveLinks links;
    private final Archives archives;
    private final ArchivePages landing;
    private final Pages pages;

    public ArchiveLinkPages(ArchiveLinks links, Archives archives, ArchivePages landing, Pages pages) {
        this.links = links;
        this.archives = archives;
        this.landing = landing;
        this.pages = pages;
    }

    @Override
    public void register(Routes r) {
        Access anyone = Access.anyone();
        r.get("/a/{token}", anyone, this::view, "Archive link: the archive's landing page, read-only (or the password form)")
         .post("/a/{token}", anyone, this::unlock,
                 "Archive link: unlock a password-protected link (form: password); sets a cookie for /a/<token> and redirects (303) "
                 + "back; 401 for a wrong password, 429 with Retry-After while guessing is throttled")
         .get("/a/{token}/files/{path*}", anyone, this::file, "Archive link: one file of the archive (data/…), verified as it is read")
         .get("/a/{token}/export", anyone, this::export, "Archive link: the whole archive as one tar, verified as it streams");
    }

    private ArchiveAccess.Seen open(Exchange ex) {
        return openLink(ex).seen();
    }

    private ArchiveAccess.Opened openLink(Exchange ex) {
        ex.setHeader("Cache-Control", "private, no-store");
        ex.setHeader("X-Robots-Tag", "noindex, nofollow");
        return links.open(ex.pathParam("token"), ex.cookie(ArchiveLinks.UNLOCK_COOKIE));
    }

    private void view(Exchange ex) throws IOException {
        ArchiveAccess.Opened o;
        try {
            o = openLink(ex);
        } catch (HttpError e) {
            if (e.status() == 401) {
                passwordForm(ex, 401, "");
                return;
            }
            throw e;
        }
        Map<String, Object> model = landing.landingModel(o.seen(), ex, "/a/" + ex.pathParam("token"));
        model.put("linkUntil", o.link().expiresAt().orElse(null));
        pages.render(ex, "archive", model);
    }

    private void file(Exchange ex) throws IOException {
        Archive a = openOrUnlock(ex);
        if (a != null) {
            ArchivesApi.sendFile(archives, a, ex.decodedPathParam("path"), ex);
        }
    }

    private void export(Exchange ex) throws IOException {
        Archive a = openOrUnlock(ex);
        if (a != null) {
            ArchivesApi.sendExport(archives, a, ex);
        }
    }

    /** The archive, or (null) a redirect to the link's page and its password form: the login page is no help here. */
    private Archive openOrUnlock(Exchange ex) {
        try {
            return open(ex).archive();
        } catch (HttpError e) {
            if (e.status() != 401) {
                throw e;
            }
            ex.redirect("/a/" + ex.pathParam("token"));
            return null;
        }
    }

    private void unlock(Exchange ex) {
        String token = ex.pathParam("token");
        String password = ex.formValue("password");
        ArchiveAccess.Opened o;
        try {
            o = links.unlock(token, password, ex.clientAddress());
        } catch (HttpError e) {
            if (e.status() == 429) {
                long seconds = Math.max(1, e.retryAfterSeconds());
                ex.setHeader("Retry-After", Long.toString(seconds));
                passwordForm(ex, 429, "Too many attempts. Try again in " + seconds + " s.");
                return;
            }
            if (e.status() == 401) {
                passwordForm(ex, 401, password.isEmpty() ? "Enter the link's password." : "Wrong password. Try again.");
                return;
            }
            throw e;
        }
        ex.addCookie(links.unlockCookie(token, o.link(), ex.secure()));
        ex.redirect("/a/" + token);
    }

    private void passwordForm(Exchange ex, int status, String error) {
        ex.setHeader("Cache-Control", "private, no-store");
        pages.render(ex, status, "archive-link-password", Map.of("token", ex.pathParam("token"), "error", error));
    }
}
