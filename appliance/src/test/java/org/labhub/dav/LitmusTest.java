package org.labhub.dav;

import static org.assertj.core.api.Assertions.assertThat;

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

/** litmus, the WebDAV conformance suite, passes in full (basic, copymove, props, locks, http) against /dav/. */
class LitmusTest {
    private static final Pattern SUMMARY = Pattern.compile("<- summary for [`'](\\w+)': of (\\d+) tests run: (\\d+) passed, (\\d+) failed");

    static TestHub hub;
    static String token;

    @BeforeAll
    static void start() throws Exception {
        hub = TestHub.start();
        HubClient alice = hub.user("alice", "alice-password-1");
        token = alice.api("POST", "/api/users/alice/tokens", "{\"scopes\":[\"files\"]}").expectStatus(201).json("token");
    }

    @AfterAll
    static void stop() throws Exception {
        hub.close();
    }

    @Test
    void everyLitmusSuitePassesWithoutAFailure() throws Exception {
        Path litmus = DavClients.require("litmus");
        DavClients.Result r = DavClients.run(List.of(litmus.toString(), "-k", hub.baseUrl() + "/dav/alice/", "alice", token),
                Map.of(), null, 300);
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
