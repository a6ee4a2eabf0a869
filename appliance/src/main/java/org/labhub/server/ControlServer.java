package org.labhub.server;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
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
import org.labhub.search.SearchFreshness;
import org.labhub.web.Json;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

/**
 * A Unix socket under {@code <data>/run/} through which the local CLI asks the running hub for work that
 * needs the open catalog or index (an online backup, a search index rebuild). Only the hub's own OS user can
 * reach it: the folder is mode 0700.
 */
final class ControlServer {
    private static final Logger log = LoggerFactory.getLogger(ControlServer.class);

    private final Server server = new Server();

    ControlServer(Path socket, Backup backup, SearchFreshness search) throws IOException {
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
                String path = Request.getPathInContext(request);
                if (path.equals("/reindex")) {
                    reindex(request.getMethod(), search, response, callback);
                    return true;
                }
                if (!request.getMethod().equals("POST") || !path.equals("/backup")) {
                    reply(response, callback, 404, Map.of("error", "not_found",
                            "message", "the control socket knows POST /backup, POST /reindex and GET /reindex"));
                    return true;
                }
                try {
                    JsonNode body = Json.MAPPER.readTree(Content.Source.asString(request, StandardCharsets.UTF_8));
                    Backup.Result r = backup.to(Path.of(body.path("target").asString()), Backup.Contents.of(body.path("contents").asString("full")));
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

    /** POST starts a rebuild in the background (409 when one runs); GET says how far it got, for the CLI to print. */
    private static void reindex(String method, SearchFreshness search, Response response, Callback callback) {
        if (method.equals("POST")) {
            if (search.rebuild()) {
                reply(response, callback, 202, Map.of("started", true));
            } else {
                reply(response, callback, 409, Map.of("error", "busy", "message", "a rebuild of the search index is already running"));
            }
            return;
        }
        SearchFreshness.RebuildStatus s = search.rebuildStatus();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("running", s.running());
        body.put("homes_done", s.progress().homesDone());
        body.put("homes_total", s.progress().homesTotal());
        body.put("files", s.progress().files());
        s.last().ifPresent(r -> body.put("last", Map.of("homes", r.homes(), "files", r.files(), "millis", r.millis())));
        reply(response, callback, 200, body);
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
