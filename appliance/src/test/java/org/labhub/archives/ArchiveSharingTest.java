package org.labhub.archives;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.labhub.audit.AuditLog;
import org.labhub.auth.Secrets;
import org.labhub.testing.HubClient;
import org.labhub.testing.TestHub;
import org.labhub.web.Json;
import tools.jackson.databind.JsonNode;

/**
 * Sharing archives on a real hub and a real catalog: who may see the landing page, read a file, export, re-run and
 * manage sharing — anonymous, alice (the owner), bob (granted), carol (not granted), dave (in a granted group), an
 * administrator, and a link's visitor — that a revoked grant, a lost group membership and a revoked link bite on the
 * next request, and that bad input gets a precise answer.
 */
class ArchiveSharingTest {
    static TestHub hub;
    static HubClient anonymous;
    static HubClient alice;
    static HubClient bob;
    static HubClient carol;
    static HubClient dave;
    static HubClient admin;

    @BeforeAll
    static void start() throws Exception {
        hub = TestHub.start();
        alice = hub.user("alice", "alice-password-1");
        bob = hub.user("bob", "bob-password-12");
        carol = hub.user("carol", "carol-password-1");
        dave = hub.user("dave", "dave-password-12");
        hub.user("erin", "erin-password-12");
        admin = hub.admin();
        admin.api("POST", "/api/groups/optics", "{\"description\":\"the optics lab\"}").expectStatus(201);
        admin.api("POST", "/api/groups/optics/users", "{\"users\":[\"dave\"]}").expectStatus(200);
        anonymous = hub.client();
    }

    @AfterAll
    static void stop() throws Exception {
        hub.close();
    }

    enum Action { LANDING, FILE, EXPORT, RERUN, SHARE }

    /** What each caller gets for each action (a link's visitor uses the link's own addresses; it has no re-run or sharing). */
    private static Map<String, int[]> promise() {
        Map<String, int[]> m = new LinkedHashMap<>();
        //                         landing file export rerun share
        m.put("anonymous", new int[] {404, 404, 404, 401, 401});
        m.put("alice", new int[] {200, 200, 200, 202, 201});
        m.put("bob", new int[] {200, 200, 200, 202, 403});
        m.put("carol", new int[] {404, 404, 404, 404, 404});
        m.put("dave", new int[] {200, 200, 200, 202, 403});
        m.put("admin", new int[] {200, 200, 200, 202, 201});
        m.put("link", new int[] {200, 200, 200, 404, 404});
        return m;
    }

    private static HubClient client(String who) {
        return switch (who) {
            case "anonymous", "link" -> anonymous;
            case "alice" -> alice;
            case "bob" -> bob;
            case "carol" -> carol;
            case "dave" -> dave;
            case "admin" -> admin;
            default -> throw new IllegalArgumentException(who);
        };
    }

    private static int call(String who, Action action, String id, String token) throws Exception {
        HubClient c = client(who);
        boolean link = who.equals("link");
        String base = link ? "/a/" + token : "/api/archives/" + id;
        return switch (action) {
            case LANDING -> c.get(link ? base : "/archives/" + id).status();
            case FILE -> c.getBytes(base + "/files/data/inputs/analysis.ipynb").statusCode();
            case EXPORT -> {
                HttpResponse<byte[]> r = c.getBytes(base + "/export");
                if (r.statusCode() == 200) {
                    assertThat(r.body().length).as(who + "'s export").isGreaterThan(2 * 1024 * 1024);
                }
                yield r.statusCode();
            }
            // a link has no re-run: its visitor's only way is the API, as nobody
            case RERUN -> link ? c.api("POST", "/a/" + token + "/rerun", "{}").status() : c.api("POST", base + "/rerun", "{}").status();
            case SHARE -> {
                if (link) {
                    yield c.api("POST", "/a/" + token + "/grants", "{\"kind\":\"user\",\"with\":\"erin\"}").status();
                }
                HubClient.Res r = c.api("POST", base + "/grants", "{\"kind\":\"user\",\"with\":\"erin\"}");
                if (r.status() == 201) {
                    c.api("DELETE", base + "/grants/" + r.json("id")).expectStatus(204); // leaves the table as it was
                }
                yield r.status();
            }
        };
    }

    private static String grant(String id, String kind, String with) {
        return alice.api("POST", "/api/archives/" + id + "/grants", "{\"kind\":\"" + kind + "\",\"with\":\"" + with + "\"}")
                .expectStatus(201).json("id");
    }

