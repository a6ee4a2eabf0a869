package org.labhub.proxy;

import java.nio.file.Path;
import org.labhub.spawner.ServerKey;

/**
 * Where one proxied request goes: a running server's Unix socket, the token the hub adds for it, and the path and
 * query to ask for there (already checked to lie under the server's base URL).
 */
record Upstream(ServerKey key, Path socket, String token, String pathAndQuery) {
    static final String ATTRIBUTE = Upstream.class.getName();
}
