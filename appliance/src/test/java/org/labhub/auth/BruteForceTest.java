package org.labhub.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.labhub.testing.HubClient;
import org.labhub.testing.TestHub;

/**
 * Password guessing gets slower and then stops, per account name and per client address; unknown names
 * behave exactly like real ones; and a flood of logins cannot starve the rest of the hub.
 */
class BruteForceTest {
    private static final long BASE_DELAY_MS = 50;
    private static final int FREE = 3;
    private static final int LOCKOUT = 10;
    private static final int ATTEMPTS = 20;

    @Test
    void wrongPasswordsAreDelayedIncreasinglyAndThenLockedOutAndUnknownNamesLookTheSame() throws Exception {
        try (TestHub hub = TestHub.start(Map.of(
                "auth.throttle.free_failures", Integer.toString(FREE),
                "auth.throttle.account_lockout", Integer.toString(LOCKOUT),
                "auth.throttle.address_lockout", "10000",
                "auth.throttle.base_delay", BASE_DELAY_MS + "ms",
                "auth.argon2.memory_kib", "8192"))) {
            hub.user("victim", "victim-password-1");
            // Both guessing runs at once: the throttle counts per name, and the test takes half the time.
            CompletableFuture<List<Attempt>> knownRun = CompletableFuture.supplyAsync(() -> guess(hub, "victim", ATTEMPTS));
            CompletableFuture<List<Attempt>> unknownRun = CompletableFuture.supplyAsync(() -> guess(hub, "ghost", ATTEMPTS));
            List<Attempt> known = knownRun.get(120, TimeUnit.SECONDS);
            List<Attempt> unknown = unknownRun.get(120, TimeUnit.SECONDS);

            for (int i = 0; i < ATTEMPTS; i++) {
                int n = i + 1;
                Attempt a = known.get(i);
                if (n <= LOCKOUT) {
                    assertThat(a.status).as("status of attempt %d", n).isEqualTo(401);
                } else {
                    assertThat(a.status).as("status of attempt %d", n).isEqualTo(429);
                    assertThat(a.retryAfter).as("Retry-After of attempt %d", n).isPresent();
                    assertThat(Long.parseLong(a.retryAfter.get())).as("Retry-After of attempt %d", n).isBetween(1L, 15 * 60 + 1L);
                }
                if (n <= FREE) {
                    assertThat(a.millis).as("free attempt %d is answered without a hold-back", n).isLessThan(2000);
                } else if (n <= LOCKOUT) {
                    long expected = BASE_DELAY_MS << (n - FREE - 1);
                    assertThat(a.millis).as("attempt %d is held back about %d ms", n, expected).isGreaterThanOrEqualTo(expected * 8 / 10);
                }
            }
            assertThat(known.get(LOCKOUT - 1).millis).as("the last delayed attempt")
                    .isGreaterThan(2 * known.subList(0, FREE).stream().mapToLong(a -> a.millis).max().orElseThrow());

            assertThat(unknown.stream().map(a -> a.status).toList()).isEqualTo(known.stream().map(a -> a.status).toList());
            assertThat(unknown.stream().map(a -> a.retryAfter.isPresent()).toList())
                    .isEqualTo(known.stream().map(a -> a.retryAfter.isPresent()).toList());
            for (int i = 0; i < ATTEMPTS; i++) {
                assertThat(normalized(unknown.get(i).body, "ghost")).as("page of attempt %d", i + 1)
                        .isEqualTo(normalized(known.get(i).body, "victim"));
            }
            for (int i = LOCKOUT; i < ATTEMPTS; i++) {
                assertThat(unknown.get(i).millis).as("unknown name, locked attempt %d", i + 1).isLessThan(2000);
            }

            HubClient c = hub.client();
            c.get("/login");
            c.form("/login", Map.of("username", "victim", "password", "victim-password-1", "next", "/")).expectStatus(429);
            assertThat(c.cookie(Cookies.SESSION)).as("no session while locked out").isEmpty();
        }
    }

    @Test
    void unknownNamesTakeAsLongToRefuseAsRealOnes() throws Exception {
        try (TestHub hub = TestHub.start(Map.of(
                "auth.throttle.free_failures", "30",
                "auth.throttle.account_lockout", "100",
                "auth.throttle.address_lockout", "10000",
                // The production cost: hashing must dominate the answer time for a missing hash to show.
                "auth.argon2.memory_kib", "19456",
                "auth.argon2.iterations", "2"))) {
            hub.user("realname", "realname-password-1");
            HubClient c = hub.client();
            c.get("/login");
            for (int i = 0; i < 3; i++) { // warm up both paths before measuring
                attempt(c, "realname", "wrong-password-x");
                attempt(c, "nobodyhere", "wrong-password-x");
            }
            List<Long> known = new ArrayList<>();
            List<Long> unknown = new ArrayList<>();
            for (int i = 0; i < 12; i++) { // interleaved, so background load hits both alike
                Attempt k = attempt(c, "realname", "wrong-password-" + i);
                Attempt u = attempt(c, "nobodyhere", "wrong-password-" + i);
                assertThat(k.status).isEqualTo(401);
                assertThat(u.status).isEqualTo(401);
                known.add(k.nanos);
                unknown.add(u.nanos);
            }
            double ratio = (double) median(unknown) / median(known);
            assertThat(ratio).as("median unknown/known time; known %s, unknown %s", known, unknown).isBetween(1 / 3.0, 3.0);
        }
    }

