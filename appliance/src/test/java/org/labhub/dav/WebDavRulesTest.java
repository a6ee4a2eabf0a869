package org.labhub.dav;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.labhub.testing.TestHub;

/** The promises /dav/ makes beyond conformance: whose files, which credentials, quota, traversal and symlinks. */
class WebDavRulesTest {
    private static final String SECRET = "alice's secret";

    static TestHub hub;
    static DavSetup alice;
    static DavSetup bob;
    static DavSetup aliceReadOnly;

    @BeforeAll
    static void start() throws Exception {
        hub = TestHub.start(Map.of("storage.default_quota", "1m"));
        alice = DavSetup.user(hub, "alice");
        bob = DavSetup.user(hub, "bob");
        String readToken = hub.admin().api("POST", "/api/users/alice/tokens", "{\"scopes\":[\"read\"]}").expectStatus(201).json("token");
        aliceReadOnly = alice.withToken(readToken);
        assertThat(alice.call("PUT", "/dav/alice/secret.txt", SECRET, Map.of()).statusCode()).isEqualTo(201);
    }

    @AfterAll
    static void stop() throws Exception {
        hub.close();
    }

    @Test
    void bobsAppPasswordNeitherReadsNorWritesAlicesHome() throws Exception {
        for (String method : List.of("GET", "PROPFIND", "PUT", "DELETE", "MKCOL", "LOCK", "PROPPATCH", "COPY", "MOVE")) {
            HttpResponse<String> r = bob.callAs("bob", bob.token, method, "/dav/alice/secret.txt", method.equals("PUT") ? "bob was here" : null,
                    Map.of("Depth", "0", "Destination", "/dav/bob/stolen.txt"));
            assertThat(r.statusCode()).as("%s by bob", method).isIn(403, 404);
            assertThat(r.body()).as("%s by bob", method).doesNotContain(SECRET);
        }
        assertThat(Files.readString(alice.home().resolve("secret.txt"))).isEqualTo(SECRET);
        assertThat(bob.home().resolve("stolen.txt")).doesNotExist();
    }

    @Test
    void getAnswersRangesAndConditionalRequestsWithTheFilesEtag() throws Exception {
        assertThat(alice.call("PUT", "/dav/alice/digits.txt", "0123456789", Map.of()).statusCode()).isEqualTo(201);
        HttpResponse<String> full = alice.call("GET", "/dav/alice/digits.txt");
        String etag = full.headers().firstValue("ETag").orElseThrow();
        assertThat(full.headers().firstValue("Last-Modified")).isPresent();
        HttpResponse<String> part = alice.call("GET", "/dav/alice/digits.txt", null, Map.of("Range", "bytes=2-4"));
        assertThat(part.statusCode()).isEqualTo(206);
        assertThat(part.body()).isEqualTo("234");
        assertThat(part.headers().firstValue("Content-Range")).hasValue("bytes 2-4/10");
        assertThat(alice.call("GET", "/dav/alice/digits.txt", null, Map.of("Range", "bytes=-3")).body()).isEqualTo("789");
        assertThat(alice.call("GET", "/dav/alice/digits.txt", null, Map.of("Range", "bytes=20-")).statusCode()).isEqualTo(416);
        assertThat(alice.call("GET", "/dav/alice/digits.txt", null, Map.of("If-None-Match", etag)).statusCode()).isEqualTo(304);
        assertThat(alice.call("PUT", "/dav/alice/digits.txt", "changed", Map.of("If-Match", "\"stale\"")).statusCode()).isEqualTo(412);
        assertThat(alice.call("PUT", "/dav/alice/digits.txt", "changed", Map.of("If-Match", etag)).statusCode()).isEqualTo(204);
        assertThat(alice.call("DELETE", "/dav/alice/digits.txt").statusCode()).isEqualTo(204);
    }

    @Test
    void htmlAndSvgAreServedAsSandboxedAttachmentsThatNeverRunOnTheHubsOrigin() throws Exception {
        for (String name : List.of("page.html", "drawing.svg")) {
            assertThat(alice.call("PUT", "/dav/alice/" + name, "<script>alert(document.cookie)</script>", Map.of()).statusCode()).isEqualTo(201);
            HttpResponse<String> r = alice.call("GET", "/dav/alice/" + name);
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.headers().firstValue("Content-Disposition")).hasValueSatisfying(v -> assertThat(v).startsWith("attachment"));
            assertThat(r.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
            assertThat(r.headers().firstValue("Content-Security-Policy")).hasValueSatisfying(v -> assertThat(v).contains("sandbox"));
            assertThat(alice.call("DELETE", "/dav/alice/" + name).statusCode()).isEqualTo(204);
        }
    }

    @Test
    void aTokenWithoutTheFilesScopeIsRefused() throws Exception {
        assertThat(aliceReadOnly.call("GET", "/dav/alice/secret.txt").statusCode()).isEqualTo(403);
    }

