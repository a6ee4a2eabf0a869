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
 * Successful form logins per second at the hub's default Argon2id cost, one after another and all at once, each as a
 * browser does it (GET /login for the CSRF cookie and field, then POST with the hub's Origin). Baseline in the same
 * run: raw Argon2id hashes per second in this process with the same parameters. Then the bad-login flood.
 */
final class LoginBench {
    private static final String PASSWORD = "bench-password-0123";

    private LoginBench() {}

    static void run(Map<String, String> args) throws Exception {
        String base = args.get("url");
        Path data = Path.of(args.get("data"));
        long pid = Long.parseLong(args.get("pid"));
        int n = Integer.parseInt(args.getOrDefault("logins", "20"));
        int reps = Integer.parseInt(args.getOrDefault("reps", "3"));
        int flood = Integer.parseInt(args.getOrDefault("flood", "500"));
        // The hub's defaults (auth.argon2.memory_kib, auth.argon2.iterations); run.sh starts the hub without overrides.
        Argon2Baseline argon2 = new Argon2Baseline(Integer.parseInt(args.getOrDefault("memory-kib", "19456")),
                Integer.parseInt(args.getOrDefault("iterations", "2")));
        HttpClient client = Http.client();
        Http.awaitHealthy(client, base, Duration.ofSeconds(60));

        List<String> names = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            names.add(String.format("l%03d", i));
        }
        new HubSetup(client, base, data).createUsers(names, PASSWORD);
        // Warm up both sides (JIT) before anything is timed.
        argon2.rate(2, 4);
        for (int i = 0; i < 2; i++) {
            check(login(client, base, names.get(i)), "warm-up login");
        }

        List<Double> seqRates = new ArrayList<>();
        List<Double> concRates = new ArrayList<>();
        List<Double> base1 = new ArrayList<>();
        List<Double> base2 = new ArrayList<>();
        List<Double> concP99 = new ArrayList<>();
        boolean allOk = true;
        try (Burst burst = new Burst(n)) {
            for (int r = 1; r <= reps; r++) {
                base1.add(argon2.rate(1, n));
                long t0 = System.nanoTime();
                for (String name : names) {
                    String outcome = login(client, base, name);
                    allOk &= outcome.equals("303");
                }
                seqRates.add(n / ((System.nanoTime() - t0) / 1e9));
                base2.add(argon2.rate(2, n));
                Burst.Result c = burst.fire(n, i -> login(client, base, names.get(i)));
                allOk &= c.all("303");
                concRates.add(n / c.totalSeconds());
                concP99.add(c.p99());
                System.out.printf("login:   rep %d: sequential %s logins/s, 1-thread Argon2id %s hashes/s | %d concurrent %s logins/s "
                                + "(p50 %s, p99 %s) %s, 2-thread Argon2id %s hashes/s%n",
                        r, Stats.num(seqRates.get(r - 1)), Stats.num(base1.get(r - 1)), n, Stats.num(concRates.get(r - 1)),
                        Stats.sec(c.p50()), Stats.sec(c.p99()), c.outcomes(), Stats.num(base2.get(r - 1)));
            }
        }
        double seq = Stats.median(seqRates);
        double b1 = Stats.median(base1);
        double conc = Stats.median(concRates);
        double b2 = Stats.median(base2);
        System.out.printf("login: %d sequential form logins: %s logins/s (median of %d); baseline in-process Argon2id (%s), 1 thread: %s hashes/s; ratio %s%n",
                n, Stats.num(seq), reps, argon2.describe(), Stats.num(b1), Stats.ratio(seq, b1));
        System.out.printf("login: %d concurrent form logins: %s logins/s, p99 %s (medians of %d); baseline 2 threads (= auth.argon2.max_concurrent): %s hashes/s; ratio %s%s%n",
                n, Stats.num(conc), Stats.sec(Stats.median(concP99)), reps, Stats.num(b2), Stats.ratio(conc, b2),
                allOk ? "" : "; NOT every login succeeded, see the reps above");

        FloodBench.run(base, pid, flood);
    }

    /** One browser login; returns the status of the POST, {@code "303"} when a session cookie came with it. */
    static String login(HttpClient client, String base, String name) throws Exception {
        HttpResponse<String> page = client.send(Http.request(base + "/login").GET().build(), HttpResponse.BodyHandlers.ofString());
        if (page.statusCode() != 200) {
            return "GET /login " + page.statusCode();
        }
        String cookie = Http.setCookie(page, "labhub_csrf").orElseThrow(() -> new IllegalStateException("no labhub_csrf cookie"));
        HttpRequest post = Http.request(base + "/login")
                .header("Content-Type", "application/x-www-form-urlencoded").header("Origin", base)
                .header("Cookie", "labhub_csrf=" + cookie)
                .POST(HttpRequest.BodyPublishers.ofString(Http.form(Map.of("username", name, "password", PASSWORD,
                        "csrf", Http.csrfField(page.body()), "next", "/"))))
                .build();
        HttpResponse<String> r = client.send(post, HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 303 && Http.setCookie(r, "labhub_session").isEmpty()) {
            return "303 without a session";
        }
        return Integer.toString(r.statusCode());
    }

    private static void check(String outcome, String what) {
        if (!outcome.equals("303")) {
            throw new IllegalStateException(what + " failed: " + outcome);
        }
    }
}
