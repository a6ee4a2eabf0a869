package org.labhub.bench;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * JupyterHub issue #2733 on labhub: 200 users each ask {@code GET /api/users/<self>} with their own token, all at
 * once. Baseline in the same run: 200 concurrent {@code GET /api/health} (no authentication, no user lookup).
 */
final class ApiUsersBench {
    private static final String PASSWORD = "bench-password-0123";
    private static final double TARGET_SECONDS = 1.0;

    private ApiUsersBench() {}

    static void run(Map<String, String> args) throws Exception {
        String base = args.get("url");
        Path data = Path.of(args.get("data"));
        int users = Integer.parseInt(args.getOrDefault("users", "200"));
        int rounds = Integer.parseInt(args.getOrDefault("rounds", "5"));
        long pid = Long.parseLong(args.getOrDefault("pid", "-1"));
        HttpClient client = Http.client();
        Http.awaitHealthy(client, base, Duration.ofSeconds(60));

        long t0 = System.nanoTime();
        List<String> names = new ArrayList<>();
        for (int i = 1; i <= users; i++) {
            names.add(String.format("u%03d", i));
        }
        HubSetup setup = new HubSetup(client, base, data);
        setup.createUsers(names, PASSWORD);
        Map<String, String> tokens = setup.readTokens(names);
        long rssAfterSetup = pid < 0 ? -1 : Rss.current(pid);
        System.out.printf("api-users: setup: %d users (one Argon2id hash each, default cost) and one read token each in %s; not part of the measurement%n",
                users, Stats.sec((System.nanoTime() - t0) / 1e9));

        List<HttpRequest> userCalls = new ArrayList<>();
        List<String> expectedNames = new ArrayList<>();
        for (String n : names) {
            userCalls.add(Http.request(base + "/api/users/" + n).header("Authorization", "token " + tokens.get(n)).GET().build());
            expectedNames.add("\"name\":\"" + n + "\"");
        }
        HttpRequest health = Http.request(base + "/api/health").GET().build();
        Burst.Call usersCall = i -> {
            HttpResponse<String> r = client.send(userCalls.get(i), HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 && !r.body().contains(expectedNames.get(i)) ? "200 with another user's body" : Integer.toString(r.statusCode());
        };
        Burst.Call healthCall = i -> Integer.toString(client.send(health, HttpResponse.BodyHandlers.ofString()).statusCode());

        List<Burst.Result> userRounds = new ArrayList<>();
        List<Burst.Result> healthRounds = new ArrayList<>();
        try (Burst burst = new Burst(users)) {
            // Round 0 is reported but not counted. Health goes first and opens the 200 connections both sides then reuse;
            // the users' cold round still has a cold JIT, and each token's first use writes last_used to the catalog.
            Burst.Result coldHealth = burst.fire(users, healthCall);
            Burst.Result coldUsers = burst.fire(users, usersCall);
            line("first round (not counted)", coldUsers, coldHealth);
            for (int r = 1; r <= rounds; r++) {
                Http.sleep(Duration.ofMillis(300));
                // Alternate which goes first, so a burst of noise on the shared machine does not always hit the same side.
                Burst.Result u;
                Burst.Result h;
                if (r % 2 == 1) {
                    u = burst.fire(users, usersCall);
                    h = burst.fire(users, healthCall);
                } else {
                    h = burst.fire(users, healthCall);
                    u = burst.fire(users, usersCall);
                }
                userRounds.add(u);
                healthRounds.add(h);
                line("round " + r, u, h);
            }
        }

        double total = Stats.median(userRounds.stream().map(Burst.Result::totalSeconds).toList());
        double p50 = Stats.median(userRounds.stream().map(Burst.Result::p50).toList());
        double p99 = Stats.median(userRounds.stream().map(Burst.Result::p99).toList());
        double hTotal = Stats.median(healthRounds.stream().map(Burst.Result::totalSeconds).toList());
        double hP99 = Stats.median(healthRounds.stream().map(Burst.Result::p99).toList());
        boolean allOk = userRounds.stream().allMatch(x -> x.all("200")) && healthRounds.stream().allMatch(x -> x.all("200"));
        System.out.printf("api-users: %d concurrent GET /api/users/<name>: total %s (median of %d), p50 %s, p99 %s; "
                        + "baseline /api/health total %s, p99 %s; ratio %s%n",
                users, Stats.sec(total), rounds, Stats.sec(p50), Stats.sec(p99), Stats.sec(hTotal), Stats.sec(hP99),
                Stats.ratio(total, hTotal));
        if (pid >= 0) {
            System.out.printf("memory: hub RSS after the api-users setup %s, after its %d rounds of GETs %s%n",
                    Stats.mib(rssAfterSetup), rounds + 1, Stats.mib(Rss.current(pid)));
        }
        System.out.printf("api-users: target total < %.0f s (JupyterHub #2733: 44 s): %s%s%n", TARGET_SECONDS,
                total < TARGET_SECONDS ? "met" : "MISSED", allOk ? "" : "; NOT every answer was 200, see the rounds above");
    }

    private static void line(String label, Burst.Result u, Burst.Result h) {
        System.out.printf("api-users:   %-26s users total %s p50 %s p99 %s %s | health total %s p50 %s p99 %s %s%n", label + ":",
                Stats.sec(u.totalSeconds()), Stats.sec(u.p50()), Stats.sec(u.p99()), u.outcomes(),
                Stats.sec(h.totalSeconds()), Stats.sec(h.p50()), Stats.sec(h.p99()), h.outcomes());
    }
}