    private static String link(String id, String body) {
        return alice.api("POST", "/api/archives/" + id + "/links", body).expectStatus(201).json("url").substring("/a/".length());
    }

    private static JsonNode json(HubClient.Res r) {
        return Json.MAPPER.readTree(r.body());
    }

    @Test
    void everyCallerGetsWhatThePromiseSaysForEveryAction() throws Exception {
        Archive a = ArchiveImportExportTest.archive(hub, "alice", "matrix");
        grant(a.id(), "user", "bob");
        grant(a.id(), "group", "optics");
        String token = link(a.id(), "{\"label\":\"for the paper\"}");

        List<String> wrong = new ArrayList<>();
        for (var e : promise().entrySet()) {
            for (Action action : Action.values()) {
                int got = call(e.getKey(), action, a.id(), token);
                if (got != e.getValue()[action.ordinal()]) {
                    wrong.add(e.getKey() + " " + action + ": expected " + e.getValue()[action.ordinal()] + ", got " + got);
                }
            }
        }
        assertThat(wrong).as("calls whose answer differs from the promise").isEmpty();

        // Re-runs are recorded under who started them; the link's visitor learns how many, never who.
        List<String> startedBy = json(alice.api("GET", "/api/archives/" + a.id()).expectStatus(200)).path("runs").findValuesAsString("started_by");
        assertThat(startedBy).containsExactlyInAnyOrder("alice", "bob", "dave", "admin");
        String visitorPage = anonymous.get("/a/" + token).expectStatus(200).body();
        assertThat(visitorPage).contains("Re-run 4 times").contains("Test matrix").contains("/a/" + token + "/export")
                .doesNotContain(">bob<").doesNotContain("dave").doesNotContain("/api/archives/").doesNotContain("Re-run now")
                .doesNotContain("share-form").doesNotContain("nav aria-label=\"Main\"");
        assertThat(alice.get("/archives/" + a.id()).body()).contains(">bob<").contains("id=\"share-form\"").contains("for the paper");
        assertThat(bob.get("/archives/" + a.id()).body()).contains("Re-run now").doesNotContain("share-form")
                .contains("it is shared with you");
    }

    @Test
    void theListSaysWhyEachArchiveIsSeenSharedOnesAppearUnderSharedWithMeAndPublicOnesToEveryone() throws Exception {
        Archive a = ArchiveImportExportTest.archive(hub, "alice", "listed");
        grant(a.id(), "user", "bob");
        assertThat(access(alice, a.id())).isEqualTo("owner");
        assertThat(access(bob, a.id())).isEqualTo("shared");
        assertThat(access(admin, a.id())).isEqualTo("admin");
        assertThat(access(carol, a.id())).isNull();
        assertThat(json(bob.api("GET", "/api/archives/" + a.id())).path("access").asString()).isEqualTo("shared");

        assertThat(bob.get("/archives").body()).contains("Shared with me").contains("Test listed").doesNotContain("Nothing is shared with you yet");
        assertThat(carol.get("/archives").body()).contains("Nothing is shared with you yet").doesNotContain("Test listed");

        // public: anyone sees it by address, every user finds it in the list, and only alice and admins may change it
        assertThat(carol.get("/archives").body()).doesNotContain("Public archives");
        alice.api("PATCH", "/api/archives/" + a.id(), "{\"public\":true}").expectStatus(200);
        assertThat(json(carol.api("GET", "/api/archives/" + a.id()).expectStatus(200)).path("access").asString()).isEqualTo("public");
        assertThat(access(carol, a.id())).isEqualTo("public");
        assertThat(access(bob, a.id())).as("a grant says more than public").isEqualTo("shared");
        assertThat(access(alice, a.id())).isEqualTo("owner");
        String carolsList = carol.get("/archives").body();
        assertThat(carolsList.substring(carolsList.indexOf("Public archives"))).contains("Test listed");
        assertThat(anonymous.get("/archives").status()).as("no list for visitors").isNotEqualTo(200);
        assertThat(carol.api("GET", "/api/archives/" + a.id() + "/grants").status()).isEqualTo(403);
        assertThat(bob.api("PATCH", "/api/archives/" + a.id(), "{\"public\":false}").status()).isEqualTo(403);
        alice.api("PATCH", "/api/archives/" + a.id(), "{\"public\":false}").expectStatus(200);
        assertThat(carol.api("GET", "/api/archives/" + a.id()).status()).isEqualTo(404);
        assertThat(access(carol, a.id())).isNull();
        assertThat(carol.get("/archives").body()).doesNotContain("Test listed");

        // the same from the page's Share card: the owner's form; someone who may only look gets 403, a stranger 404
        alice.get("/archives/" + a.id());
        HubClient.Res made = alice.form("/archives/" + a.id() + "/public", Map.of("public", "true"));
        assertThat(made.status()).isEqualTo(303);
        assertThat(alice.get("/archives/" + a.id()).body()).contains("The archive is public").contains(">Make private</button>");
        assertThat(access(carol, a.id())).isEqualTo("public");
        assertThat(anonymous.get("/archives/" + a.id()).status()).as("read without signing in").isEqualTo(200);
        bob.get("/archives/" + a.id());
        assertThat(bob.form("/archives/" + a.id() + "/public", Map.of("public", "false")).status()).isEqualTo(403);
        carol.get("/archives/" + a.id());
        assertThat(carol.form("/archives/" + a.id() + "/public", Map.of("public", "false")).status()).isEqualTo(403);
        assertThat(alice.form("/archives/" + a.id() + "/public", Map.of("public", "maybe")).status()).isEqualTo(400);
        assertThat(alice.form("/archives/" + a.id() + "/public", Map.of("public", "false")).status()).isEqualTo(303);
        assertThat(access(carol, a.id())).isNull();
        assertThat(anonymous.get("/archives/" + a.id()).status()).isEqualTo(404);
        assertThat(audited(a.id())).filteredOn(e -> e.action().equals("archive.public")).map(e -> e.actor() + " " + e.detail())
                .contains("alice true", "alice false");
    }

