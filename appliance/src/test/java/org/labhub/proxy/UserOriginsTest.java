package org.labhub.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.StringRequestContent;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.labhub.spawner.Notebooks;
import org.labhub.testing.HubClient;
import org.labhub.testing.TestHub;

/**
 * proxy.user_domain: each user's server on its own origin ({@code alice.labhub.localhost}), reached from the hub by
 * a one-time ticket. Requests name the host in their Host header (the JDK does not resolve *.localhost; browsers
 * do, see {@link UserOriginsInChromiumTest}).
 */
class UserOriginsTest {
    private static final String DOMAIN = "labhub.localhost";
    private static TestHub t;
    private static HubClient alice;
    private static HubClient bob;
    private static HttpClient http;
    private static int port;

    @BeforeAll
    static void start() throws Exception {
        t = TestHub.start(Map.of("proxy.user_domain", DOMAIN));
        Notebooks.requireMinimal(t);
        alice = t.user("alice", "alice-password-1");
        bob = t.user("bob", "bob-password-12");
        Notebooks.start(t, alice, "alice", "", "{\"environment\":\"minimal\",\"profile\":\"small\"}");
        port = URI.create(t.baseUrl()).getPort();
        http = new HttpClient();
        http.setFollowRedirects(false);
        // Cookies are sent by hand, per host: Jetty's store would file them all under 127.0.0.1.
        http.setHttpCookieStore(new org.eclipse.jetty.http.HttpCookieStore.Empty());
        http.start();
    }

    @AfterAll
    static void stop() throws Exception {
        http.stop();
        t.close();
    }

    /** A request to 127.0.0.1 that says it is for {@code host}, with the given cookie header. */
    private static ContentResponse on(String host, String method, String path, String cookie, Map<String, String> headers) throws Exception {
        var r = http.newRequest(t.baseUrl() + path).method(HttpMethod.fromString(method)).timeout(30, TimeUnit.SECONDS)
                .headers(h -> {
                    h.put(HttpHeader.HOST, host + ":" + port);
                    if (cookie != null) {
                        h.put(HttpHeader.COOKIE, cookie);
                    }
                    headers.forEach(h::put);
                });
        if (method.equals("POST")) {
            r.body(new StringRequestContent("application/json", "{}"));
        }
        return r.send();
    }

    private static String hubCookie(HubClient c) {
        return "labhub_session=" + c.cookie("labhub_session").orElseThrow();
    }

    /** alice's hand-over: the redirect from the hub to her host, and the cookie her host sets for it. */
    private static String[] handOver(HubClient c, String user) throws Exception {
        ContentResponse atHub = on("127.0.0.1", "GET", "/user/" + user + "/tree", hubCookie(c), Map.of("Accept", "text/html"));
        assertThat(atHub.getStatus()).isEqualTo(303);
        String location = atHub.getHeaders().get(HttpHeader.LOCATION);
        assertThat(location).startsWith("http://" + user + "." + DOMAIN + ":" + port + UserOrigins.LOGIN_PATH + "?ticket=")
                .endsWith("&next=%2Fuser%2F" + user + "%2Ftree");
        URI u = URI.create(location);
        ContentResponse atUserHost = on(user + "." + DOMAIN, "GET", u.getRawPath() + "?" + u.getRawQuery(), null, Map.of());
        assertThat(atUserHost.getStatus()).isEqualTo(303);
        assertThat(atUserHost.getHeaders().get(HttpHeader.LOCATION)).isEqualTo("/user/" + user + "/tree");
        String setCookie = atUserHost.getHeaders().get(HttpHeader.SET_COOKIE);
        assertThat(setCookie).startsWith(UserOrigins.COOKIE + "=").contains("HttpOnly").doesNotContainIgnoringCase("domain=");
        return new String[] {setCookie.substring(0, setCookie.indexOf(';')), u.getRawPath() + "?" + u.getRawQuery()};
    }

    @Test
    void theHubHandsTheBrowserOverToTheUsersOwnOriginWhichThenServesHerNotebook() throws Exception {
        String[] cookieAndTicket = handOver(alice, "alice");
        String cookie = cookieAndTicket[0];
        ContentResponse listing = on("alice." + DOMAIN, "GET", "/user/alice/api/contents", cookie, Map.of());
        assertThat(listing.getStatus()).isEqualTo(200);
        assertThat(listing.getContentAsString()).contains("\"type\": \"directory\"");
        // A ticket works once.
        assertThat(on("alice." + DOMAIN, "GET", cookieAndTicket[1], null, Map.of()).getStatus()).isEqualTo(403);
        // Writes from the page's own origin pass; from the hub's origin they do not.
        assertThat(on("alice." + DOMAIN, "POST", "/user/alice/api/contents", cookie,
                Map.of("Origin", "http://alice." + DOMAIN + ":" + port)).getStatus()).isEqualTo(201);
        assertThat(on("alice." + DOMAIN, "POST", "/user/alice/api/contents", cookie,
                Map.of("Origin", "http://" + DOMAIN + ":" + port)).getStatus()).isEqualTo(403);
        // Without the cookie: a script gets 401, a browser goes back to the hub (which logs in and hands over again).
        assertThat(on("alice." + DOMAIN, "GET", "/user/alice/api/contents", null, Map.of()).getStatus()).isEqualTo(401);
        ContentResponse nav = on("alice." + DOMAIN, "GET", "/user/alice/tree", null, Map.of("Accept", "text/html"));
        assertThat(nav.getStatus()).isEqualTo(303);
        assertThat(nav.getHeaders().get(HttpHeader.LOCATION)).isEqualTo("http://" + DOMAIN + ":" + port + "/user/alice/tree");
    }

