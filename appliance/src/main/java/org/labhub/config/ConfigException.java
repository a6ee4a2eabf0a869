package org.labhub.config;

/** A configuration problem an operator must fix; the message names the key and what was wrong. */
public final class ConfigException extends RuntimeException {
    public ConfigException(String message) {
        super(message);
    }
}
