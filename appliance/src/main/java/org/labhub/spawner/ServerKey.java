package org.labhub.spawner;

/** Names one server: its user, and its name ({@code ""} for the default server). */
public record ServerKey(String user, String server) {
    /** Named servers: 1 to 32 lowercase letters, digits or -, starting with a letter or digit. */
    public static final String NAME_PATTERN = "[a-z0-9][a-z0-9-]{0,31}";

    public static ServerKey defaultOf(String user) {
        return new ServerKey(user, "");
    }

    /** Checks a server name from a request; "default" is kept for the folder of the default server. */
    public static String checkName(String name) {
        if (name == null || !name.matches(NAME_PATTERN) || name.equals("default")) {
            throw new IllegalArgumentException("a server name is 1 to 32 lowercase letters, digits or -, and not \"default\"");
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
