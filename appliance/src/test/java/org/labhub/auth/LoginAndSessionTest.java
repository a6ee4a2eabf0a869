package org.labhub.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.labhub.testing.HubClient;
import org.labhub.testing.TestHub;

class LoginAndSessionTest {
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
    void loginIssuesAFreshSessionIdEvenWhenTheBrowserBringsOne() throws Exception {
        HubClient c = hub.user("fixated", "fixated-password-1");
        String first = c.cookie(Cookies.SESSION).orElseThrow();
        c.login("fixated", "fixated-password-1").expectStatus(303);
        String second = c.cookie(Cookies.SESSION).orElseThrow();
        assertThat(second).isNotEqualTo(first);
        assertThat(replay(first).get("/").location()).startsWith("/login");
        assertThat(replay(second).get("/").status()).isEqualTo(200);
    }

    /** A client holding only the given session id, as an attacker replaying a stolen cookie would. */
    private static HubClient replay(String sessionId) {
        HubClient c = hub.client();
        c.setCookie(Cookies.SESSION, sessionId);
        return c;
    }

    @Test
    void sessionCookieIsHttpOnlyAndSameSiteLax() throws Exception {
        HubClient c = hub.client();
        c.get("/login");
        HubClient.Res r = c.login("admin", hub.adminPassword());
        String setCookie = r.raw().headers().allValues("Set-Cookie").stream()
                .filter(h -> h.startsWith(Cookies.SESSION + "=")).findFirst().orElseThrow();
        assertThat(setCookie).contains("HttpOnly").contains("SameSite=Lax").contains("Path=/").doesNotContain("Secure");
    }

    @Test
    void logoutKillsTheOldCookie() throws Exception {
        HubClient c = hub.user("leaver", "leaver-password-1");
        String session = c.cookie(Cookies.SESSION).orElseThrow();
        c.get("/").expectStatus(200);
        c.form("/logout", Map.of()).expectStatus(303);
        assertThat(replay(session).get("/").location()).startsWith("/login");
    }

    @Test
    void disablingAUserEndsTheirSessionsAtOnce() throws Exception {
        HubClient c = hub.user("disabled1", "disabled-password-1");
        c.get("/").expectStatus(200);
        hub.admin().api("PATCH", "/api/users/disabled1", "{\"disabled\": true}").expectStatus(200);
        assertThat(c.get("/").location()).startsWith("/login");
        c.login("disabled1", "disabled-password-1").expectStatus(401);
    }

    @Test
    void changingThePasswordEndsEveryOtherSession() throws Exception {
        HubClient laptop = hub.user("changer", "changer-password-1");
        HubClient phone = hub.client();
        phone.login("changer", "changer-password-1").expectStatus(303);
        String laptopOld = laptop.cookie(Cookies.SESSION).orElseThrow();
        laptop.get("/account");
        laptop.form("/account/password", Map.of("current_password", "changer-password-1",
                "new_password", "changer-password-2", "confirm", "changer-password-2")).expectStatus(303);
        assertThat(phone.get("/").location()).startsWith("/login");
        laptop.get("/").expectStatus(200);
        assertThat(laptop.cookie(Cookies.SESSION).orElseThrow()).isNotEqualTo(laptopOld);
        hub.client().login("changer", "changer-password-1").expectStatus(401);
        hub.client().login("changer", "changer-password-2").expectStatus(303);
    }

    @Test
    void adminPasswordResetEndsTheUsersSessions() throws Exception {
        HubClient c = hub.user("resetme", "resetme-password-1");
        hub.admin().api("PATCH", "/api/users/resetme", "{\"password\": \"resetme-password-2\"}").expectStatus(200);
        assertThat(c.get("/").location()).startsWith("/login");
    }

    @Test
    void wrongCurrentPasswordIsRefusedAndChangesNothing() throws Exception {
        HubClient c = hub.user("careful", "careful-password-1");
        c.get("/account");
        c.form("/account/password", Map.of("current_password", "not-it-at-all", "new_password", "careful-password-2",
                "confirm", "careful-password-2")).expectStatus(400);
        c.get("/").expectStatus(200);
        hub.client().login("careful", "careful-password-1").expectStatus(303);
    }

    @Test
    void sessionsSurviveAHubRestart() throws Exception {
        try (TestHub own = TestHub.start()) {
            HubClient c = own.admin();
            c.get("/").expectStatus(200);
            own.restart();
            HubClient again = new HubClient(own.baseUrl());
            again.setCookie(Cookies.SESSION, c.cookie(Cookies.SESSION).orElseThrow());
            again.get("/").expectStatus(200);
        }
    }
}
