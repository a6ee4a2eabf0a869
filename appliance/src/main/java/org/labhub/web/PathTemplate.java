package org.labhub.web;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A route's path template: {@code {name}} matches one segment; a last segment {@code {name*}} matches the rest
 * of the path, slashes included, and may be empty ({@code /dav/{user}/{path*}} matches {@code /dav/alice},
 * {@code /dav/alice/} and {@code /dav/alice/a/b.txt}). Jetty's {@code UriTemplatePathSpec} has no rest-of-path
 * variable, which file routes need.
 */
final class PathTemplate {
    private static final Pattern VARIABLE = Pattern.compile("\\{(\\w+)(\\*?)}");

    private final Pattern pattern;
    private final List<String> names = new ArrayList<>();
    private final String rest;

    PathTemplate(String template) {
        StringBuilder regex = new StringBuilder();
        Matcher m = VARIABLE.matcher(template);
        int last = 0;
        String restName = null;
        while (m.find()) {
            String literal = template.substring(last, m.start());
            if (!m.group(2).isEmpty()) {
                if (m.end() != template.length() || !literal.endsWith("/")) {
                    throw new IllegalArgumentException("a {name*} variable must be the whole last segment: " + template);
                }
                restName = m.group(1);
                regex.append(Pattern.quote(literal.substring(0, literal.length() - 1)));
                regex.append("(?:/(?<").append(restName).append(">.*))?");
            } else {
                regex.append(Pattern.quote(literal)).append("(?<").append(m.group(1)).append(">[^/]+)");
                names.add(m.group(1));
            }
            last = m.end();
        }
        regex.append(Pattern.quote(template.substring(last)));
        this.pattern = Pattern.compile(regex.toString());
        this.rest = restName;
    }

    /** The variables' values if {@code path} matches; the rest-of-path variable is "" when absent. */
    Optional<Map<String, String>> match(String path) {
        Matcher m = pattern.matcher(path);
        if (!m.matches()) {
            return Optional.empty();
        }
        Map<String, String> params = new LinkedHashMap<>();
        for (String name : names) {
            params.put(name, m.group(name));
        }
        if (rest != null) {
            params.put(rest, m.group(rest) == null ? "" : m.group(rest));
        }
        return Optional.of(params);
    }
}
