package org.labhub.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.labhub.testing.HubClient;
import org.labhub.testing.TestHub;

/** The Jetty handler tree is wired so that assets are served and handlers may block on a request body. */
class HandlerTreeTest {
    static TestHub hub;

    @BeforeAll
    static void start() throws Exception {
        hub = TestHub.start();
    }

    @AfterAll
    static void stop() throws Exception {
        hub.close();
    }

    @Test
    void staticAssetsAreServedFromTheJar() {
        HubClient c = hub.client();
        HubClient.Res css = c.get("/static/app.css").expectStatus(200);
        assertThat(css.header("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/css"));
        assertThat(css.body()).isNotBlank();
        c.get("/static/app.js").expectStatus(200);
        c.get("/static/favicon.svg").expectStatus(200);
        c.get("/static/no-such-file.css").expectStatus(404);
    }

    /**
     * Handlers read bodies blocking (forms, JSON). If the tree claimed to be non-blocking, Jetty would run them
     * on the selector thread, which then could not deliver a body that arrives after the headers: a hang.
     */
    @Test
    void aBodyThatArrivesAfterItsHeadersIsStillRead() throws Exception {
        String body = "username=slowpoke&password=wrong-password&next=%2F&csrf=x";
        try (Socket s = new Socket("127.0.0.1", hub.hub().port())) {
            s.setSoTimeout(10_000);
            s.setTcpNoDelay(true);
            OutputStream out = s.getOutputStream();
            out.write(("POST /login HTTP/1.1\r\nHost: 127.0.0.1:" + hub.hub().port() + "\r\nOrigin: " + hub.baseUrl()
                    + "\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: " + body.length()
                    + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = s.getInputStream();
            CompletableFuture<String> answer = CompletableFuture.supplyAsync(() -> {
                try {
                    return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            // The server gets the headers alone and starts the handler, which then waits for the body.
            assertThat(answer).as("an answer before the body was sent").isNotCompleted();
            Thread.sleep(300); // deliberately split headers and body into separate reads: the stimulus, not a wait
            out.write(body.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            String response = answer.get(10, TimeUnit.SECONDS);
            // The form was read: the CSRF check ran on its fields and refused the made-up token.
            assertThat(response).startsWith("HTTP/1.1 403");
        }
        hub.client().get("/api/health").expectStatus(200);
    }
    /**
     * Answers keep their connection open for the client's next request, and the one answer after which Jetty closes
     * anyway (a request it cannot parse) says so: a client that reused a connection closed without notice would
     * see its next request end with no reply.
     */
    @Test
    void connectionsAreKeptAliveAndClosedOnlyWithNotice() throws Exception {
        try (Socket s = new Socket("127.0.0.1", hub.hub().port())) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.ISO_8859_1));
            String host = "Host: 127.0.0.1:" + hub.hub().port() + "\r\n";
            for (String path : List.of("/login", "/api/health", "/static/app.css")) {
                out.write(("GET " + path + " HTTP/1.1\r\n" + host + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
                List<String> head = readAnswer(in);
                assertThat(head.get(0)).as(path).startsWith("HTTP/1.1 200");
                assertThat(head).as(path + " keeps the connection").noneMatch(h -> h.equalsIgnoreCase("Connection: close"));
            }
            out.write(("GET /s/abc/a%00b HTTP/1.1\r\n" + host + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            List<String> bad = readAnswer(in);
            assertThat(bad.get(0)).startsWith("HTTP/1.1 400");
            assertThat(bad).as("a closing answer says so").anyMatch(h -> h.equalsIgnoreCase("Connection: close"));
            assertThat(in.read()).as("then the connection ends").isEqualTo(-1);
        }
    }

    /** Reads one answer's status line and headers, and skips its body (Content-Length); returns the head lines. */
    private static List<String> readAnswer(BufferedReader in) throws Exception {
        List<String> head = new ArrayList<>();
        for (String line; (line = in.readLine()) != null && !line.isEmpty(); ) {
            head.add(line);
        }
        long length = head.stream().filter(h -> h.regionMatches(true, 0, "Content-Length:", 0, 15))
                .mapToLong(h -> Long.parseLong(h.substring(15).trim())).findFirst().orElseThrow();
        for (long i = 0; i < length; i++) {
            assertThat(in.read()).isNotEqualTo(-1);
        }
        return head;
    }
}
