package org.labhub.web;

import io.pebbletemplates.pebble.PebbleEngine;
import io.pebbletemplates.pebble.extension.AbstractExtension;
import io.pebbletemplates.pebble.extension.Filter;
import io.pebbletemplates.pebble.loader.ClasspathLoader;
import io.pebbletemplates.pebble.template.EvaluationContext;
import io.pebbletemplates.pebble.template.PebbleTemplate;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.labhub.auth.Cookies;
import org.labhub.auth.Principal;
import org.labhub.auth.Secrets;

/**
 * Renders the server-side pages (Pebble templates in {@code web/templates}, HTML-escaped by default) inside
 * the one layout, adding what every page needs: the user, the CSRF token, the pending flash message.
 */
public final class Pages {
    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'").withZone(ZoneOffset.UTC);

    private final PebbleEngine engine;
    private final Flash flash;
    private final boolean signupEnabled;

    public Pages(Flash flash, boolean signupEnabled) {
        ClasspathLoader loader = new ClasspathLoader(Pages.class.getClassLoader());
        loader.setPrefix("web/templates/");
        loader.setSuffix(".peb");
        this.engine = new PebbleEngine.Builder().loader(loader).strictVariables(true)
                .extension(new AbstractExtension() {
                    @Override
                    public Map<String, Filter> getFilters() {
                        return Map.of("when", new WhenFilter());
                    }
                })
                .build();
        this.flash = flash;
        this.signupEnabled = signupEnabled;
    }

    public Flash flash() {
        return flash;
    }

    public void render(Exchange ex, String template, Map<String, Object> model) {
        render(ex, 200, template, model);
    }

    public void render(Exchange ex, int status, String template, Map<String, Object> model) {
        ex.html(status, renderToString(ex, template, model));
    }

    String renderToString(Exchange ex, String template, Map<String, Object> model) {
        Map<String, Object> all = new HashMap<>(model);
        Principal p = ex.principal();
        all.put("me", p.user().orElse(null));
        all.put("csrf", csrfToken(ex));
        all.put("flash", flash.take(ex).orElse(null));
        all.put("path", ex.path());
        all.put("signupEnabled", signupEnabled);
        PebbleTemplate t = engine.getTemplate(template);
        StringWriter out = new StringWriter();
        try {
            t.evaluate(out, all);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    /** The token forms must echo: the session's, or before login a double-submit cookie set here. */
    private static String csrfToken(Exchange ex) {
        Principal p = ex.principal();
        if (p.csrfToken().isPresent()) {
            return p.csrfToken().get();
        }
        Optional<String> existing = ex.cookie(Cookies.name(Cookies.ANONYMOUS_CSRF, ex.secure()));
        if (existing.isPresent() && existing.get().length() == 32) {
            return existing.get();
        }
        String token = Secrets.randomToken(24);
        ex.addCookie(Cookies.of(Cookies.ANONYMOUS_CSRF, token, ex.secure(), Duration.ofHours(12)));
        return token;
    }

    /** {@code {{ t | when }}}: an instant (or Optional of one) as {@code 2026-11-21 18:46 UTC}, or a dash. */
    private static final class WhenFilter implements Filter {
        @Override
        public List<String> getArgumentNames() {
            return List.of();
        }

        @Override
        public Object apply(Object input, Map<String, Object> args, PebbleTemplate self, EvaluationContext ctx, int line) {
            Object v = input instanceof Optional<?> o ? o.orElse(null) : input;
            return v instanceof Instant i ? WHEN.format(i) : "—";
        }
    }
}
