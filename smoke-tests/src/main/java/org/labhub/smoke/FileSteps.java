package org.labhub.smoke;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import tools.jackson.databind.JsonNode;

/** A file written over WebDAV with an app password, shared with the second user, and found by search by both. */
final class FileSteps {
    /** The index follows the homes about once a second; a loaded hub gets some slack. */
    private static final Duration SEARCH_LIMIT = Duration.ofSeconds(60);

    private FileSteps() {}

    static Step upload() {
        return new Step("upload and read back over WebDAV", FileSteps::uploadOverDav);
    }

    static Step share() {
        return new Step("share with user 2, who reads it", FileSteps::shareAndRead);
    }

    static Step search() {
        return new Step("search finds it (both users)", FileSteps::searchFindsIt);
    }

    static void uploadOverDav(Context c) {
        String path = "/dav/" + c.user1 + "/" + c.fileName;
        // The API token is the app password: WebDAV clients send it with HTTP Basic, never the login password.
        c.user1Api.dav("PUT", path, c.user1, c.user1Token, c.fileText.getBytes(StandardCharsets.UTF_8))
                .expect("write " + c.fileName + " over WebDAV", 201);
        String back = c.user1Api.dav("GET", path, c.user1, c.user1Token, null).expect("read " + c.fileName + " back over WebDAV", 200).body();
        if (!back.equals(c.fileText)) {
            throw new StepFailure("WebDAV gave back '" + Hub.Response.abbreviate(back) + "' instead of what was written");
        }
    }

    static void shareAndRead(Context c) {
        c.user1Api.api("POST", "/api/shares", Json.object().put("path", c.fileName).put("kind", "user").put("with", c.user2))
                .expect("share " + c.fileName + " with " + c.user2, 201);
        c.user2Browser = AccountSteps.logIn(c, c.user2);
        c.user2Token = AccountSteps.token(c.user2Browser, c.user2, "read", "files");
        String path = "/dav/" + c.user2 + "/shared/" + c.user1 + "/" + c.fileName;
        String read = c.user1Api.dav("GET", path, c.user2, c.user2Token, null).expect(c.user2 + " reads the shared file over WebDAV", 200).body();
        if (!read.equals(c.fileText)) {
            throw new StepFailure(c.user2 + " read '" + Hub.Response.abbreviate(read) + "' instead of the shared file's text");
        }
    }

    static void searchFindsIt(Context c) {
        findAs(c, c.user1Api, c.user1, c.fileName);
        findAs(c, c.user1Api.withToken(c.user2Token), c.user2, "shared/" + c.user1 + "/" + c.fileName);
    }

    /** Polls the search API until a hit has the expected path (as that user sees it). */
    private static void findAs(Context c, Hub hub, String user, String expectedPath) {
        String[] last = {""};
        c.deadline.await("search as " + user + " to find " + expectedPath, SEARCH_LIMIT, () -> {
            JsonNode r = hub.api("GET", "/api/search?q=" + Hub.enc(c.word)).expect("search as " + user, 200).json();
            StringBuilder seen = new StringBuilder("total " + r.path("total").asInt() + ", catching_up " + r.path("catching_up").asBoolean());
            for (JsonNode hit : r.path("hits")) {
                String p = hit.path("path").asString("");
                seen.append(", ").append(p);
                if (p.equals(expectedPath)) {
                    return Boolean.TRUE;
                }
            }
            last[0] = seen.toString();
            return null;
        }, () -> last[0]);
    }
}
