package org.labhub.search;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.labhub.files.Permission;
import org.labhub.files.ShareLookup;
import org.labhub.storage.Location;
import org.labhub.storage.RelPath;
import org.labhub.testing.HubClient;
import org.labhub.testing.TestHub;
import org.labhub.web.Json;
import tools.jackson.databind.JsonNode;

/**
 * Who finds what, through the real hub: alice's unshared notebook never reaches bob (hits, total, snippets, facets, even
 * with owner:alice), a share makes it findable under his shared/ path at once, revocation ends that at once, group shares
 * count, and neither an upload-only share nor a public link makes anything searchable. Files are written through the
 * file API and put into the index directly (the freshness machinery that does that in production is built separately).
 */
class SearchPermissionsTest {
    static TestHub hub;
    static HubClient admin;
    static HubClient alice;
    static HubClient bob;
    static HubClient carol;

    @BeforeAll
    static void start() throws Exception {
        hub = TestHub.start(Map.of());
        HubClient adminSession = hub.admin();
        admin = token(adminSession, "admin", "\"read\",\"files\",\"admin\",\"tokens\"");
        for (String u : List.of("alice", "bob", "carol")) {
            admin.api("POST", "/api/users/" + u, "{\"password\":\"" + u + "-password-1\"}").expectStatus(201);
        }
        alice = token(admin, "alice", "\"read\",\"files\"");
        bob = token(admin, "bob", "\"read\",\"files\"");
        carol = token(admin, "carol", "\"read\",\"files\"");
        admin.api("POST", "/api/groups/botany", "{}").expectStatus(201);
        admin.api("POST", "/api/groups/botany/users", "{\"users\":[\"carol\"]}").expectStatus(200);

        write(hub, alice, "alice", "private/secret.ipynb", SearchQueriesTest.notebook("Quokka census", "python",
                "count = census('quokkasecret')  # field notes"));
        write(hub, alice, "alice", "lab/shared.ipynb", SearchQueriesTest.notebook("Wombat census", "R", "wombatshared <- read.csv('w.csv')"));
        write(hub, alice, "alice", "lab/sub/deep.txt", "wombatshared deep in the lab folder");
        write(hub, alice, "alice", "dropbox/inbox.txt", "quokkasecret dropped here");
        write(hub, alice, "alice", "linked/page.txt", "quokkasecret behind a public link");
        write(hub, bob, "bob", "mine.txt", "bob also writes about quokkasecret");
    }

    @AfterAll
    static void stop() throws Exception {
        hub.close();
    }

    static HubClient token(HubClient admin, String user, String scopes) {
        return hub.client().withToken(admin.api("POST", "/api/users/" + user + "/tokens", "{\"scopes\":[" + scopes + "]}")
                .expectStatus(201).json("token"));
    }

