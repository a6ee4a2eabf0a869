package org.labhub.bench;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A password-guessing flood: n bad logins at once, each for another (unknown) name, all from 127.0.0.1, while a
 * probe asks {@code /api/health} every 100 ms and the hub's RSS is sampled every 100 ms. Baseline: the same probe
 * for 5 s before the flood.
 */
final class FloodBench {
    private static final Duration TICK = Duration.ofMillis(100);
    private static final Duration BEFORE = Duration.ofSeconds(5);
    private static final Duration MAX_FLOOD = Duration.ofSeconds(120);

    private FloodBench() {}

    private enum Phase { BEFORE, DURING, AFTER }

    static void run(String base, long pid, int n) throws Exception {
        HttpClient probeClient = Http.client();
        HttpClient floodClient = Http.client();
        HttpRequest health = Http.request(base + "/api/health").timeout(Duration.ofSeconds(30)).GET().build();
        List<Double> before = Collections.synchronizedList(new ArrayList<>());
        List<Double> during = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger probeFailures = new AtomicInteger();
        AtomicLong rssPeak = new AtomicLong(-1);
        Phase[] phase = {Phase.BEFORE};
        List<CompletableFuture<?>> probes = Collections.synchronizedList(new ArrayList<>());

        ScheduledExecutorService ticker = Executors.newScheduledThreadPool(1, r -> {
            Thread t = new Thread(r, "probe");
            t.setDaemon(true);
            return t;
        });
        long rssBefore = Rss.current(pid);
        ticker.scheduleAtFixedRate(() -> {
            Phase at = phase[0];
            if (at == Phase.DURING) {
                rssPeak.accumulateAndGet(Rss.current(pid), Math::max);
            }
            if (at == Phase.AFTER) {
                return;
            }
            List<Double> into = at == Phase.BEFORE ? before : during;
            long t0 = System.nanoTime();
            probes.add(probeClient.sendAsync(health, HttpResponse.BodyHandlers.discarding()).whenComplete((r, e) -> {
                if (e == null && r.statusCode() == 200) {
                    into.add((System.nanoTime() - t0) / 1e9);
                } else {
                    probeFailures.incrementAndGet();
                }
            }));
        }, 0, TICK.toMillis(), TimeUnit.MILLISECONDS);

        Http.sleep(BEFORE);

        // One login page gives the double-submit pair; a guesser reuses it for every attempt.
        HttpResponse<String> page = Http.send(floodClient, Http.request(base + "/login").GET().build());
        String cookie = Http.setCookie(page, "labhub_csrf").orElseThrow();
        String csrf = Http.csrfField(page.body());
        List<HttpRequest> attempts = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            attempts.add(Http.request(base + "/login").timeout(MAX_FLOOD)
                    .header("Content-Type", "application/x-www-form-urlencoded").header("Origin", base)
                    .header("Cookie", "labhub_csrf=" + cookie)
                    .POST(HttpRequest.BodyPublishers.ofString(Http.form(Map.of("username", String.format("flood%04d", i),
                            "password", "wrong-password-" + i, "csrf", csrf, "next", "/"))))
                    .build());
        }

        phase[0] = Phase.DURING;
        long start = System.nanoTime();
        List<CompletableFuture<Double>> answers = new ArrayList<>();
        Map<String, Integer> statuses = Collections.synchronizedMap(new TreeMap<>());
        for (HttpRequest a : attempts) {
            answers.add(floodClient.sendAsync(a, HttpResponse.BodyHandlers.discarding()).handle((r, e) -> {
                statuses.merge(e == null ? Integer.toString(r.statusCode()) : rootName(e), 1, Integer::sum);
                return (System.nanoTime() - start) / 1e9;
            }));
        }
        List<Double> floodLatencies = new ArrayList<>();
        try {
            CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new)).get(MAX_FLOOD.toSeconds() + 10, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            statuses.merge("still open after " + MAX_FLOOD.toSeconds() + " s", (int) answers.stream().filter(f -> !f.isDone()).count(),
                    Integer::sum);
        }
        for (CompletableFuture<Double> f : answers) {
            if (f.isDone()) {
                floodLatencies.add(f.join());
            }
        }
        double floodSeconds = (System.nanoTime() - start) / 1e9;
        phase[0] = Phase.AFTER;
        rssPeak.accumulateAndGet(Rss.current(pid), Math::max);
        ticker.shutdown();
        ticker.awaitTermination(5, TimeUnit.SECONDS);
        try {
            CompletableFuture.allOf(probes.toArray(CompletableFuture[]::new)).get(35, TimeUnit.SECONDS);
        } catch (Exception e) {
            // a probe that never answered is counted as failed below
        }

        System.out.printf("login flood: %d concurrent bad logins (distinct unknown names, one client address): statuses %s; "
                        + "all answered after %s (p50 %s, p99 %s)%n",
                n, statuses, Stats.sec(floodSeconds), Stats.sec(Stats.percentile(floodLatencies, 50)),
                Stats.sec(Stats.percentile(floodLatencies, 99)));
        List<Double> b = new ArrayList<>(before);
        List<Double> d = new ArrayList<>(during);
        System.out.printf("login flood: /api/health probe every 100 ms: before p50 %s, p99 %s, max %s (%d probes); "
                        + "during p50 %s, p99 %s, max %s (%d probes, %d failed); ratio p50 %s, p99 %s%n",
                Stats.ms(Stats.percentile(b, 50)), Stats.ms(Stats.percentile(b, 99)), Stats.ms(Stats.max(b)), b.size(),
                Stats.ms(Stats.percentile(d, 50)), Stats.ms(Stats.percentile(d, 99)), Stats.ms(Stats.max(d)), d.size(),
                probeFailures.get(), Stats.ratio(Stats.percentile(d, 50), Stats.percentile(b, 50)),
                Stats.ratio(Stats.percentile(d, 99), Stats.percentile(b, 99)));
        System.out.printf("login flood: hub RSS before %s, peak during the flood %s (sampled every 100 ms); VmHWM since start %s%n",
                Stats.mib(rssBefore), Stats.mib(rssPeak.get()), Stats.mib(Rss.peak(pid)));
    }

    private static String rootName(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return t.getClass().getSimpleName() + (t.getMessage() == null ? "" : " (" + t.getMessage() + ")");
    }
}
