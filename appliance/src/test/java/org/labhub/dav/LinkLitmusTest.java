package org.labhub.dav;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.labhub.testing.HubClient;
import org.labhub.testing.TestHub;

/**
 * litmus passes in full against a read-write public link's WebDAV root ({@code /s/<token>/dav/}), authenticated the
 * way link clients do it: HTTP Basic with any user name and the link's password.
 */
class LinkLitmusTest {
    private static final Pattern SUMMARY = Pattern.compile("<- summary for [`'](\\w+)': of (\\d+) tests run: (\\d+) passed, (\\d+) failed");

    static TestHub hub;
    static String url;

    @BeforeAll
    static void start() throws Exception {
        hub = TestHub.start();
        HubClient alice = hub.user("alice", "alice-password-1");
        Files.createDirectories(hub.dataRoot().resolve("homes/alice/exchange"));
        String link = alice.api("POST", "/api/shares", "{\"path\":\"exchange\",\"kind\":\"link\",\"permissions\":\"write\","
                + "\"password\":\"link-password-1\"}").expectStatus(201).json("url");
        url = hub.baseUrl() + link + "/dav/";
    }

    @AfterAll
    static void stop() throws Exception {
        hub.close();
    }

    @Test
    void everyLitmusSuitePassesAgainstAReadWriteLink() throws Exception {
        Path litmus = DavClients.require("litmus");
        DavClients.Result r = DavClients.run(List.of(litmus.toString(), "-k", url, "whoever", "link-password-1"), Map.of(), null, 300);
        Map<String, int[]> suites = new LinkedHashMap<>();
        Matcher m = SUMMARY.matcher(r.output());
        while (m.find()) {
            suites.put(m.group(1), new int[] {Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)), Integer.parseInt(m.group(4))});
        }
        assertThat(suites.keySet()).as("litmus suites run; output:\n%s", r.output())
                .containsExactly("basic", "copymove", "props", "locks", "http");
        suites.forEach((suite, n) -> assertThat(n[2]).as("failures in litmus suite %s; output:\n%s", suite, r.output()).isZero());
        assertThat(r.output()).as("litmus warnings; output:\n%s", r.output()).doesNotContain("WARNING");
    }
}
