package org.labhub.dav;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.labhub.testing.TestHub;

/**
 * What the fast paths of /dav/ must keep: bodies larger than one 1 MiB buffer arrive and leave byte for byte (also
 * in ranges across a buffer's end), the own XML writer escapes and encodes names, dead properties of a folder's
 * children show in its listing, and a remembered app password stops working at the very next request once revoked.
 */
class WebDavFastPathsTest {
    static TestHub hub;
    static DavSetup alice;

    @BeforeAll
    static void start() throws Exception {
        hub = TestHub.start(Map.of());
        alice = DavSetup.user(hub, "alice");
    }

    @AfterAll
    static void stop() throws Exception {
        hub.close();
    }

    @Test
    void aBodyOfSeveralBuffersArrivesAndLeavesByteForByteAlsoInRangesAcrossABuffersEnd() throws Exception {
        StringBuilder b = new StringBuilder();
        SplittableRandom random = new SplittableRandom(7);
        while (b.length() < 3 * 1024 * 1024 + 12_345) {
            b.append((char) ('a' + random.nextInt(26)));
        }
        String body = b.toString();
        assertThat(alice.call("PUT", "/dav/alice/big.txt", body, Map.of()).statusCode()).isEqualTo(201);
        assertThat(Files.readString(alice.home().resolve("big.txt"))).isEqualTo(body);

        HttpResponse<String> whole = alice.call("GET", "/dav/alice/big.txt");
        assertThat(whole.statusCode()).isEqualTo(200);
        assertThat(whole.headers().firstValue("Content-Length")).hasValue(String.valueOf(body.length()));
        assertThat(whole.body()).isEqualTo(body);

        int from = 1024 * 1024 - 10;
        HttpResponse<String> across = alice.call("GET", "/dav/alice/big.txt", null, Map.of("Range", "bytes=" + from + "-" + (from + 2 * 1024 * 1024)));
        assertThat(across.statusCode()).isEqualTo(206);
        assertThat(across.body()).isEqualTo(body.substring(from, from + 2 * 1024 * 1024 + 1));
        assertThat(alice.call("GET", "/dav/alice/big.txt", null, Map.of("Range", "bytes=-5")).body()).isEqualTo(body.substring(body.length() - 5));
        assertThat(alice.call("HEAD", "/dav/alice/big.txt").headers().firstValue("Content-Length")).hasValue(String.valueOf(body.length()));
    }

    @Test
    void aListingEscapesAndEncodesNamesAndShowsTheDeadPropertiesOfChildren() throws Exception {
        assertThat(alice.call("MKCOL", "/dav/alice/odd/").statusCode()).isEqualTo(201);
        String name = "a&b <c> \"d\" ü € 😀.txt";
        Files.writeString(alice.home().resolve("odd").resolve(name), "x");
        Files.writeString(alice.home().resolve("odd").resolve("plain.txt"), "y");
        HttpResponse<String> set = alice.call("PROPPATCH", "/dav/alice/odd/plain.txt", "<?xml version=\"1.0\"?>"
                + "<D:propertyupdate xmlns:D=\"DAV:\" xmlns:Z=\"urn:x\"><D:set><D:prop><Z:color>blue &amp; green</Z:color></D:prop></D:set>"
                + "</D:propertyupdate>", Map.of("Content-Type", "application/xml"));
        assertThat(set.statusCode()).isEqualTo(207);

        HttpResponse<String> listing = alice.call("PROPFIND", "/dav/alice/odd/", null, Map.of("Depth", "1"));
        assertThat(listing.statusCode()).isEqualTo(207);
        String xml = listing.body();
        assertThat(xml).startsWith("<?xml version=\"1.0\" encoding=\"UTF-8\"?><D:multistatus xmlns:D=\"DAV:\">");
        assertThat(xml).contains("<D:href>/dav/alice/odd/a&amp;b%20%3Cc%3E%20%22d%22%20%C3%BC%20%E2%82%AC%20%F0%9F%98%80.txt</D:href>");
        assertThat(xml).contains("<D:displayname>a&amp;b &lt;c&gt; \"d\" ü € 😀.txt</D:displayname>");
        assertThat(xml).contains("<D:href>/dav/alice/odd/plain.txt</D:href>");
        int plain = xml.indexOf("<D:href>/dav/alice/odd/plain.txt</D:href>");
        String plainResponse = xml.substring(plain, xml.indexOf("</D:response>", plain));
        assertThat(plainResponse).containsPattern("<(\\w+:)?color xmlns(:\\w+)?=\"urn:x\">blue &amp; green</(\\w+:)?color>");
        assertThat(xml.split("color").length - 1).as("only plain.txt has the property").isEqualTo(2);
    }

    @Test
    void aRevokedAppPasswordStopsWorkingAtTheVeryNextRequest() throws Exception {
        HubClientToken created = HubClientToken.create(alice);
        DavSetup script = alice.withToken(created.token());
        assertThat(script.call("PROPFIND", "/dav/alice/", null, Map.of("Depth", "0")).statusCode()).isEqualTo(207);
        assertThat(script.call("PROPFIND", "/dav/alice/", null, Map.of("Depth", "0")).statusCode()).isEqualTo(207);
        alice.web.api("DELETE", "/api/users/alice/tokens/" + created.id()).expectStatus(204);
        assertThat(script.call("PROPFIND", "/dav/alice/", null, Map.of("Depth", "0")).statusCode()).isEqualTo(401);
        assertThat(alice.call("PROPFIND", "/dav/alice/", null, Map.of("Depth", "0")).statusCode()).isEqualTo(207);
    }

    private record HubClientToken(String token, String id) {
        static HubClientToken create(DavSetup user) throws Exception {
            var res = user.web.api("POST", "/api/users/" + user.user + "/tokens", "{\"scopes\":[\"files\"]}").expectStatus(201);
            return new HubClientToken(res.json("token"), res.json("id"));
        }
    }
}
