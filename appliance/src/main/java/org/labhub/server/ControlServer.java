package org.labhub.server;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.unixdomain.server.UnixDomainServerConnector;
import org.eclipse.jetty.util.Callback;
import org.labhub.backup.Backup;
import org.labhub.web.Json;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

/**
 * A Unix socket under {@code <data>/run/} through which the local CLI asks the running hub for work that
 * needs the open catalog (an online backup). Only the hub's own OS user can reach it: the folder is mode 0700.
 */
final class ControlServer {
    private static final Logger log = LoggerFactory.getLogger(ControlServer.class);

    private final Server server = new Server();

    ControlServer(Path socket, Backup backup) throws IOException {
        Path dir = socket.getParent();
        Files.createDirectories(dir);
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        // Only one hub holds the data-root lock, so a socket file left here is from a dead hub.
        Files.deleteIfExists(socket);
        UnixDomainServerConnector connector = new UnixDomainServerConnector(server, new HttpConnectionFactory());
        connector.setUnixDomainPath(socket);
        server.addConnector(connector);
        server.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                if (!request.getMethod().equals("POST") || !Request.getPathInContext(request).equals("/backup")) {
                    reply(response, callback, 404, Map.of("error", "not_found", "message", "the control socket knows POST /backup"));
                    return true;
                }
                try {
                    JsonNode body = Json.MAPPER.readTree(Content.Source.asString(request, StandardCharsets.UTF_8));
                    Backup.Result r = backup.to(Path.of(body.path("target").asString()));
                    reply(response, callback, 200, Map.of("target", r.target().toString(), "bytes", r.bytes(), "millis", r.millis()));
                } catch (IllegalArgumentException e) {
                    reply(response, callback, 400, Map.of("error", "bad_request", "message", e.getMessage()));
                } catch (Exception e) {
                    log.error("backup failed", e);
                    reply(response, callback, 500, Map.of("error", "backup_failed", "message", String.valueOf(e.getMessage())));
                }
                return true;
            }
        });
    }

    private static void reply(Response response, Callback callback, int status, Map<String, Object> body) {
        response.setStatus(status);
        response.getHeaders().put("Content-Type", "application/json");
        Content.Sink.write(response, true, Json.MAPPER.writeValueAsString(body), callback);
    }

    void start() throws Exception {
        server.start();
    }

    void stop() throws Exception {
        server.stop();
    }
}
