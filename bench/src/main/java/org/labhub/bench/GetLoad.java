package org.labhub.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.client.ContentResponse;

/**
 * A closed loop of small GETs: n clients, each sending its next request as soon as the previous one is answered,
 * for a fixed time. Throughput is answers per second over that time; latencies are per request.
 */
final class GetLoad {
    private GetLoad() {}

    record Result(double seconds, List<Double> latencies, Map<String, Integer> outcomes) {
        double perSecond() {
            return latencies.size() / seconds;
        }

        double p50() {
            return Stats.percentile(latencies, 50);
        }

        double p99() {
            return Stats.percentile(latencies, 99);
        }

        boolean allOk() {
            return outcomes.size() == 1 && outcomes.containsKey("200");
        }
    }

    static Result run(ProxySide side, String path, int clients, Duration duration) throws InterruptedException {
        CountDownLatch ready = new CountDownLatch(clients);
        CountDownLatch go = new CountDownLatch(1);
        List<List<Double>> perClient = new ArrayList<>();
        List<Map<String, Integer>> outcomesPerClient = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        long[] window = new long[2];
        for (int i = 0; i < clients; i++) {
            List<Double> latencies = new ArrayList<>();
            Map<String, Integer> outcomes = new TreeMap<>();
            perClient.add(latencies);
            outcomesPerClient.add(outcomes);
            Thread t = new Thread(() -> {
                ready.countDown();
                try {
                    go.await();
                } catch (InterruptedException e) {
                    return;
                }
                long end = window[1];
                while (System.nanoTime() < end) {
                    long t0 = System.nanoTime();
                    String outcome;
                    try {
                        ContentResponse r = side.request(path).timeout(30, TimeUnit.SECONDS).send();
                        outcome = Integer.toString(r.getStatus());
                    } catch (Exception e) {
                        outcome = e.getClass().getSimpleName();
                    }
                    latencies.add((System.nanoTime() - t0) / 1e9);
                    outcomes.merge(outcome, 1, Integer::sum);
                }
            }, "get-load");
            t.setDaemon(true);
            threads.add(t);
            t.start();
        }
        ready.await();
        window[0] = System.nanoTime();
        window[1] = window[0] + duration.toNanos();
        go.countDown();
        for (Thread t : threads) {
            t.join(duration.toMillis() + 60_000);
        }
        // The clock stops at the last answer, which may come a little after the window closed.
        double seconds = (System.nanoTime() - window[0]) / 1e9;
        List<Double> all = new ArrayList<>();
        Map<String, Integer> outcomes = new TreeMap<>();
        perClient.forEach(all::addAll);
        outcomesPerClient.forEach(m -> m.forEach((k, v) -> outcomes.merge(k, v, Integer::sum)));
        return new Result(seconds, all, outcomes);
    }
}