    @Test
    void aUserHostServesOnlyItsUsersServerAndNothingOfTheHub() throws Exception {
        String cookie = handOver(alice, "alice")[0];
        // Not the hub's pages or API, even with the hub's session cookie (which a browser would not send here anyway).
        ContentResponse api = on("alice." + DOMAIN, "GET", "/api/users/alice", cookie + "; " + hubCookie(alice), Map.of());
        assertThat(api.getStatus()).isEqualTo(404);
        assertThat(on("alice." + DOMAIN, "GET", "/", cookie, Map.of()).getStatus()).isEqualTo(404);
        // Not bob's server, and alice's cookie means nothing on bob's host.
        assertThat(on("alice." + DOMAIN, "GET", "/user/bob/api/contents", cookie, Map.of()).getStatus()).isEqualTo(404);
        assertThat(on("bob." + DOMAIN, "GET", "/user/alice/api/contents", cookie, Map.of()).getStatus()).isEqualTo(404);
        assertThat(on("bob." + DOMAIN, "GET", "/user/bob/api/contents", cookie, Map.of()).getStatus()).isEqualTo(401);
        // bob's ticket for his host cannot be replayed on alice's.
        ContentResponse bobsHandOver = on("127.0.0.1", "GET", "/user/bob/tree", hubCookie(bob), Map.of("Accept", "text/html"));
        URI u = URI.create(bobsHandOver.getHeaders().get(HttpHeader.LOCATION));
        assertThat(on("alice." + DOMAIN, "GET", u.getRawPath() + "?" + u.getRawQuery().replace("%2Fbob%2F", "%2Falice%2F"), null, Map.of())
                .getStatus()).isEqualTo(403);
        // bob cannot use alice's server from his own session either.
        assertThat(on("127.0.0.1", "GET", "/user/alice/tree", hubCookie(bob), Map.of("Accept", "text/html")).getStatus()).isEqualTo(403);
    }

    @Test
    void aWebSocketOnTheUserHostMustComeFromThatHost() throws Exception {
        String cookie = handOver(alice, "alice")[0];
        assertThat(upgradeStatus("alice." + DOMAIN, "/user/alice/api/kernels/none/channels", cookie, "http://" + DOMAIN + ":" + port))
                .isEqualTo(403);
        assertThat(upgradeStatus("alice." + DOMAIN, "/user/alice/api/kernels/none/channels", cookie, "http://bob." + DOMAIN + ":" + port))
                .isEqualTo(403);
        // From its own origin the upgrade reaches the notebook, which answers for the (unknown) kernel itself.
        assertThat(upgradeStatus("alice." + DOMAIN, "/user/alice/api/kernels/none/channels", cookie, "http://alice." + DOMAIN + ":" + port))
                .isIn(400, 404);
    }

    @Test
    void loggingOutOfTheHubEndsTheUserHostsCookieToo() throws Exception {
        HubClient carol = t.user("carol", "carol-password-1");
        // carol has no server: the cookie is checked first, so 503 (not running) versus 401 tells whether it still counts.
        String cookie = handOver(carol, "carol")[0];
        assertThat(on("carol." + DOMAIN, "GET", "/user/carol/api/contents", cookie, Map.of()).getStatus()).isEqualTo(503);
        carol.form("/logout", Map.of()).expectStatus(303);
        assertThat(on("carol." + DOMAIN, "GET", "/user/carol/api/contents", cookie, Map.of()).getStatus()).isEqualTo(401);
    }

    /** Sends a WebSocket upgrade by hand and returns the status line's code. */
    private static int upgradeStatus(String host, String path, String cookie, String origin) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(30_000);
            String key = Base64.getEncoder().encodeToString("0123456789abcdef".getBytes(StandardCharsets.US_ASCII));
            String req = "GET " + path + " HTTP/1.1\r\nHost: " + host + ":" + port + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Key: " + key + "\r\nSec-WebSocket-Version: 13\r\nOrigin: " + origin + "\r\nCookie: " + cookie + "\r\n\r\n";
            OutputStream out = s.getOutputStream();
            out.write(req.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            StringBuilder line = new StringBuilder();
            int c;
            while ((c = in.read()) != -1 && c != '\n') {
                line.append((char) c);
            }
            return Integer.parseInt(line.toString().split(" ")[1]);
        }
    }
}
