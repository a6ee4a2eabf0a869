package org.labhub.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.labhub.testing.HubClient;
import org.labhub.testing.TestHub;
import org.labhub.web.Json;

/**
 * A page on another site cannot make a logged-in browser change anything on the hub: state-changing requests
 * that ride on the session cookie need this hub's origin and the session's CSRF token, and are never text/plain.
 */
class CsrfTest {
    private static final String EVIL = "http://evil.example";

    static TestHub hub;
    static HubClient admin;
    static HubClient carol;

    @BeforeAll
    static void start() throws Exception {
        hub = TestHub.start();
        admin = hub.admin();
        carol = hub.user("carol", "carol-password-1");
        carol.get("/account").expectStatus(200);
        admin.get("/admin/groups").expectStatus(200);
    }

    @AfterAll
    static void stop() throws Exception {
        hub.close();
    }

    @Test
    void aFormWithoutTheCsrfFieldIsRefusedAndCreatesNoToken() {
        int before = tokensOfCarol();
        carol.formRaw("/account/tokens", Map.of("scope", "read"), Map.of("Origin", hub.baseUrl())).expectStatus(403);
        assertThat(tokensOfCarol()).isEqualTo(before);
    }

    @Test
    void aFormWithAWrongCsrfFieldIsRefusedAndCreatesNoToken() {
        int before = tokensOfCarol();
        carol.formRaw("/account/tokens", Map.of("scope", "read", "csrf", "x" + carol.csrf()), Map.of("Origin", hub.baseUrl()))
                .expectStatus(403);
        carol.formRaw("/account/tokens", Map.of("scope", "read", "csrf", ""), Map.of("Origin", hub.baseUrl()))
                .expectStatus(403);
        assertThat(tokensOfCarol()).isEqualTo(before);
    }

    @Test
    void aFormFromAForeignOriginIsRefusedEvenWithTheRightToken() {
        int before = tokensOfCarol();
        carol.formRaw("/account/tokens", tokenForm(carol), Map.of("Origin", EVIL)).expectStatus(403);
        carol.formRaw("/account/tokens", tokenForm(carol), Map.of("Origin", hub.baseUrl() + ".evil.example")).expectStatus(403);
        assertThat(tokensOfCarol()).isEqualTo(before);
    }

    @Test
    void aFormWithNeitherOriginNorRefererIsRefused() {
        int before = tokensOfCarol();
        carol.formRaw("/account/tokens", tokenForm(carol), Map.of()).expectStatus(403);
        assertThat(tokensOfCarol()).isEqualTo(before);
    }

    @Test
    void anOpaqueNullOriginCountsAsNoOrigin() {
        int before = tokensOfCarol();
        carol.formRaw("/account/tokens", tokenForm(carol), Map.of("Origin", "null")).expectStatus(403);
        carol.formRaw("/account/tokens", tokenForm(carol), Map.of("Origin", "null", "Referer", EVIL + "/attack.html"))
                .expectStatus(403);
        assertThat(tokensOfCarol()).isEqualTo(before);
    }

    @Test
    void aForeignRefererWithoutOriginIsRefused() {
        int before = tokensOfCarol();
        carol.formRaw("/account/tokens", tokenForm(carol), Map.of("Referer", EVIL + "/account")).expectStatus(403);
        carol.formRaw("/account/tokens", tokenForm(carol), Map.of("Referer", "not a url")).expectStatus(403);
        assertThat(tokensOfCarol()).isEqualTo(before);
    }

    @Test
    void aTextPlainBodyShapedLikeAFormIsRefused() {
        int before = tokensOfCarol();
        String body = "scope=read&csrf=" + URLEncoder.encode(carol.csrf(), StandardCharsets.UTF_8);
        post(carol, "/account/tokens", "text/plain", body, Map.of("Origin", hub.baseUrl())).expectStatus(403);
        post(carol, "/account/tokens", "text/plain;charset=UTF-8", body,
                Map.of("Origin", hub.baseUrl(), CsrfGuard.HEADER, carol.csrf())).expectStatus(403);
        assertThat(tokensOfCarol()).isEqualTo(before);
    }

    @Test
    void theAnonymousDoubleSubmitTokenDoesNotStandInForTheSessionsToken() {
        int before = tokensOfCarol();
        HubClient stranger = hub.client();
        stranger.get("/login").expectStatus(200);
        String anonymous = stranger.csrf();
        assertThat(anonymous).isNotEmpty().isNotEqualTo(carol.csrf());
        carol.setCookie(Cookies.ANONYMOUS_CSRF, anonymous);
        Map<String, String> form = new LinkedHashMap<>(tokenForm(carol));
        form.put("csrf", anonymous);
        carol.formRaw("/account/tokens", form, Map.of("Origin", hub.baseUrl())).expectStatus(403);
        assertThat(tokensOfCarol()).isEqualTo(before);
    }

