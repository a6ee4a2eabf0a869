package org.labhub.shares;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.eclipse.jetty.http.HttpCookie;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.labhub.auth.Secrets;
import org.labhub.files.Permission;
import org.labhub.testing.HubClient;
import org.labhub.testing.TestHub;
import org.labhub.web.HttpError;
import org.labhub.web.Json;
import tools.jackson.databind.JsonNode;

/** Public links: what a visitor with the token (and perhaps the password) gets, and what guessing gets them. */
class PublicLinksTest {
    static TestHub hub;
    static People people;
    static PublicLinks links;
    static HubClient alice;

    @BeforeAll
    static void start() throws Exception {
        hub = TestHub.start(Map.of());
        people = new People(hub);
        links = hub.hub().sharing().links();
        alice = people.user("alice");
        people.file("alice", "talks/slides.pdf");
    }

    @AfterAll
    static void stop() throws Exception {
        hub.close();
    }

    private static JsonNode createLink(String extra) {
        return Json.MAPPER.readTree(alice.api("POST", "/api/shares", "{\"path\":\"talks\",\"kind\":\"link\"" + extra + "}")
                .expectStatus(201).body());
    }

    private static String token(JsonNode link) {
        return link.path("url").asString().substring("/s/".length());
    }

    private static HttpError refusal(Runnable r) {
        try {
            r.run();
        } catch (HttpError e) {
            return e;
        }
        throw new AssertionError("expected a refusal");
    }

    @Test
    void aPasswordProtectedLinkOpensOnlyWithItsPassword() {
        JsonNode link = createLink(",\"permissions\":\"read\",\"password\":\"open sesame\",\"expires\":\"" + Instant.now().plusSeconds(3600) + "\"");
        assertThat(link.path("password").asBoolean()).isTrue();
        assertThat(link.path("expires").isNull()).isFalse();
        String token = token(link);

        HttpError none = refusal(() -> links.open(token, Optional.empty(), "10.0.0.1"));
        assertThat(none.status()).isEqualTo(401);
        assertThat(none.code()).isEqualTo("password_required");
        HttpError wrong = refusal(() -> links.open(token, Optional.of("open barley"), "10.0.0.1"));
        assertThat(wrong.status()).isEqualTo(401);
        assertThat(wrong.code()).isEqualTo("wrong_password");

        PublicLinks.Link opened = links.open(token, Optional.of("open sesame"), "10.0.0.1");
        assertThat(opened.location().toString()).isEqualTo("alice:/talks");
        assertThat(opened.permissions()).containsExactly(Permission.READ);
    }

    @Test
    void anExpiredLinkAnswersExactlyLikeAnUnknownOne() {
        String token = token(createLink(",\"expires\":\"" + Instant.now().plusSeconds(3600) + "\""));
        links.open(token, Optional.empty(), "10.0.0.2");
        hub.hub().catalog().jdbi().useHandle(h -> h.createUpdate("UPDATE shares SET expires_at = :past WHERE token_hash = :hash")
                .bind("past", java.sql.Timestamp.from(Instant.now().minusSeconds(1))).bind("hash", Secrets.sha256(token)).execute());

        HttpError expired = refusal(() -> links.open(token, Optional.empty(), "10.0.0.2"));
        HttpError unknown = refusal(() -> links.open(Secrets.randomToken(32), Optional.empty(), "10.0.0.2"));
        assertThat(expired.status()).isEqualTo(404);
        assertThat(expired.getMessage()).isEqualTo(unknown.getMessage());
        assertThat(refusal(() -> links.open("../../etc", Optional.empty(), "10.0.0.2")).status()).isEqualTo(404);
    }

    @Test
    void guessingALinkPasswordIsThrottledPerLink() {
        String token = token(createLink(",\"password\":\"the-real-one\""));
        HttpError last = null;
        for (int i = 0; i < 30; i++) {
            last = refusal(() -> links.open(token, Optional.of("guess-" + Math.random()), "10.0.0.3"));
            if (last.status() == 429) {
                break;
            }
            assertThat(last.status()).isEqualTo(401);
        }
        assertThat(last.status()).isEqualTo(429);
        assertThat(last.retryAfterSeconds()).isPositive();
        // Even the right password waits out the lockout, from another address too.
        assertThat(refusal(() -> links.open(token, Optional.of("the-real-one"), "10.0.0.4")).status()).isEqualTo(429);
    }

    @Test
    void theLinkTokenIsStoredOnlyAsItsHash() {
        String token = token(createLink(""));
        int clear = hub.hub().catalog().jdbi().withHandle(h -> h.createQuery("SELECT COUNT(*) FROM shares WHERE token_hash = :t OR label = :t")
                .bind("t", token).mapTo(Integer.class).one());
        int hashed = hub.hub().catalog().jdbi().withHandle(h -> h.createQuery("SELECT COUNT(*) FROM shares WHERE token_hash = :t")
                .bind("t", Secrets.sha256(token)).mapTo(Integer.class).one());
        assertThat(clear).isZero();
        assertThat(hashed).isEqualTo(1);
        assertThat(alice.api("GET", "/api/shares").expectStatus(200).body()).doesNotContain(token);
    }

    @Test
    void theUnlockCookieOpensTheLinkUntilThePasswordChanges() {
        JsonNode link = createLink(",\"password\":\"first-password\"");
        String token = token(link);
        PublicLinks.Link opened = links.open(token, Optional.of("first-password"), "10.0.0.5");
        HttpCookie cookie = links.unlockCookie(token, opened, true);
        assertThat(cookie.getPath()).isEqualTo("/s/" + token);
        assertThat(cookie.isHttpOnly()).isTrue();
        assertThat(cookie.getSameSite()).isEqualTo(HttpCookie.SameSite.LAX);
        assertThat(cookie.getMaxAge()).isEqualTo(12 * 3600);
        assertThat(links.open(token, Optional.empty(), Optional.of(cookie.getValue()), "10.0.0.5").share().id()).isEqualTo(opened.share().id());
        assertThat(refusal(() -> links.open(token, Optional.empty(), Optional.of(cookie.getValue() + "x"), "10.0.0.5")).status())
                .isEqualTo(401);

        alice.api("PATCH", "/api/shares/" + link.path("id").asString(), "{\"password\":\"second-password\"}").expectStatus(200);
        assertThat(refusal(() -> links.open(token, Optional.empty(), Optional.of(cookie.getValue()), "10.0.0.5")).code())
                .isEqualTo("password_required");
    }

    @Test
    void linksCarryOnlyThePresetsAndNeverReshare() {
        assertThat(createLink(",\"permissions\":\"upload\"").path("permissions").toString()).isEqualTo("[\"create\"]");
        assertThat(createLink(",\"permissions\":\"write\"").path("permissions").toString()).isEqualTo("[\"read\",\"create\",\"update\",\"delete\"]");
        assertThat(alice.api("POST", "/api/shares", "{\"path\":\"talks\",\"kind\":\"link\",\"permissions\":[\"read\",\"reshare\"]}")
                .expectStatus(400).json("message")).contains("reshare");
        assertThat(alice.api("POST", "/api/shares", "{\"path\":\"talks\",\"kind\":\"link\",\"permissions\":[\"read\",\"update\"]}")
                .expectStatus(400).json("message")).contains("upload");
        assertThat(alice.api("POST", "/api/shares", "{\"path\":\"talks\",\"kind\":\"link\",\"password\":\"short\"}")
                .expectStatus(400).json("message")).contains("at least 8");
        assertThatThrownBy(() -> links.open("", Optional.empty(), "10.0.0.6")).isInstanceOf(HttpError.class);
    }
}