    /**
     * Writes through the file API (folders first), then waits (at most the promised 5 s) until the hub's own freshness
     * machinery has indexed it: putting it here as well would race the watcher, which re-indexes a new folder whole.
     */
    static void write(TestHub hub, HubClient client, String owner, String path, String content) throws IOException {
        RelPath p = RelPath.parse(path);
        RelPath dir = RelPath.ROOT;
        for (String name : p.parent().names()) {
            dir = dir.child(name);
            int s = client.api("POST", "/api/files/" + owner + "/" + dir, "{\"action\":\"mkdir\"}").status();
            assertThat(s).as("mkdir " + dir).isIn(200, 201, 409);
        }
        client.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(client.base() + "/api/files/" + owner + "/" + path))
                .PUT(java.net.http.HttpRequest.BodyPublishers.ofString(content)), Map.of()).expectStatus(201);
        Location at = new Location(owner, p);
        var search = hub.hub().search();
        String etag = search.files().stat(at).orElseThrow().etag();
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(5);
        while (!etag.equals(search.index().fingerprints(owner).get(p))) {
            assertThat(System.nanoTime()).as("%s indexed within 5 s", at).isLessThan(deadline);
            sleep(50);
        }
        search.index().refresh();
    }

    static JsonNode search(HubClient who, String q) {
        return Json.MAPPER.readTree(who.api("GET", "/api/search?q=" + URLEncoder.encode(q, StandardCharsets.UTF_8)).expectStatus(200).body());
    }

    static List<String> paths(JsonNode results) {
        List<String> p = new ArrayList<>();
        results.path("hits").forEach(h -> p.add(h.path("path").asString()));
        return p;
    }

    /** Everything in the answer except the echoed query: hits, counts, snippets and facets. */
    static String answer(JsonNode results) {
        return results.path("hits").toString() + results.path("facets") + results.path("total");
    }

    static String share(String path, String kind, String with, String permissions) {
        return "{\"path\":\"" + path + "\",\"kind\":\"" + kind + "\"" + (with == null ? "" : ",\"with\":\"" + with + "\"")
                + ",\"permissions\":" + permissions + "}";
    }

    @Test
    void bobNeverSeesAlicesUnsharedNotebookInHitsCountsSnippetsOrFacets() {
        JsonNode r = search(bob, "quokkasecret");
        assertThat(paths(r)).containsExactly("mine.txt");
        assertThat(r.path("total").asLong()).isEqualTo(1);
        assertThat(answer(r)).doesNotContain("alice").doesNotContain("census").doesNotContain("private");
        assertThat(r.path("facets").path("owner").toString()).isEqualTo("[{\"value\":\"bob\",\"count\":1}]");

        JsonNode byOwner = search(bob, "owner:alice");
        assertThat(byOwner.path("total").asLong()).isZero();
        assertThat(answer(byOwner)).doesNotContain("alice");
        assertThat(search(bob, "quokka*").path("total").asLong()).isEqualTo(1);
        assertThat(search(bob, "type:notebook").path("total").asLong()).isZero();
        assertThat(search(alice, "quokkasecret").path("total").asLong()).isEqualTo(3);
    }

    @Test
    void adminsGetNoSpecialSearchRights() {
        JsonNode r = search(admin, "quokkasecret OR wombatshared");
        assertThat(r.path("total").asLong()).isZero();
        assertThat(answer(r)).doesNotContain("alice");
    }

    @Test
    void aUserShareMakesTheFolderFindableUnderTheSharedPathAndRevocationEndsItAtOnce() {
        assertThat(search(bob, "wombatshared").path("total").asLong()).isZero();
        String id = alice.api("POST", "/api/shares", share("lab", "user", "bob", "\"read\"")).expectStatus(201).json("id");
        JsonNode r = search(bob, "wombatshared");
        assertThat(paths(r)).containsExactlyInAnyOrder("shared/alice/lab/shared.ipynb", "shared/alice/lab/sub/deep.txt");
        JsonNode hit = r.path("hits").get(0);
        assertThat(hit.path("url").asString()).startsWith("/files/bob/shared/alice/lab/");
        assertThat(hit.path("open_url").asString()).isEmpty(); // "open in my server" is for one's own notebooks
        assertThat(r.path("facets").path("owner").toString()).contains("alice");
        assertThat(search(bob, "quokkasecret").path("total").asLong()).as("only the shared folder").isEqualTo(1);
        // The preview link works for bob.
        assertThat(bob.get(hit.path("url").asString()).status()).isEqualTo(200);

        alice.api("DELETE", "/api/shares/" + id).expectStatus(204);
        JsonNode after = search(bob, "wombatshared");
        assertThat(after.path("total").asLong()).isZero();
        assertThat(answer(after)).doesNotContain("alice");
    }

    @Test
    void aGroupShareReachesItsMembers() {
        assertThat(search(carol, "wombatshared").path("total").asLong()).isZero();
        String id = alice.api("POST", "/api/shares", share("lab/sub", "group", "botany", "\"read\"")).expectStatus(201).json("id");
        assertThat(paths(search(carol, "wombatshared"))).containsExactly("shared/alice/sub/deep.txt");
        assertThat(search(bob, "wombatshared").path("total").asLong()).isZero();
        alice.api("DELETE", "/api/shares/" + id).expectStatus(204);
        assertThat(search(carol, "wombatshared").path("total").asLong()).isZero();
    }

    @Test
    void neitherAReadLinkNorAnUploadLinkMakesAnythingSearchable() {
        String drop = alice.api("POST", "/api/shares", share("dropbox", "link", null, "\"upload\"")).expectStatus(201).json("id");
        String link = alice.api("POST", "/api/shares", share("linked", "link", null, "\"read\"")).expectStatus(201).json("id");
        JsonNode r = search(bob, "quokkasecret");
        assertThat(paths(r)).containsExactly("mine.txt");
        assertThat(answer(r)).doesNotContain("alice");
        alice.api("DELETE", "/api/shares/" + drop).expectStatus(204);
        alice.api("DELETE", "/api/shares/" + link).expectStatus(204);
    }

    /** User and group shares always include read today; the filter must still not let a create-only grant search. */
    @Test
    void aGrantWithoutReadGivesNoSearch() throws IOException {
        try (Corpus corpus = new Corpus()) {
            corpus.write("alice", "inbox/note.txt", "dropboxword");
            ShareLookup.Grant createOnly = new ShareLookup.Grant(RelPath.parse("inbox"), Permission.dropBox());
            ShareLookup lookup = new ShareLookup() {
                @Override
                public List<ShareLookup.Grant> grantsTo(String user, String owner) { return List.of(createOnly); }

                @Override
                public List<ShareLookup.Incoming> incoming(String user) { return List.of(new ShareLookup.Incoming("alice", "inbox", createOnly)); }
            };
            SearchService service = new SearchService(corpus.index, lookup, () -> false, 1 << 20);
            SearchRequest req = SearchRequest.from(n -> n.equals("q") ? java.util.Optional.of("dropboxword") : java.util.Optional.empty());
            assertThat(service.search("bob", req).total()).isZero();
            assertThat(service.search("alice", req).total()).isEqualTo(1);
        }
    }

    @Test
    void malformedQueriesAnswer400WithAMessageInTheApiAndOnThePage() throws Exception {
        for (String q : List.of("\"unterminated", "*", "AND AND", "x".repeat(10 * 1024), "id:x")) {
            HubClient.Res r = bob.api("GET", "/api/search?q=" + URLEncoder.encode(q, StandardCharsets.UTF_8));
            assertThat(r.status()).as(q.length() > 40 ? "10 KB query" : q).isEqualTo(400);
            assertThat(r.json("error")).isEqualTo("bad_request");
            assertThat(r.json("message")).isNotBlank();
        }
        HubClient page = hub.client();
        page.login("bob", "bob-password-1").expectStatus(303);
        HubClient.Res r = page.get("/search?q=" + URLEncoder.encode("\"unterminated", StandardCharsets.UTF_8));
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.body()).contains("That search could not be run").contains("closing quote").contains("id=\"search-q\"");
    }

    @Test
    void theSearchPageShowsResultsWithEscapedSnippetsAndAnEmptyState() throws Exception {
        HubClient page = hub.client();
        page.login("alice", "alice-password-1").expectStatus(303);
        HubClient.Res start = page.get("/search");
        assertThat(start.status()).isEqualTo(200);
        assertThat(start.body()).contains("What are you looking for?");
        HubClient.Res r = page.get("/search?q=quokkasecret");
        assertThat(r.body()).contains("3 results").contains("<mark>quokkasecret</mark>").contains("Quokka census")
                .contains("/user/alice/notebooks/private/secret.ipynb");
        assertThat(page.get("/search?q=nothingmatchesthis").body()).contains("Nothing found.");
        assertThat(page.get("/").body()).as("the search box in the top bar").contains("id=\"nav-q\"");
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }
}