    @Test
    void theLoginPasswordIsNotAnAppPassword() throws Exception {
        HttpResponse<String> r = alice.callAs("alice", "alice-password-1", "GET", "/dav/alice/secret.txt", null, Map.of());
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).startsWith("Basic"));
        assertThat(r.body()).doesNotContain(SECRET);
    }

    @Test
    void writesBeyondTheQuotaAre507AndLeaveNothing() throws Exception {
        String big = "x".repeat(2 * 1024 * 1024);
        HttpResponse<String> put = alice.call("PUT", "/dav/alice/too-big.bin", big, Map.of());
        assertThat(put.statusCode()).isEqualTo(507);
        assertThat(put.body()).contains("quota-not-exceeded");
        assertThat(alice.home().resolve("too-big.bin")).doesNotExist();
        assertThat(alice.call("PUT", "/dav/alice/half.bin", "y".repeat(600 * 1024), Map.of()).statusCode()).isEqualTo(201);
        HttpResponse<String> copy = alice.call("COPY", "/dav/alice/half.bin", null, Map.of("Destination", "/dav/alice/half-again.bin"));
        assertThat(copy.statusCode()).isEqualTo(507);
        assertThat(alice.home().resolve("half-again.bin")).doesNotExist();
        assertThat(alice.call("DELETE", "/dav/alice/half.bin").statusCode()).isEqualTo(204);
    }

    @Test
    void traversalInTheUrlIsRefusedAndTouchesNothing() throws Exception {
        Files.writeString(bob.home().resolve("bobs.txt"), "bob's");
        for (String payload : List.of("../bob/bobs.txt", "..%2fbob%2fbobs.txt", "%2e%2e/bob/bobs.txt", "..%5cbob%5cbobs.txt",
                "a%00b", "%c0%ae%c0%ae/bob/bobs.txt", "%2e%2e%2fbob%2fbobs.txt")) {
            for (String method : List.of("GET", "PUT", "DELETE")) {
                HttpResponse<String> r = alice.callFresh(method, "/dav/alice/" + payload, method.equals("PUT") ? "overwritten" : null, Map.of());
                assertThat(r.statusCode()).as("%s %s", method, payload).isIn(400, 404);
                assertThat(r.body()).doesNotContain("bob's");
            }
        }
        assertThat(Files.readString(bob.home().resolve("bobs.txt"))).isEqualTo("bob's");
    }

    @Test
    void traversalInTheDestinationIsRefusedAndTouchesNothing() throws Exception {
        for (String dest : List.of("/dav/alice/../bob/x.txt", "/dav/alice/..%2fbob%2fx.txt", "/dav/alice/%2e%2e/bob/x.txt",
                "/dav/alice/..%5cx.txt", "/dav/alice/a%00b", "/dav/alice/%c0%ae%c0%ae/bob/x.txt", "/etc/passwd",
                "http://elsewhere.example/dav/alice/x.txt", "/dav/bob/x.txt")) {
            for (String method : List.of("COPY", "MOVE")) {
                HttpResponse<String> r = alice.callFresh(method, "/dav/alice/secret.txt", null, Map.of("Destination", dest));
                assertThat(r.statusCode()).as("%s to %s", method, dest).isIn(400, 404, 502);
            }
        }
        assertThat(Files.readString(alice.home().resolve("secret.txt"))).isEqualTo(SECRET);
        try (var left = Files.list(bob.home())) {
            assertThat(left.map(p -> p.getFileName().toString()).toList()).doesNotContain("x.txt");
        }
    }

    @Test
    void aSymlinkPlantedInTheHomeIsNeverFollowed() throws Exception {
        Path outside = Files.createDirectories(hub.dataRoot().resolve("outside-" + System.nanoTime()));
        Files.writeString(outside.resolve("target.txt"), "outside secret");
        Files.createSymbolicLink(alice.home().resolve("escape"), outside);
        Files.createSymbolicLink(alice.home().resolve("link.txt"), outside.resolve("target.txt"));

        for (String path : List.of("/dav/alice/escape/target.txt", "/dav/alice/link.txt")) {
            HttpResponse<String> get = alice.call("GET", path);
            assertThat(get.statusCode()).as("GET %s", path).isIn(403, 404);
            assertThat(get.body()).doesNotContain("outside secret");
        }
        assertThat(alice.call("PUT", "/dav/alice/escape/new.txt", "planted", Map.of()).statusCode()).isIn(403, 404, 409);
        assertThat(outside.resolve("new.txt")).doesNotExist();
        HttpResponse<String> list = alice.call("PROPFIND", "/dav/alice/", null, Map.of("Depth", "1"));
        assertThat(list.statusCode()).isEqualTo(207);
        assertThat(list.body()).doesNotContain("target.txt").doesNotContain("/dav/alice/escape/");
        HttpResponse<String> inside = alice.call("PROPFIND", "/dav/alice/escape/", null, Map.of("Depth", "1"));
        assertThat(inside.statusCode()).isIn(403, 404);
        assertThat(inside.body()).doesNotContain("target.txt");
        for (String method : List.of("COPY", "MOVE")) {
            HttpResponse<String> r = alice.call(method, "/dav/alice/escape", null, Map.of("Destination", "/dav/alice/copied-" + method));
            assertThat(r.statusCode()).as(method).isIn(403, 404);
            assertThat(alice.home().resolve("copied-" + method)).doesNotExist();
        }
        assertThat(alice.call("COPY", "/dav/alice/escape/target.txt", null, Map.of("Destination", "/dav/alice/t.txt")).statusCode()).isIn(403, 404, 409);
        assertThat(alice.home().resolve("t.txt")).doesNotExist();
        assertThat(alice.call("PUT", "/dav/alice/link.txt", "replaced", Map.of()).statusCode()).isIn(201, 204);
        assertThat(Files.isSymbolicLink(alice.home().resolve("link.txt"))).isFalse();
        assertThat(Files.readString(outside.resolve("target.txt"))).isEqualTo("outside secret");
        assertThat(alice.call("DELETE", "/dav/alice/escape").statusCode()).isEqualTo(204);
        assertThat(alice.home().resolve("escape")).doesNotExist();
        assertThat(Files.readString(outside.resolve("target.txt"))).isEqualTo("outside secret");
    }
}
