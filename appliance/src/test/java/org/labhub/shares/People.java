package org.labhub.shares;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.labhub.testing.HubClient;
import org.labhub.testing.TestHub;

/** Users with API tokens and files in their homes, made through the hub's own API, for the sharing tests. */
final class People {
    private final TestHub hub;
    private final HubClient admin;

    People(TestHub hub) throws Exception {
        this.hub = hub;
        String token = hub.admin().api("POST", "/api/users/admin/tokens", "{\"scopes\":[\"read\",\"admin\",\"files\",\"tokens\"]}")
                .expectStatus(201).json("token");
        this.admin = hub.client().withToken(token);
    }

    HubClient admin() {
        return admin;
    }

    /** A new user and a client holding their token with the read and files scopes. */
    HubClient user(String name) {
        admin.api("POST", "/api/users/" + name, "{\"password\":\"" + name + "-password-1\"}").expectStatus(201);
        return token(name, "\"read\",\"files\"");
    }

    HubClient token(String name, String scopes) {
        return hub.client().withToken(admin.api("POST", "/api/users/" + name + "/tokens", "{\"scopes\":[" + scopes + "]}")
                .expectStatus(201).json("token"));
    }

    /** Writes a small file (and its folders) into the user's home, as the file layer would. */
    Path file(String user, String path) throws Exception {
        Path p = hub.dataRoot().resolve("homes").resolve(user).resolve(path);
        Files.createDirectories(p.getParent());
        Files.write(p, "x".getBytes(StandardCharsets.UTF_8));
        return p;
    }

    static String share(String path, String kind, String with, String permissions) {
        return "{\"path\":\"" + path + "\",\"kind\":\"" + kind + "\"" + (with == null ? "" : ",\"with\":\"" + with + "\"")
                + (permissions == null ? "" : ",\"permissions\":" + permissions) + "}";
    }
}
