package org.labhub.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
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
}
