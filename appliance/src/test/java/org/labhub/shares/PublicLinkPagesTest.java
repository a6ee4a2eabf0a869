package org.labhub.shares;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.labhub.auth.Secrets;
import org.labhub.testing.HubClient;
import org.labhub.testing.TestHub;
import org.labhub.web.Json;
import tools.jackson.databind.JsonNode;

/**
 * Public links as anonymous visitors meet them, on the page routes ({@code /s/<token>/…}) and over WebDAV
 * ({@code /s/<token>/dav/…}): what a password hides, what each preset allows, and what never leaves the shared item.
 */
class PublicLinkPagesTest {
    private static final String PASSWORD = "correct horse battery";

    static TestHub hub;
    static People people;
    static HubClient alice;
    static Path home;

    @BeforeAll
    static void start() throws Exception {
        hub = TestHub.start(Map.of("storage.default_quota", "1m"));
        people = new People(hub);
        alice = people.user("alice");
        home = hub.dataRoot().resolve("homes/alice");
    }

    @AfterAll
    static void stop() throws Exception {
        hub.close();
    }

    /** A folder of alice's with two files and a subfolder, under a fresh name. */
    private static String folder(String name) throws Exception {
        Files.createDirectories(home.resolve(name + "/sub"));
        Files.writeString(home.resolve(name + "/report-alpha.txt"), "alpha numbers");
        Files.writeString(home.resolve(name + "/sub/deep-beta.txt"), "beta numbers");
        return name;
    }

    private static JsonNode link(String path, String permissions, String password) {
        String body = "{\"path\":\"" + path + "\",\"kind\":\"link\",\"permissions\":\"" + permissions + "\""
                + (password == null ? "" : ",\"password\":\"" + password + "\"") + "}";
        return Json.MAPPER.readTree(alice.api("POST", "/api/shares", body).expectStatus(201).body());
    }

    private static String token(JsonNode link) {
        return link.path("url").asString().substring("/s/".length());
    }

    private static final String PROPFIND_ALL = "<?xml version=\"1.0\"?><D:propfind xmlns:D=\"DAV:\"><D:allprop/></D:propfind>";