    /** The audit log's recent events about one archive. */
    private static List<AuditLog.Event> audited(String archiveId) {
        return new AuditLog(hub.hub().catalog().jdbi(), Clock.systemUTC()).recent(200, 0, Optional.empty()).stream()
                .filter(e -> e.target().equals(archiveId)).toList();
    }

    private static String access(HubClient c, String id) {
        for (JsonNode item : json(c.api("GET", "/api/archives").expectStatus(200))) {
            if (item.path("id").asString().equals(id)) {
                return item.path("access").asString();
            }
        }
        return null;
    }

    @Test
    void aRemovedGrantALostMembershipAndARevokedLinkEndAccessOnTheNextRequest() throws Exception {
        Archive a = ArchiveImportExportTest.archive(hub, "alice", "revoke");
        String bobGrant = grant(a.id(), "user", "bob");
        grant(a.id(), "group", "optics");
        String token = link(a.id(), "{}");
        assertThat(bob.get("/archives/" + a.id()).status()).isEqualTo(200);
        assertThat(dave.get("/archives/" + a.id()).status()).isEqualTo(200);
        assertThat(anonymous.get("/a/" + token).status()).isEqualTo(200);

        alice.api("DELETE", "/api/archives/" + a.id() + "/grants/" + bobGrant).expectStatus(204);
        assertThat(bob.get("/archives/" + a.id()).status()).isEqualTo(404);
        assertThat(bob.getBytes("/api/archives/" + a.id() + "/export").statusCode()).isEqualTo(404);
        assertThat(bob.api("POST", "/api/archives/" + a.id() + "/rerun", "{}").status()).isEqualTo(404);

        admin.api("DELETE", "/api/groups/optics/users", "{\"users\":[\"dave\"]}").expectStatus(200);
        try {
            assertThat(dave.get("/archives/" + a.id()).status()).isEqualTo(404);
        } finally {
            admin.api("POST", "/api/groups/optics/users", "{\"users\":[\"dave\"]}").expectStatus(200);
        }
        assertThat(dave.get("/archives/" + a.id()).status()).isEqualTo(200);

        String linkId = json(alice.api("GET", "/api/archives/" + a.id() + "/links").expectStatus(200)).get(0).path("id").asString();
        alice.api("DELETE", "/api/archives/" + a.id() + "/links/" + linkId).expectStatus(204);
        HubClient.Res gone = anonymous.get("/a/" + token);
        assertThat(gone.status()).isEqualTo(404);
        assertThat(gone.body()).contains("there is no such link, or it has been revoked");
        assertThat(anonymous.getBytes("/a/" + token + "/export").statusCode()).isEqualTo(404);
        assertThat(anonymous.getBytes("/a/" + token + "/files/data/inputs/analysis.ipynb").statusCode()).isEqualTo(404);

        assertThat(audited(a.id())).map(e -> e.action() + " " + e.actor())
                .contains("archive.share alice", "archive.unshare alice", "archive.link alice", "archive.unlink alice");
    }

