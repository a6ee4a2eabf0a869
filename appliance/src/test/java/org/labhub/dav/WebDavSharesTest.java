package org.labhub.dav;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.labhub.testing.TestHub;
import org.labhub.web.Json;

/** What alice shares with bob, over bob's WebDAV: where it appears, what he may do there, and that it follows moves and revocation. */
class WebDavSharesTest {
    static TestHub hub;
    static DavSetup alice;
    static DavSetup bob;
    static DavSetup carol;

    @BeforeAll
    static void start() throws Exception {
        hub = TestHub.start();
        alice = DavSetup.user(hub, "alice");
        bob = DavSetup.user(hub, "bob");
        carol = DavSetup.user(hub, "carol");
        assertThat(alice.call("MKCOL", "/dav/alice/data").statusCode()).isEqualTo(201);
        assertThat(alice.call("PUT", "/dav/alice/data/r.csv", "a,b\n1,2\n", Map.of()).statusCode()).isEqualTo(201);
        assertThat(alice.call("MKCOL", "/dav/alice/drop").statusCode()).isEqualTo(201);
    }

    @AfterAll
    static void stop() throws Exception {
        hub.close();
    }

    @Test
    void aReadOnlyShareIsReadableUnderSharedAndAtItsOwnersUrlButNeverWritable() throws Exception {
        long id = share("data", "bob", "read");
        assertThat(bob.call("GET", "/dav/bob/shared/alice/data/r.csv").body()).isEqualTo("a,b\n1,2\n");
        assertThat(bob.call("GET", "/dav/alice/data/r.csv").body()).isEqualTo("a,b\n1,2\n");
        assertThat(bob.call("PROPFIND", "/dav/bob/shared/alice/", null, Map.of("Depth", "1")).body()).contains("/dav/bob/shared/alice/data/");
        assertThat(bob.call("PUT", "/dav/bob/shared/alice/data/r.csv", "bob", Map.of()).statusCode()).isEqualTo(403);
        assertThat(bob.call("DELETE", "/dav/alice/data/r.csv").statusCode()).isEqualTo(403);
        assertThat(bob.call("MOVE", "/dav/alice/data/r.csv", null, Map.of("Destination", "/dav/bob/r.csv")).statusCode()).isEqualTo(403);
        assertThat(Files.readString(alice.home().resolve("data/r.csv"))).isEqualTo("a,b\n1,2\n");
        assertThat(carol.call("GET", "/dav/alice/data/r.csv").statusCode()).isEqualTo(404);

        // alice renames the folder over WebDAV: the share follows it.
        assertThat(alice.call("MOVE", "/dav/alice/data", null, Map.of("Destination", "/dav/alice/results")).statusCode()).isEqualTo(201);
        assertThat(bob.call("GET", "/dav/alice/results/r.csv").statusCode()).isEqualTo(200);
        assertThat(bob.call("GET", "/dav/alice/data/r.csv").statusCode()).isEqualTo(404);

        alice.web.api("DELETE", "/api/shares/" + id).expectStatus(204);
        assertThat(bob.call("GET", "/dav/alice/results/r.csv").statusCode()).isEqualTo(404);
        assertThat(bob.call("GET", "/dav/bob/shared/alice/data/r.csv").statusCode()).isEqualTo(404);
    }

    @Test
    void aWritableShareTakesBobsFilesIntoAlicesFolderOwnedByHer() throws Exception {
        share("drop", "bob", "write");
        assertThat(bob.call("PUT", "/dav/bob/shared/alice/drop/from-bob.txt", "hello", Map.of()).statusCode()).isEqualTo(201);
        assertThat(Files.readString(alice.home().resolve("drop/from-bob.txt"))).isEqualTo("hello");
        assertThat(bob.call("MKCOL", "/dav/alice/drop/sub").statusCode()).isEqualTo(201);
        assertThat(bob.call("PUT", "/dav/alice/elsewhere.txt", "no", Map.of()).statusCode()).isEqualTo(404);
    }

    private static long share(String path, String with, String permissions) throws Exception {
        String body = "{\"path\":\"" + path + "\",\"kind\":\"user\",\"with\":\"" + with + "\",\"permissions\":\"" + permissions + "\"}";
        return Json.MAPPER.readTree(alice.web.api("POST", "/api/shares", body).expectStatus(201).body()).path("id").asLong();
    }
}