    @Test
    void aPasswordProtectedLinkShowsNothingOfItsItemUntilThePasswordIsGiven() throws Exception {
        String name = folder("hidden-stuff");
        String t = token(link(name, "read", PASSWORD));
        LinkVisitor v = new LinkVisitor(hub);
        List<HttpResponse<String>> locked = new ArrayList<>();
        for (String p : List.of("", "/", "/report-alpha.txt", "/report-alpha.txt?download", "/report-alpha.txt?raw", "/?zip", "/sub/",
                "/sub/deep-beta.txt?download")) {
            locked.add(v.get("/s/" + t + p));
        }
        for (String depth : List.of("0", "1", "infinity")) {
            locked.add(v.dav("PROPFIND", "/s/" + t + "/dav/", null, PROPFIND_ALL, Map.of("Depth", depth)));
            locked.add(v.dav("PROPFIND", "/s/" + t + "/dav/sub/", "wrong-" + depth, PROPFIND_ALL, Map.of("Depth", depth)));
        }
        locked.add(v.dav("GET", "/s/" + t + "/dav/report-alpha.txt", null, null, Map.of()));
        for (HttpResponse<String> r : locked) {
            assertThat(r.statusCode()).as(r.uri().toString()).isEqualTo(401);
            // The form sends the visitor back to the URL they asked for, so that much is echoed; nothing else is.
            String asked = r.uri().getPath();
            for (String secret : List.of("hidden-stuff", "report-alpha", "deep-beta", "sub/", "alpha numbers", "beta numbers", "alice")) {
                if (!asked.contains(secret)) {
                    assertThat(r.body()).as(r.uri().toString()).doesNotContain(secret);
                }
            }
        }
        assertThat(locked.get(0).body()).contains("This link is protected", "name=\"password\"");
        HttpResponse<String> dav = locked.get(locked.size() - 1);
        assertThat(dav.headers().firstValue("WWW-Authenticate").orElse("")).startsWith("Basic realm=\"labhub link\"");

        // With the password: the form sets a cookie for this link's path, and everything opens.
        HttpResponse<String> unlocked = v.unlock(t, PASSWORD);
        assertThat(unlocked.statusCode()).isEqualTo(303);
        assertThat(unlocked.headers().firstValue("Location")).hasValue("/s/" + t);
        assertThat(unlocked.headers().firstValue("Set-Cookie").orElse("")).contains("labhub_link=", "Path=/s/" + t, "HttpOnly");
        HttpResponse<String> page = v.get("/s/" + t);
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("hidden-stuff", "report-alpha.txt", "sub/", "Shared by <strong>alice</strong>");
        assertThat(v.get("/s/" + t + "/sub/deep-beta.txt?download").body()).isEqualTo("beta numbers");
        assertThat(zipNames(v.getBytes("/s/" + t + "/?zip").body())).containsExactlyInAnyOrder("report-alpha.txt", "sub/", "sub/deep-beta.txt");
        HttpResponse<String> listing = v.dav("PROPFIND", "/s/" + t + "/dav/", PASSWORD, PROPFIND_ALL, Map.of("Depth", "1"));
        assertThat(listing.statusCode()).isEqualTo(207);
        assertThat(listing.body()).contains("/s/" + t + "/dav/report-alpha.txt", "/s/" + t + "/dav/sub/")
                .doesNotContain("alice:/", "/dav/alice/");
        assertThat(v.dav("PROPFIND", "/s/" + t + "/dav/", PASSWORD, PROPFIND_ALL, Map.of("Depth", "infinity")).statusCode())
                .isEqualTo(403); // infinity is refused for everyone (RFC 4918 §9.1), never a tree walk

        // The cookie of one link opens no other, and a new password ends it.
        String other = token(link(name, "read", PASSWORD));
        LinkVisitor thief = new LinkVisitor(hub);
        thief.plantCookie("labhub_link", v.cookie("labhub_link"), "/s/" + other);
        assertThat(thief.get("/s/" + other).statusCode()).isEqualTo(401);
        long id = Json.MAPPER.readTree(alice.api("GET", "/api/shares").body()).valueStream()
                .filter(s -> s.path("path").asString().equals(name)).findFirst().orElseThrow().path("id").asLong();
        alice.api("PATCH", "/api/shares/" + id, "{\"password\":\"a brand new one\"}").expectStatus(200);
        HttpResponse<String> after = v.get("/s/" + t);
        assertThat(after.statusCode()).isEqualTo(401);
        assertThat(after.body()).doesNotContain("report-alpha");
    }

    @Test
    void guessingALinkPasswordIsThrottledOnTheFormAndOverWebDav() throws Exception {
        String name = folder("guarded");
        String form = token(link(name, "read", PASSWORD));
        LinkVisitor v = new LinkVisitor(hub);
        HttpResponse<String> r = null;
        for (int i = 0; i < 30; i++) {
            r = v.unlock(form, "guess number " + i);
            if (r.statusCode() == 429) {
                break;
            }
            assertThat(r.statusCode()).isEqualTo(401);
            assertThat(r.body()).contains("Wrong password");
        }
        assertThat(r.statusCode()).isEqualTo(429);
        assertThat(r.headers().firstValue("Retry-After").map(Long::parseLong).orElse(0L)).isPositive();
        assertThat(r.body()).containsPattern("Too many attempts. Try again in \\d+ s.").doesNotContain("report-alpha");

        String dav = token(link(name, "read", PASSWORD));
        HttpResponse<String> d = null;
        for (int i = 0; i < 30; i++) {
            d = v.dav("PROPFIND", "/s/" + dav + "/dav/", "guess number " + i, null, Map.of("Depth", "0"));
            if (d.statusCode() == 429) {
                break;
            }
            assertThat(d.statusCode()).isEqualTo(401);
        }
        assertThat(d.statusCode()).isEqualTo(429);
        assertThat(d.headers().firstValue("Retry-After").map(Long::parseLong).orElse(0L)).isPositive();
        assertThat(v.dav("PROPFIND", "/s/" + dav + "/dav/", PASSWORD, null, Map.of("Depth", "0")).statusCode())
                .as("the right password waits out the lockout too").isEqualTo(429);
    }

