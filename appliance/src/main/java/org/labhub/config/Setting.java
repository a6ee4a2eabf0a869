package org.labhub.config;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * One documented configuration key: its name, default, meaning and how to parse it.
 * Settings are declared once in {@link Settings}; the loader, the docs and the env overrides all read that list.
 */
public final class Setting<T> {
    private final String key;
    private final String defaultText;
    private final String description;
    private final Function<String, T> parser;

    private Setting(String key, String defaultText, String description, Function<String, T> parser) {
        this.key = key;
        this.defaultText = defaultText;
        this.description = description;
        this.parser = parser;
    }

    public String key() { return key; }
    public String defaultText() { return defaultText; }
    public String description() { return description; }

    /** The environment variable that overrides this key: {@code http.port} is {@code LABHUB_HTTP_PORT}. */
    public String envName() {
        return "LABHUB_" + key.replace('.', '_').toUpperCase(Locale.ROOT);
    }

    T parse(String text) {
        try {
            return parser.apply(text.trim());
        } catch (IllegalArgumentException e) {
            throw new ConfigException(key + ": " + e.getMessage() + " (got \"" + text + "\")");
        }
    }

    static Setting<String> text(String key, String defaultValue, String description) {
        return new Setting<>(key, defaultValue, description, s -> s);
    }

    static Setting<Integer> integer(String key, int defaultValue, int min, int max, String description) {
        return new Setting<>(key, Integer.toString(defaultValue), description, s -> {
            int value;
            try {
                value = Integer.parseInt(s);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("expected a whole number");
            }
            if (value < min || value > max) {
                throw new IllegalArgumentException("expected a number from " + min + " to " + max);
            }
            return value;
        });
    }

    static Setting<Boolean> bool(String key, boolean defaultValue, String description) {
        return new Setting<>(key, Boolean.toString(defaultValue), description, s -> {
            switch (s.toLowerCase(Locale.ROOT)) {
                case "true": case "yes": case "on": return true;
                case "false": case "no": case "off": return false;
                default: throw new IllegalArgumentException("expected true or false");
            }
        });
    }

    /** A size such as {@code 10g}, {@code 512m} or {@code 0} (see {@link ByteSize}). */
    static Setting<Long> bytes(String key, String defaultValue, String description) {
        return new Setting<>(key, defaultValue, description, ByteSize::parse);
    }

    static Setting<Duration> duration(String key, String defaultValue, String description) {
        return new Setting<>(key, defaultValue, description, Setting::parseDuration);
    }

    static Setting<String> oneOf(String key, String defaultValue, List<String> choices, String description) {
        return new Setting<>(key, defaultValue, description + " One of: " + String.join(", ", choices) + ".", s -> {
            if (!choices.contains(s)) {
                throw new IllegalArgumentException("expected one of " + String.join(", ", choices));
            }
            return s;
        });
    }

    /** Durations are written as a number and a unit: {@code 500ms}, {@code 30s}, {@code 15m}, {@code 8h}, {@code 14d}. */
    static Duration parseDuration(String s) {
        var m = java.util.regex.Pattern.compile("(\\d{1,9})(ms|s|m|h|d)").matcher(s);
        if (!m.matches()) {
            throw new IllegalArgumentException("expected a duration such as 30s, 15m, 8h or 14d");
        }
        long n = Long.parseLong(m.group(1));
        switch (m.group(2)) {
            case "ms": return Duration.ofMillis(n);
            case "s": return Duration.ofSeconds(n);
            case "m": return Duration.ofMinutes(n);
            case "h": return Duration.ofHours(n);
            default: return Duration.ofDays(n);
        }
    }
}