    @Test
    void badInputGetsAPreciseAnswer() throws Exception {
        Archive a = ArchiveImportExportTest.archive(hub, "alice", "bad-input");
        String grants = "/api/archives/" + a.id() + "/grants";
        expect(alice.api("POST", grants, "{\"kind\":\"user\",\"with\":\"nobody\"}"), 404, "no user named \"nobody\"");
        expect(alice.api("POST", grants, "{\"kind\":\"group\",\"with\":\"nogroup\"}"), 404, "no group named \"nogroup\"");
        expect(alice.api("POST", grants, "{\"kind\":\"user\",\"with\":\"alice\"}"), 400, "you cannot share with yourself");
        expect(admin.api("POST", grants, "{\"kind\":\"user\",\"with\":\"alice\"}"), 400, "\"alice\" owns this archive already");
        expect(alice.api("POST", grants, "{\"kind\":\"team\",\"with\":\"bob\"}"), 400, "\"kind\" is user or group, not \"team\"");
        expect(alice.api("POST", grants, "{\"kind\":\"user\"}"), 400, "give the user to share with in \"with\"");
        expect(alice.api("POST", grants, "{\"kind\":\"user\",\"with\":\"bob\",\"extra\":1}"), 400, "unknown field \"extra\"");
        grant(a.id(), "user", "bob");
        expect(alice.api("POST", grants, "{\"kind\":\"user\",\"with\":\"bob\"}"), 409, "already shared with user \"bob\"");
        expect(alice.api("DELETE", grants + "/999999"), 404, "this archive has no grant 999999");
        expect(alice.api("DELETE", grants + "/x"), 404, "this archive has no grant x");
        expect(bob.api("POST", grants, "{\"kind\":\"user\",\"with\":\"carol\"}"), 403, "only the archive's owner or an administrator");
        expect(carol.api("POST", grants, "{\"kind\":\"user\",\"with\":\"carol\"}"), 404, "there is no archive " + a.id() + " that you may see");
        expect(alice.api("POST", "/api/archives/" + a.id() + "/links", "{\"password\":\"short\"}"), 400, "at least 8 characters");
        expect(alice.api("DELETE", "/api/archives/" + a.id() + "/links/999999"), 404, "this archive has no link 999999");
        expect(anonymous.get("/a/not-a-token"), 404, "there is no such link");
        expect(anonymous.get("/a/" + Secrets.randomToken(32)), 404, "there is no such link");

        // the page form answers the same, on the page, with the name kept in the field
        alice.get("/archives/" + a.id());
        HubClient.Res page = alice.form("/archives/" + a.id() + "/grants", Map.of("kind", "user", "with", "nobody"));
        assertThat(page.status()).isEqualTo(404);
        assertThat(page.body()).contains("No user named &quot;nobody&quot;.").contains("value=\"nobody\"").contains("aria-invalid=\"true\"");
        HubClient.Res ok = alice.form("/archives/" + a.id() + "/grants", Map.of("kind", "group", "with", "optics"));
        assertThat(ok.status()).isEqualTo(303);
        assertThat(alice.get("/archives/" + a.id()).body()).contains("Shared with group optics.").contains("data-grant=\"group:optics\"");
    }

    private static void expect(HubClient.Res r, int status, String message) {
        assertThat(r.status()).as(r.body()).isEqualTo(status);
        assertThat(r.body()).contains(message.replace("\"", r.header("Content-Type").orElse("").startsWith("text/html") ? "&quot;" : "\\\""));
    }

