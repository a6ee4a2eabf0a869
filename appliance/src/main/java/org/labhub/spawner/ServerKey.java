package org.labhub.spawner;

import java.util.Set;

/** Names one server: its user, and its name ({@code ""} for the default server). */
public record ServerKey(String user, String server) {
    /** Named servers: 1 to 32 lowercase letters, digits or -, starting with a letter or digit. */
    public static final String NAME_PATTERN = "[a-z0-9][a-z0-9-]{0,31}";

    public static ServerKey defaultOf(String user) {
        return new ServerKey(user, "");
    }

    /**
     * Names a named server cannot have: "default" is the folder of the default server, and the rest are the first
     * path segments of the notebook's own pages, which {@code /user/alice/<name>/} would otherwise shadow.
     */
    static final Set<String> RESERVED = Set.of("default", "api", "tree", "notebooks", "files", "edit", "view", "terminals",
            "static", "nbconvert", "kernelspecs", "custom", "nbextensions", "lab", "login", "logout", "metrics", "voila", "doc");

    /** Checks a server name from a request. */
    public static String checkName(String name) {
        if (name == null || !name.matches(NAME_PATTERN)) {
            throw new IllegalArgumentException("a server name is 1 to 32 lowercase letters, digits or -");
        }
        if (RESERVED.contains(name)) {
            throw new IllegalArgumentException("\"" + name + "\" is kept for the notebook's own pages; choose another server name");
        }
        return name;
    }

    public boolean isDefault() {
        return server.isEmpty();
    }

    /** The URL prefix the notebook serves under: {@code /user/alice/} or {@code /user/alice/analysis/}. */
    public String baseUrl() {
        return "/user/" + user + "/" + (server.isEmpty() ? "" : server + "/");
    }

    /** For messages: {@code alice's server} or {@code alice's server "analysis"}. */
    public String describe() {
        return user + "'s " + (server.isEmpty() ? "server" : "server \"" + server + "\"");
    }

    @Override
    public String toString() {
        return server.isEmpty() ? user : user + "/" + server;
    }
}