    @Test
    void aRevokedOrExpiredLinkIsGoneAtTheNextRequest() throws Exception {
        String name = folder("short-lived");
        JsonNode revoked = link(name, "read", null);
        String t = token(revoked);
        LinkVisitor v = new LinkVisitor(hub);
        assertThat(v.get("/s/" + t).statusCode()).isEqualTo(200);
        assertThat(v.dav("PROPFIND", "/s/" + t + "/dav/", null, null, Map.of("Depth", "1")).statusCode()).isEqualTo(207);
        alice.api("DELETE", "/api/shares/" + revoked.path("id").asString()).expectStatus(204);
        assertThat(v.get("/s/" + t).statusCode()).isEqualTo(404);
        assertThat(v.get("/s/" + t + "/report-alpha.txt?download").statusCode()).isEqualTo(404);
        assertThat(v.dav("PROPFIND", "/s/" + t + "/dav/", null, null, Map.of("Depth", "1")).statusCode()).isEqualTo(404);

        String e = token(link(name, "read", null));
        assertThat(v.get("/s/" + e).statusCode()).isEqualTo(200);
        hub.hub().catalog().jdbi().useHandle(h -> h.createUpdate("UPDATE shares SET expires_at = :past WHERE token_hash = :hash")
                .bind("past", java.sql.Timestamp.from(Instant.now().minusSeconds(1))).bind("hash", Secrets.sha256(e)).execute());
        HttpResponse<String> gone = v.get("/s/" + e);
        assertThat(gone.statusCode()).isEqualTo(404);
        assertThat(gone.body()).doesNotContain("short-lived", "report-alpha");
        assertThat(v.dav("GET", "/s/" + e + "/dav/report-alpha.txt", null, null, Map.of()).statusCode()).isEqualTo(404);
    }