    @Test
    void oneAddressIsLockedOutAfterManyFailuresAcrossNames() throws Exception {
        try (TestHub hub = TestHub.start(Map.of(
                "auth.throttle.free_failures", "3",
                "auth.throttle.account_lockout", "10",
                "auth.throttle.address_lockout", "15"))) {
            hub.user("bystander", "bystander-password-1");
            HubClient c = hub.client();
            c.get("/login");
            for (int i = 1; i <= 20; i++) {
                Attempt a = attempt(c, "sprayed-" + i, "password-spray-1");
                assertThat(a.status).as("attempt %d with a new name", i).isEqualTo(i <= 15 ? 401 : 429);
                if (i > 15) {
                    assertThat(a.retryAfter).as("Retry-After of attempt %d", i).isPresent();
                }
            }
            HubClient.Res r = c.form("/login", Map.of("username", "bystander", "password", "bystander-password-1", "next", "/"));
            assertThat(r.status()).as("even a right password from the locked address").isEqualTo(429);
            assertThat(c.cookie(Cookies.SESSION)).isEmpty();
        }
    }

    @Test
    void aLoginFloodNeitherStarvesTheHubNorBreaksConnections() throws Exception {
        try (TestHub hub = TestHub.start(Map.of(
                "auth.argon2.max_concurrent", "2",
                "auth.argon2.memory_kib", "19456",
                "auth.argon2.iterations", "2",
                "auth.throttle.address_lockout", "100000"))) {
            HubClient browser = hub.client();
            browser.get("/login").expectStatus(200);
            String csrf = browser.csrf();
            String cookie = Cookies.ANONYMOUS_CSRF + "=" + browser.cookie(Cookies.ANONYMOUS_CSRF).orElseThrow();

            ExecutorService pool = Executors.newFixedThreadPool(50);
            HttpClient flooder = HttpClient.newBuilder().executor(pool).connectTimeout(Duration.ofSeconds(10)).build();
            HttpClient monitor = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
            HttpRequest healthCheck = HttpRequest.newBuilder(URI.create(hub.baseUrl() + "/api/health"))
                    .timeout(Duration.ofSeconds(2)).GET().build();
            try {
                // The monitor's first call (connection, client start-up) is made before the flood, as a real probe's would be.
                assertThat(monitor.send(healthCheck, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
                List<CompletableFuture<HttpResponse<String>>> flood = new ArrayList<>();
                for (int i = 0; i < 100; i++) {
                    String body = "username=flood-" + i + "&password=not-the-password&next=%2F&csrf="
                            + URLEncoder.encode(csrf, StandardCharsets.UTF_8);
                    HttpRequest req = HttpRequest.newBuilder(URI.create(hub.baseUrl() + "/login"))
                            .header("Content-Type", "application/x-www-form-urlencoded")
                            .header("Origin", hub.baseUrl()).header("Cookie", cookie)
                            .timeout(Duration.ofSeconds(60))
                            .POST(HttpRequest.BodyPublishers.ofString(body)).build();
                    flood.add(flooder.sendAsync(req, HttpResponse.BodyHandlers.ofString()));
                }
                CompletableFuture<Void> all = CompletableFuture.allOf(flood.toArray(CompletableFuture[]::new));

                List<Long> healthMillis = new ArrayList<>();
                while (!all.isDone()) {
                    long t0 = System.nanoTime();
                    HttpResponse<String> health = monitor.send(healthCheck, HttpResponse.BodyHandlers.ofString());
                    long millis = (System.nanoTime() - t0) / 1_000_000;
                    assertThat(health.statusCode()).as("health during the flood").isEqualTo(200);
                    assertThat(millis).as("health answer time during the flood").isLessThan(2000);
                    if (!all.isDone()) {
                        healthMillis.add(millis);
                    }
                    try {
                        all.get(100, TimeUnit.MILLISECONDS); // pace the samples, but stop as soon as the flood is over
                    } catch (TimeoutException stillRunning) {
                        // the flood goes on: sample again
                    } catch (Exception floodFailed) {
                        break; // reported below, request by request
                    }
                }
                assertThat(healthMillis).as("health samples taken while the flood was running").hasSizeGreaterThanOrEqualTo(10);

                List<Integer> statuses = new ArrayList<>();
                for (CompletableFuture<HttpResponse<String>> f : flood) {
                    HttpResponse<String> r = f.get(60, TimeUnit.SECONDS); // a connection error fails here
                    statuses.add(r.statusCode());
                    assertThat(r.body()).doesNotContain("Exception").doesNotContain(".java:");
                }
                assertThat(statuses).allMatch(s -> s == 401 || s == 429 || s == 503, "401, 429 or 503");
                assertThat(statuses).as("the flood really checked passwords").contains(401);
            } finally {
                pool.shutdownNow();
            }
        }
    }

    private record Attempt(int status, long nanos, long millis, String body, Optional<String> retryAfter) {}

    private static List<Attempt> guess(TestHub hub, String name, int times) {
        HubClient c = hub.client();
        c.get("/login").expectStatus(200);
        List<Attempt> out = new ArrayList<>();
        for (int i = 0; i < times; i++) {
            out.add(attempt(c, name, "not-the-password-" + i % 2));
        }
        return out;
    }

    private static Attempt attempt(HubClient c, String name, String password) {
        long t0 = System.nanoTime();
        HubClient.Res r = c.form("/login", Map.of("username", name, "password", password, "next", "/"));
        long nanos = System.nanoTime() - t0;
        return new Attempt(r.status(), nanos, nanos / 1_000_000, r.body(), r.header("Retry-After"));
    }

    /** The page without what legitimately differs between two browsers: the echoed name, the CSRF token, the countdown. */
    private static String normalized(String page, String name) {
        return page.replace(name, "NAME")
                .replaceAll("name=\"csrf\" value=\"[^\"]*\"", "name=\"csrf\" value=\"TOKEN\"")
                .replaceAll("\\d+ (seconds|minutes)", "N $1");
    }

    private static long median(List<Long> values) {
        List<Long> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.get(sorted.size() / 2);
    }
}