    @Test
    void theRightTokenFromTheHubsOwnOriginCreatesTheToken() {
        int before = tokensOfCarol();
        carol.formRaw("/account/tokens", tokenForm(carol), Map.of("Origin", hub.baseUrl())).expectStatus(201);
        assertThat(tokensOfCarol()).isEqualTo(before + 1);
    }

    @Test
    void theHubsOwnRefererStandsInForAMissingOrigin() {
        int before = tokensOfCarol();
        carol.formRaw("/account/tokens", tokenForm(carol), Map.of("Referer", hub.baseUrl() + "/account?tab=tokens"))
                .expectStatus(201);
        assertThat(tokensOfCarol()).isEqualTo(before + 1);
    }

    @Test
    void anAdminFormWithoutTheTokenCreatesNoGroup() {
        admin.formRaw("/admin/groups", Map.of("name", "forged-form", "description", "x"), Map.of("Origin", hub.baseUrl()))
                .expectStatus(403);
        admin.formRaw("/admin/groups", Map.of("name", "forged-form", "description", "x", "csrf", admin.csrf()),
                Map.of("Origin", EVIL)).expectStatus(403);
        admin.api("GET", "/api/groups/forged-form").expectStatus(404);

        admin.form("/admin/groups", Map.of("name", "honest-form", "description", "x")).expectStatus(303);
        admin.api("GET", "/api/groups/honest-form").expectStatus(200);
    }

    @Test
    void aJsonCallWithTheSessionCookieButNoCsrfHeaderIsRefused() {
        HubClient.Res r = post(admin, "/api/groups/forged-json", "application/json", "{\"description\":\"x\"}",
                Map.of("Origin", hub.baseUrl())).expectStatus(403);
        assertThat(r.json("error")).isEqualTo("csrf");
        post(admin, "/api/groups/forged-json", "application/json", "{\"description\":\"x\"}",
                Map.of("Origin", hub.baseUrl(), CsrfGuard.HEADER, "wrong")).expectStatus(403);
        admin.api("GET", "/api/groups/forged-json").expectStatus(404);

        admin.api("POST", "/api/groups/honest-json", "{\"description\":\"x\"}").expectStatus(201);
        admin.api("GET", "/api/groups/honest-json").expectStatus(200);
    }

    @Test
    void aJsonCallWithAnApiTokenNeedsNoCsrfToken() {
        String token = admin.api("POST", "/api/users/admin/tokens", "{\"scopes\":[\"read\",\"admin\"]}").expectStatus(201).json("token");
        HubClient script = hub.client().withToken(token);
        script.api("POST", "/api/groups/by-script", "{\"description\":\"x\"}").expectStatus(201);
        // A cross-site page cannot attach an Authorization header without a CORS preflight, so origin does not matter.
        post(script, "/api/groups/by-script-2", "application/json", "{}", Map.of("Origin", EVIL)).expectStatus(201);
        script.api("GET", "/api/groups/by-script").expectStatus(200);
        script.api("GET", "/api/groups/by-script-2").expectStatus(200);
    }

    @Test
    void theLoginFormNeedsTheAnonymousDoubleSubmitToken() throws Exception {
        HubClient c = hub.client();
        c.get("/login").expectStatus(200);
        Map<String, String> credentials = Map.of("username", "admin", "password", hub.adminPassword(), "next", "/");
        c.formRaw("/login", credentials, Map.of("Origin", hub.baseUrl())).expectStatus(403);
        assertThat(c.cookie(Cookies.SESSION)).isEmpty();

        c.form("/login", credentials).expectStatus(303);
        assertThat(c.cookie(Cookies.SESSION)).isPresent();
    }

    @Test
    void aLoginTokenTakenFromAnotherBrowserIsRefused() throws Exception {
        HubClient attacker = hub.client();
        attacker.get("/login").expectStatus(200);
        HubClient victim = hub.client();
        victim.get("/login").expectStatus(200);
        Map<String, String> form = Map.of("username", "admin", "password", hub.adminPassword(), "next", "/",
                "csrf", attacker.csrf());
        victim.formRaw("/login", form, Map.of("Origin", hub.baseUrl())).expectStatus(403);
        assertThat(victim.cookie(Cookies.SESSION)).isEmpty();
    }

    private static Map<String, String> tokenForm(HubClient c) {
        return Map.of("scope", "read", "note", "csrf test", "csrf", c.csrf());
    }

    private static int tokensOfCarol() {
        String body = carol.api("GET", "/api/users/carol/tokens").expectStatus(200).body();
        return Json.MAPPER.readTree(body).path("api_tokens").size();
    }

    /** A POST with exactly this content type, body and headers (plus the client's cookies). */
    private static HubClient.Res post(HubClient c, String path, String contentType, String body, Map<String, String> headers) {
        Map<String, String> h = new LinkedHashMap<>(headers);
        h.put("Content-Type", contentType);
        return c.send(HttpRequest.newBuilder(URI.create(hub.baseUrl() + path)).POST(HttpRequest.BodyPublishers.ofString(body)), h);
    }
}
