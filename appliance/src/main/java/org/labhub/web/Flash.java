package org.labhub.web;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;
import org.labhub.auth.Cookies;
import org.labhub.auth.Secrets;

/**
 * One-shot messages shown on the page after a redirect ("Password changed."). Carried in a short-lived cookie
 * signed with the hub's key, so another origin cannot plant text on our pages.
 */
public final class Flash {
    public record Message(String kind, String text) {}

    /** Longer messages (a failed start's log lines) are cut so that the cookie stays well under browsers' 4 KB. */
    private static final int MAX_TEXT = 1500;

    private final byte[] key;

    public Flash(byte[] key) {
        this.key = key.clone();
    }

    public void success(Exchange ex, String text) {
        set(ex, "success", text);
    }

    /** A message shown as an alert: something the person asked for did not happen. */
    public void error(Exchange ex, String text) {
        set(ex, "error", text);
    }

    private void set(Exchange ex, String kind, String text) {
        if (text.length() > MAX_TEXT) {
            text = text.substring(0, MAX_TEXT - 1) + "…"; // a cookie holds about 4 KB
        }
        String body = Base64.getUrlEncoder().withoutPadding()
                .encodeToString((kind + "\n" + text).getBytes(StandardCharsets.UTF_8));
        ex.addCookie(Cookies.of(Cookies.FLASH, body + "." + sign(body), ex.secure(), Duration.ofMinutes(5)));
    }

    /** The pending message, if any and genuine; reading it clears it. */
    public Optional<Message> take(Exchange ex) {
        Optional<String> raw = ex.cookie(Cookies.name(Cookies.FLASH, ex.secure()));
        if (raw.isEmpty()) {
            return Optional.empty();
        }
        ex.addCookie(Cookies.expired(Cookies.FLASH, ex.secure()));
        String v = raw.get();
        int dot = v.lastIndexOf('.');
        if (dot < 0 || !Secrets.constantTimeEquals(sign(v.substring(0, dot)), v.substring(dot + 1))) {
            return Optional.empty();
        }
        try {
            String text = new String(Base64.getUrlDecoder().decode(v.substring(0, dot)), StandardCharsets.UTF_8);
            int nl = text.indexOf('\n');
            return nl < 0 ? Optional.empty() : Optional.of(new Message(text.substring(0, nl), text.substring(nl + 1)));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private String sign(String body) {
        return org.labhub.auth.Secrets.hmac(key, body);
    }
}