    @Test
    void aPasswordLinkOpensOnlyWithItsPasswordAndGuessesAreThrottledPerLink() throws Exception {
        Archive a = ArchiveImportExportTest.archive(hub, "alice", "password");
        String token = link(a.id(), "{\"password\":\"seminar-2026\",\"label\":\"reviewers\"}");
        HubClient visitor = hub.client();
        HubClient.Res form = visitor.get("/a/" + token);
        assertThat(form.status()).isEqualTo(401);
        assertThat(form.body()).contains("This archive link is protected").doesNotContain("Test password");
        HttpResponse<byte[]> locked = visitor.getBytes("/a/" + token + "/export");
        assertThat(locked.statusCode()).as("to the password form, not the login page").isEqualTo(303);
        assertThat(locked.headers().firstValue("Location")).hasValue("/a/" + token);
        HubClient.Res wrong = visitor.form("/a/" + token, Map.of("password", "not the password"));
        assertThat(wrong.status()).isEqualTo(401);
        assertThat(wrong.body()).contains("Wrong password. Try again.");
        HubClient.Res right = visitor.form("/a/" + token, Map.of("password", "seminar-2026"));
        assertThat(right.status()).isEqualTo(303);
        assertThat(right.location()).isEqualTo("/a/" + token);
        assertThat(visitor.get("/a/" + token).status()).isEqualTo(200);
        assertThat(visitor.getBytes("/a/" + token + "/files/data/inputs/analysis.ipynb").statusCode()).isEqualTo(200);
        assertThat(json(alice.api("GET", "/api/archives/" + a.id() + "/links")).get(0).path("password").asBoolean()).isTrue();

        HubClient guesser = hub.client();
        guesser.get("/a/" + token);
        int status = 0;
        for (int i = 0; i < 30 && status != 429; i++) {
            status = guesser.form("/a/" + token, Map.of("password", "guess-" + i)).status();
        }
        assertThat(status).as("guessing is throttled").isEqualTo(429);
        // the throttle is the link's own: alice still logs in
        assertThat(hub.client().login("alice", "alice-password-1").status()).isEqualTo(303);
    }

    @Test
    void aLinkEndsAfterItsLastDayOnEveryAddressAndItsMakerSeesItExpired() throws Exception {
        Archive a = ArchiveImportExportTest.archive(hub, "alice", "expiring");
        String links = "/api/archives/" + a.id() + "/links";
        expect(alice.api("POST", links, "{\"expires\":\"next tuesday\"}"), 400, "\"expires\" is an ISO-8601 instant");
        expect(alice.api("POST", links, "{\"expires\":\"2020-01-01\"}"), 400, "\"expires\" must be in the future");
        String lastDay = java.time.LocalDate.now(java.time.ZoneOffset.UTC).plusDays(3).toString();
        HubClient.Res made = alice.api("POST", links, "{\"label\":\"workshop\",\"expires\":\"" + lastDay + "\"}").expectStatus(201);
        // a date means the end of that day, UTC
        assertThat(made.json("expires")).isEqualTo(java.time.LocalDate.parse(lastDay).plusDays(1) + "T00:00:00Z");
        String token = made.json("url").substring("/a/".length());
        HubClient visitor = hub.client();
        HubClient.Res open = visitor.get("/a/" + token);
        assertThat(open.status()).isEqualTo(200);
        assertThat(open.body()).contains("you may read it and download it until");

        // time passes: the end moves into the past
        hub.hub().catalog().jdbi().useHandle(h -> h.createUpdate("UPDATE archive_links SET expires_at = :past WHERE token_hash = :hash")
                .bind("past", java.sql.Timestamp.from(java.time.Instant.now().minusSeconds(1))).bind("hash", Secrets.sha256(token)).execute());
        HubClient.Res gone = visitor.get("/a/" + token);
        assertThat(gone.status()).isEqualTo(404);
        assertThat(gone.body()).contains("there is no such link, or it has been revoked or has expired")
                .isEqualTo(visitor.get("/a/" + Secrets.randomToken(32)).body());
        assertThat(visitor.getBytes("/a/" + token + "/export").statusCode()).isEqualTo(404);
        assertThat(visitor.getBytes("/a/" + token + "/files/data/inputs/analysis.ipynb").statusCode()).isEqualTo(404);
        assertThat(alice.get("/archives/" + a.id()).body()).contains("<strong class=\"link-expired\">expired</strong>");

        // the page form takes the same last day
        alice.get("/archives/" + a.id());
        HubClient.Res page = alice.form("/archives/" + a.id() + "/links", Map.of("label", "seminar", "password", "", "expires", lastDay));
        assertThat(page.status()).isEqualTo(201);
        assertThat(page.body()).contains("New link").contains(" · until ");
        HubClient.Res past = alice.form("/archives/" + a.id() + "/links", Map.of("label", "late", "password", "", "expires", "2020-01-01"));
        assertThat(past.status()).isEqualTo(400);
        assertThat(past.body()).contains("&quot;expires&quot; must be in the future");
    }
}
