package org.labhub.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.labhub.testing.HubClient;
import org.labhub.testing.TestHub;

/** The {@code next=} parameter of the login page can only ever send the browser to a page of this hub. */
class OpenRedirectTest {
    private static final String USER = "wanderer";
    private static final String PASSWORD = "wanderer-password-1";

    static TestHub hub;
    static HubClient loggedIn;

    @BeforeAll
    static void start() throws Exception {
        hub = TestHub.start();
        loggedIn = hub.user(USER, PASSWORD);
    }

    @AfterAll
    static void stop() throws Exception {
        hub.close();
    }

    /** Values an attacker would put in {@code next=} to bounce a freshly logged-in user to their own site. */
    static Stream<String> hostilePayloads() {
        return Stream.of(
                "//evil.example",
                "https://evil.example",
                "/\\evil.example",
                "\\\\evil",
                "%2F%2Fevil.example",
                "/%2F%2Fevil.example",
                "/%5Cevil.example",
                "/%5C%5Cevil.example",
                "javascript:alert(1)",
                "JaVaScRiPt:alert(1)",
                "data:text/html,<script>alert(1)</script>",
                "http:evil",
                "http:/evil.example",
                " /x",
                " //evil.example",
                "/\t/evil.example",
                "/%09/evil.example",
                "/\n/evil.example",
                "///evil",
                "/%252F%252Fevil",
                "/%25252F%25252Fevil",
                "",
                "/" + "a".repeat(5000));
    }

    @ParameterizedTest
    @MethodSource("hostilePayloads")
    void safeRedirectTurnsEveryHostileNextIntoTheHomePage(String payload) {
        assertThat(SafeRedirect.target(payload)).isEqualTo("/");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/admin/users", "/account?x=1", "/user/alice/tree", "/admin/groups/lab-a?tab=members#top"})
    void safeRedirectKeepsPathsOfThisHub(String next) {
        assertThat(SafeRedirect.target(next)).isEqualTo(next);
    }

    @ParameterizedTest
    @MethodSource("hostilePayloads")
    void loggingInWithAHostileNextStaysOnTheHub(String payload) {
        HubClient c = hub.client();
        HubClient.Res r = c.login(USER, PASSWORD, payload).expectStatus(303);
        assertStaysOnHub(r.location());
    }

    @ParameterizedTest
    @MethodSource("hostilePayloads")
    void theLoginPageRedirectsALoggedInUserOnlyWithinTheHub(String payload) {
        HubClient.Res r = loggedIn.get("/login?next=" + URLEncoder.encode(payload, StandardCharsets.UTF_8)).expectStatus(303);
        assertStaysOnHub(r.location());
    }

    @ParameterizedTest
    @ValueSource(strings = {"/admin/users", "/account?x=1", "/user/alice/tree"})
    void loggingInStillReturnsToTheRequestedPage(String next) {
        HubClient.Res r = hub.client().login(USER, PASSWORD, next).expectStatus(303);
        assertThat(r.location()).isEqualTo(next);
        assertStaysOnHub(r.location());
    }

    /** Resolves a Location header as a browser would and checks it points at this hub. */
    private static void assertStaysOnHub(String location) {
        URI base = URI.create(hub.baseUrl() + "/login");
        URI target = base.resolve(URI.create(location));
        assertThat(target.getScheme()).as("scheme of %s", location).isEqualTo("http");
        assertThat(target.getHost()).as("host of %s", location).isEqualTo(base.getHost());
        assertThat(target.getPort()).as("port of %s", location).isEqualTo(base.getPort());
        assertThat(target.getRawAuthority()).as("authority of %s", location).isEqualTo(base.getRawAuthority());
    }
}
