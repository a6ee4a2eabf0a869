package org.labhub.bench;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A hub under the spawn benchmark: its own process and data root, accounts with one {@code servers} token each,
 * and their default servers started ({@code POST /api/users/{name}/server}) and stopped ({@code DELETE}) through the API.
 */
final class SpawnHub implements AutoCloseable {
    static final String ENVIRONMENT = "minimal";
    static final String PROFILE = "small";
    private static final String START_BODY = "{\"environment\":\"" + ENVIRONMENT + "\",\"profile\":\"" + PROFILE + "\"}";
    private static final String PASSWORD = "bench-password-0123";

    private final String label;
    private final Launched process;
    private final String hubId;
    private final HttpClient client;
    private final Map<String, String> tokens;
    private final String podman;

    private SpawnHub(String label, Launched process, String hubId, HttpClient client, Map<String, String> tokens, String podman) {
        this.label = label;
        this.process = process;
        this.hubId = hubId;
        this.client = client;
        this.tokens = tokens;
        this.podman = podman;
    }

    /** Starts the hub with {@code settings} as its only LABHUB_* variables and makes the accounts {@code users}. */
    static SpawnHub launch(String label, List<String> command, Map<String, String> settings, Path data, Path log, HttpClient client,
                           List<String> users, String podman) throws IOException, InterruptedException {
        Launched process = Launched.start(command, settings, log, client);
        try {
            String hubId = Files.readString(data.resolve("secrets/hub-id")).trim();
            HubSetup setup = new HubSetup(client, process.url(), data);
            setup.createUsers(users, PASSWORD);
            return new SpawnHub(label, process, hubId, client, setup.tokens(users, "servers", "read"), podman);
        } catch (IOException | RuntimeException e) {
            process.close();
            throw e;
        }
    }

    String label() {
        return label;
    }

    long pid() {
        return process.pid();
    }

    String hubId() {
        return hubId;
    }

    /** The hub's own origin, {@code http://127.0.0.1:PORT}. */
    String url() {
        return process.url();
    }

    /** The account's API token (scopes {@code servers} and {@code read}). */
    String token(String user) {
        return tokens.get(user);
    }

    /** RSS of the {@code podman system service} the hub runs as its child, in KiB; -1 when there is none. */
    long podmanServiceRssKib() {
        return ProcessHandle.of(process.pid()).stream().flatMap(ProcessHandle::children)
                .filter(c -> c.info().command().map(cmd -> cmd.endsWith("/podman")).orElse(false))
                .mapToLong(c -> Rss.current(c.pid())).findFirst().orElse(-1);
    }

    /** How a start ended: 201 at once, or 202 and then the ready event on the progress stream. */
    record Started(double seconds, int status) {}

    /** Starts the user's default server; returns when the hub says it is ready. */
    Started start(String user) throws IOException {
        long t0 = System.nanoTime();
        HttpResponse<String> r = Http.send(client, Http.postJson(url(user), START_BODY, auth(user)));
        if (r.statusCode() == 202) {
            awaitProgress(user, "ready");
        } else if (r.statusCode() != 201) {
            throw new IOException(label + ": starting " + user + "'s server answered " + r.statusCode() + " " + Http.abbreviate(r.body()));
        }
        return new Started((System.nanoTime() - t0) / 1e9, r.statusCode());
    }

    /** Stops the user's default server (the hub stops it gracefully, then removes the container); returns the seconds. */
    double stop(String user) throws IOException {
        long t0 = System.nanoTime();
        HttpResponse<String> r = Http.send(client, Http.request(url(user)).header("Authorization", auth(user)).DELETE().build());
        if (r.statusCode() == 202) {
            awaitProgress(user, "stopped");
        } else if (r.statusCode() != 204) {
            throw new IOException(label + ": stopping " + user + "'s server answered " + r.statusCode() + " " + Http.abbreviate(r.body()));
        }
        return (System.nanoTime() - t0) / 1e9;
    }

    /** Follows the server's progress stream (server-sent events) until an event says {@code "<flag>":true}, or a failure. */
    private void awaitProgress(String user, String flag) throws IOException {
        HttpRequest req = Http.request(url(user) + "/progress").header("Authorization", auth(user)).GET().build();
        HttpResponse<Stream<String>> r;
        try {
            r = client.send(req, HttpResponse.BodyHandlers.ofLines());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        try (Stream<String> lines = r.body()) {
            if (r.statusCode() != 200) {
                throw new IOException(label + ": progress of " + user + "'s server answered " + r.statusCode());
            }
            Iterator<String> it = lines.iterator();
            while (it.hasNext()) {
                String line = it.next();
                if (!line.startsWith("data:")) {
                    continue;
                }
                if (line.contains("\"" + flag + "\":true")) {
                    return;
                }
                if (line.contains("\"failed\":true") || line.contains("\"stopped\":true") || line.contains("\"ready\":true")) {
                    throw new IOException(label + ": " + user + "'s server ended otherwise: " + Http.abbreviate(line));
                }
            }
            throw new IOException(label + ": the progress stream of " + user + "'s server ended without \"" + flag + "\"");
        }
    }

    private String url(String user) {
        return process.url() + "/api/users/" + user + "/server";
    }

    private String auth(String user) {
        return "token " + tokens.get(user);
    }

    /** Stops the hub (SIGTERM; its servers keep running, as they would for the next hub), then removes its containers. */
    @Override
    public void close() throws InterruptedException {
        try {
            process.close();
        } finally {
            removeContainers(podman, hubId);
        }
    }

    /** Removes every container of the hub with this id (they carry the label {@code org.labhub.hub=<id>}). */
    static void removeContainers(String podman, String hubId) {
        RawNotebooks.removeLabelled(podman, "org.labhub.hub=" + hubId);
    }
}