    @Test
    void aReadOnlyLinkRefusesEveryWriteOnThePageAndOverWebDav() throws Exception {
        String name = folder("read-only");
        String t = token(link(name, "read", null));
        LinkVisitor v = new LinkVisitor(hub);
        HttpResponse<String> page = v.get("/s/" + t);
        assertThat(page.body()).doesNotContain("upload-input", "mkdir-form", "data-action=\"delete\"").contains("Download all as zip");
        assertThat(v.put("/s/" + t + "/new.txt", "x").statusCode()).isEqualTo(403);
        assertThat(v.put("/s/" + t + "/report-alpha.txt", "x").statusCode()).isEqualTo(403);
        assertThat(v.write("POST", "/s/" + t + "/newdir", "{\"action\":\"mkdir\"}".getBytes(), "application/json").statusCode()).isEqualTo(403);
        assertThat(v.write("DELETE", "/s/" + t + "/report-alpha.txt", null, null).statusCode()).isEqualTo(403);
        String d = "/s/" + t + "/dav/";
        assertThat(v.dav("PUT", d + "new.txt", null, "x", Map.of()).statusCode()).isEqualTo(403);
        assertThat(v.dav("PUT", d + "report-alpha.txt", null, "x", Map.of()).statusCode()).isEqualTo(403);
        assertThat(v.dav("DELETE", d + "report-alpha.txt", null, null, Map.of()).statusCode()).isEqualTo(403);
        assertThat(v.dav("MKCOL", d + "newdir", null, null, Map.of()).statusCode()).isEqualTo(403);
        assertThat(v.dav("MOVE", d + "report-alpha.txt", null, null, Map.of("Destination", d + "moved.txt")).statusCode()).isEqualTo(403);
        assertThat(v.dav("COPY", d + "report-alpha.txt", null, null, Map.of("Destination", d + "copied.txt")).statusCode()).isEqualTo(403);
        assertThat(v.dav("PROPPATCH", d + "report-alpha.txt", null, "<?xml version=\"1.0\"?><D:propertyupdate xmlns:D=\"DAV:\">"
                + "<D:set><D:prop><x xmlns=\"urn:x\">1</x></D:prop></D:set></D:propertyupdate>", Map.of()).statusCode()).isEqualTo(403);
        try (var files = Files.list(home.resolve(name))) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("report-alpha.txt", "sub");
        }
        assertThat(Files.readString(home.resolve(name + "/report-alpha.txt"))).isEqualTo("alpha numbers");
    }

    @Test
    void aDropBoxTakesUploadsNeverListsAndNeverOverwrites() throws Exception {
        String name = folder("inbox");
        String t = token(link(name, "upload", null));
        LinkVisitor v = new LinkVisitor(hub);
        HttpResponse<String> page = v.get("/s/" + t);
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("Upload files", "upload-input", "drop-zone").doesNotContain("report-alpha", "deep-beta", "sub/");
        for (String p : List.of("/sub/", "/report-alpha.txt", "/report-alpha.txt?download", "/?zip", "/sub/deep-beta.txt?raw")) {
            HttpResponse<String> r = v.get("/s/" + t + p);
            assertThat(r.statusCode()).as(p).isEqualTo(403);
            assertThat(r.body()).as(p).doesNotContain("alpha numbers", "beta numbers", "deep-beta");
        }
        HttpResponse<String> first = v.put("/s/" + t + "/homework.txt", "first");
        assertThat(first.statusCode()).isEqualTo(201);
        assertThat(Json.MAPPER.readTree(first.body()).path("name").asString()).isEqualTo("homework.txt");
        HttpResponse<String> second = v.put("/s/" + t + "/homework.txt", "second");
        assertThat(second.statusCode()).isEqualTo(201);
        assertThat(Json.MAPPER.readTree(second.body()).path("name").asString()).isEqualTo("homework (2).txt");
        HttpResponse<String> third = v.put("/s/" + t + "/report-alpha.txt", "not alpha");
        assertThat(Json.MAPPER.readTree(third.body()).path("name").asString()).isEqualTo("report-alpha (2).txt");
        assertThat(Files.readString(home.resolve(name + "/homework.txt"))).isEqualTo("first");
        assertThat(Files.readString(home.resolve(name + "/homework (2).txt"))).isEqualTo("second");
        assertThat(Files.readString(home.resolve(name + "/report-alpha.txt"))).isEqualTo("alpha numbers");

        String d = "/s/" + t + "/dav/";
        assertThat(v.dav("PROPFIND", d, null, null, Map.of("Depth", "1")).statusCode()).isEqualTo(403);
        assertThat(v.dav("PROPFIND", d, null, null, Map.of("Depth", "0")).statusCode()).isEqualTo(403);
        assertThat(v.dav("GET", d + "report-alpha.txt", null, null, Map.of()).statusCode()).isEqualTo(403);
        assertThat(v.dav("PUT", d + "via-dav.txt", null, "dav", Map.of()).statusCode()).isEqualTo(201);
        assertThat(v.dav("PUT", d + "report-alpha.txt", null, "overwrite?", Map.of()).statusCode()).isEqualTo(403);
        assertThat(v.dav("MKCOL", d + "made-by-dav", null, null, Map.of()).statusCode()).isEqualTo(201);
        assertThat(v.dav("DELETE", d + "via-dav.txt", null, null, Map.of()).statusCode()).isEqualTo(403);
        assertThat(Files.readString(home.resolve(name + "/report-alpha.txt"))).isEqualTo("alpha numbers");
        assertThat(home.resolve(name + "/via-dav.txt")).hasContent("dav");
    }

    @Test
    void aReadWriteLinkUploadsMakesFoldersDeletesToTheTrashAndStopsAtTheQuota() throws Exception {
        String name = folder("workspace");
        String t = token(link(name, "write", null));
        LinkVisitor v = new LinkVisitor(hub);
        assertThat(v.get("/s/" + t).body()).contains("upload-input", "mkdir-form", "data-action=\"delete\"");
        assertThat(v.put("/s/" + t + "/sub/notes.txt", "notes").statusCode()).isEqualTo(201);
        assertThat(v.put("/s/" + t + "/sub/notes.txt", "notes v2").statusCode()).isEqualTo(200);
        assertThat(home.resolve(name + "/sub/notes.txt")).hasContent("notes v2");
        assertThat(v.write("POST", "/s/" + t + "/results", "{\"action\":\"mkdir\"}".getBytes(), "application/json").statusCode()).isEqualTo(201);
        assertThat(home.resolve(name + "/results")).isDirectory();
        assertThat(v.write("DELETE", "/s/" + t + "/report-alpha.txt", null, null).statusCode()).isEqualTo(200);
        assertThat(home.resolve(name + "/report-alpha.txt")).doesNotExist();
        assertThat(alice.api("GET", "/api/trash").expectStatus(200).body()).contains("report-alpha.txt");
        assertThat(v.write("DELETE", "/s/" + t, null, null).statusCode()).as("the shared folder itself").isEqualTo(403);
        assertThat(v.dav("DELETE", "/s/" + t + "/dav/", null, null, Map.of()).statusCode()).isEqualTo(403);
        assertThat(v.dav("MOVE", "/s/" + t + "/dav/", null, null, Map.of("Destination", "/s/" + t + "/dav/x")).statusCode()).isEqualTo(403);
        assertThat(home.resolve(name)).isDirectory();

        // Another site cannot write with the visitor's browser: page writes need this hub's Origin and the page's token.
        LinkVisitor forged = new LinkVisitor(hub);
        HttpResponse<String> noToken = forged.write("PUT", "/s/" + t + "/forged.txt", "x".getBytes(), "application/octet-stream");
        assertThat(noToken.statusCode()).isEqualTo(403);
        assertThat(noToken.body()).contains("cross-site request refused");
        assertThat(home.resolve(name + "/forged.txt")).doesNotExist();

        // The owner's quota is 1 MiB: a 2 MiB upload is refused with 507 and leaves nothing, on the page and over WebDAV.
        byte[] big = new byte[2 * 1024 * 1024];
        HttpResponse<String> tooBig = v.write("PUT", "/s/" + t + "/big.bin", big, "application/octet-stream");
        assertThat(tooBig.statusCode()).isEqualTo(507);
        assertThat(tooBig.body()).contains("storage is full");
        assertThat(home.resolve(name + "/big.bin")).doesNotExist();
        HttpResponse<String> davBig = v.dav("PUT", "/s/" + t + "/dav/big.bin", null, "y".repeat(2 * 1024 * 1024), Map.of());
        assertThat(davBig.statusCode()).isEqualTo(507);
        assertThat(home.resolve(name + "/big.bin")).doesNotExist();
        try (var staged = Files.list(hub.dataRoot().resolve("staging"))) {
            assertThat(staged.filter(Files::isRegularFile)).as("staging files left").isEmpty();
        }
    }

    @Test
    void traversalIsRefusedAndSymlinksInsideTheSharedFolderAreNeverFollowed() throws Exception {
        String name = folder("confined");
        Files.writeString(home.resolve("outside-secret.txt"), "outside content");
        Files.createSymbolicLink(home.resolve(name + "/escape.txt"), home.resolve("outside-secret.txt"));
        Files.createSymbolicLink(home.resolve(name + "/escape-dir"), home);
        String t = token(link(name, "write", null));
        LinkVisitor v = new LinkVisitor(hub);
        for (String payload : List.of("/..%2foutside-secret.txt", "/%2e%2e/outside-secret.txt", "/..%5coutside-secret.txt",
                "/sub/..%2f..%2foutside-secret.txt", "/a%00b", "/%2e%2e", "/sub/%2E%2E/%2E%2E/outside-secret.txt")) {
            for (String prefix : List.of("/s/" + t, "/s/" + t + "/dav")) {
                HttpResponse<String> page = v.get(prefix + payload + (prefix.endsWith("dav") ? "" : "?download"));
                assertThat(page.statusCode()).as(prefix + payload).isEqualTo(400);
                assertThat(page.body()).doesNotContain("outside content");
                HttpResponse<String> put = prefix.endsWith("dav") ? v.dav("PUT", prefix + payload, null, "x", Map.of())
                        : v.put(prefix + payload, "x");
                assertThat(put.statusCode()).as("PUT " + prefix + payload).isEqualTo(400);
            }
        }
        assertThat(Files.readString(home.resolve("outside-secret.txt"))).isEqualTo("outside content");

        String listing = v.get("/s/" + t).body();
        assertThat(listing).contains("report-alpha.txt").doesNotContain("escape");
        assertThat(v.get("/s/" + t + "/escape.txt?download").statusCode()).isEqualTo(404);
        assertThat(v.get("/s/" + t + "/escape.txt").statusCode()).isEqualTo(404);
        assertThat(v.get("/s/" + t + "/escape-dir/outside-secret.txt?download").statusCode()).isIn(403, 404);
        assertThat(v.get("/s/" + t + "/escape-dir/").body()).doesNotContain("outside-secret");
        byte[] zip = v.getBytes("/s/" + t + "/?zip").body();
        assertThat(zipNames(zip)).noneMatch(n -> n.contains("escape"));
        assertThat(new String(zip, StandardCharsets.ISO_8859_1)).doesNotContain("outside content");
        String d = "/s/" + t + "/dav/";
        assertThat(v.dav("PROPFIND", d, null, null, Map.of("Depth", "1")).body()).contains("report-alpha.txt").doesNotContain("escape");
        assertThat(v.dav("GET", d + "escape.txt", null, null, Map.of()).statusCode()).isEqualTo(404);
        HttpResponse<String> through = v.dav("GET", d + "escape-dir/outside-secret.txt", null, null, Map.of());
        assertThat(through.statusCode()).isIn(403, 404);
        assertThat(through.body()).doesNotContain("outside content");
        assertThat(v.dav("PUT", d + "escape-dir/planted.txt", null, "x", Map.of()).statusCode()).isIn(403, 404, 409);
        assertThat(home.resolve("planted.txt")).doesNotExist();
    }

    @Test
    void htmlAndSvgAreServedAsSandboxedAttachmentsThatNoBrowserSniffs() throws Exception {
        String name = folder("web-stuff");
        Files.writeString(home.resolve(name + "/page.html"), "<script>alert(document.cookie)</script>");
        Files.writeString(home.resolve(name + "/image.svg"), "<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>");
        String t = token(link(name, "read", null));
        LinkVisitor v = new LinkVisitor(hub);
        for (String f : List.of("page.html", "image.svg")) {
            for (String url : List.of("/s/" + t + "/" + f + "?raw", "/s/" + t + "/" + f + "?download", "/s/" + t + "/dav/" + f)) {
                HttpResponse<String> r = v.get(url);
                assertThat(r.statusCode()).as(url).isEqualTo(200);
                assertThat(r.headers().firstValue("Content-Disposition").orElse("")).as(url).startsWith("attachment");
                assertThat(r.headers().firstValue("X-Content-Type-Options")).as(url).hasValue("nosniff");
                assertThat(r.headers().firstValue("Content-Security-Policy").orElse("")).as(url).startsWith("sandbox");
                if (!url.contains("/dav/")) {
                    assertThat(r.headers().firstValue("Content-Type").orElse("")).as(url).isEqualTo("application/octet-stream");
                }
            }
        }
        HttpResponse<String> preview = v.get("/s/" + t + "/page.html");
        assertThat(preview.body()).contains("There is no preview").doesNotContain("<script>alert");
    }

    @Test
    void oddNamesRoundTripThroughTheLinkPageAndWebDav() throws Exception {
        String name = folder("odd-names");
        String t = token(link(name, "write", null));
        LinkVisitor v = new LinkVisitor(hub);
        v.get("/s/" + t);
        Map<String, String> names = Map.of("strängé", "str%C3%A4ng%C3%A9", "file #2.txt", "file%20%232.txt",
                "नेपाली.txt", "%E0%A4%A8%E0%A5%87%E0%A4%AA%E0%A4%BE%E0%A4%B2%E0%A5%80.txt");
        for (var e : names.entrySet()) {
            assertThat(v.put("/s/" + t + "/" + e.getValue(), "content of " + e.getKey()).statusCode()).as(e.getKey()).isEqualTo(201);
            assertThat(home.resolve(name).resolve(e.getKey())).hasContent("content of " + e.getKey());
        }
        String page = v.get("/s/" + t).body();
        for (var e : names.entrySet()) {
            assertThat(page).contains(e.getKey().replace("#", "#"));
            assertThat(v.get("/s/" + t + "/" + e.getValue() + "?download").body()).isEqualTo("content of " + e.getKey());
            assertThat(v.dav("GET", "/s/" + t + "/dav/" + e.getValue(), null, null, Map.of()).body()).isEqualTo("content of " + e.getKey());
        }
        String props = v.dav("PROPFIND", "/s/" + t + "/dav/", null, null, Map.of("Depth", "1")).body();
        assertThat(props).contains("/s/" + t + "/dav/str%C3%A4ng%C3%A9", "/s/" + t + "/dav/file%20%232.txt",
                "/s/" + t + "/dav/%E0%A4%A8%E0%A5%87%E0%A4%AA%E0%A4%BE%E0%A4%B2%E0%A5%80.txt");
        assertThat(v.dav("PUT", "/s/" + t + "/dav/sub/%C3%BCber%20%231.txt", null, "über", Map.of()).statusCode()).isEqualTo(201);
        assertThat(v.get("/s/" + t + "/sub/").body()).contains("über #1.txt");
    }

    @Test
    void aFileLinkIsOneReadOnlyResource() throws Exception {
        String name = folder("single");
        String t = token(link(name + "/report-alpha.txt", "write", null));
        LinkVisitor v = new LinkVisitor(hub);
        HttpResponse<String> page = v.get("/s/" + t);
        assertThat(page.body()).contains("report-alpha.txt", "alpha numbers", "Download").doesNotContain("single/", "deep-beta");
        assertThat(v.get("/s/" + t + "?download").body()).isEqualTo("alpha numbers");
        assertThat(v.get("/s/" + t + "/anything").statusCode()).isEqualTo(404);
        assertThat(v.dav("GET", "/s/" + t + "/dav/", null, null, Map.of()).body()).isEqualTo("alpha numbers");
        assertThat(v.dav("PROPFIND", "/s/" + t + "/dav/", null, null, Map.of("Depth", "0")).statusCode()).isEqualTo(207);
        assertThat(v.dav("PUT", "/s/" + t + "/dav/sibling.txt", null, "x", Map.of()).statusCode()).isEqualTo(404);
        assertThat(v.dav("DELETE", "/s/" + t + "/dav/", null, null, Map.of()).statusCode()).isEqualTo(403);
        assertThat(v.write("DELETE", "/s/" + t, null, null).statusCode()).isEqualTo(403);
        assertThat(home.resolve(name + "/report-alpha.txt")).hasContent("alpha numbers");
    }

    private static List<String> zipNames(byte[] zip) throws Exception {
        List<String> names = new ArrayList<>();
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip), StandardCharsets.UTF_8)) {
            for (ZipEntry e; (e = in.getNextEntry()) != null; ) {
                names.add(e.getName());
            }
        }
        return names;
    }
}
