package org.labhub.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Fires n calls at the same instant: n threads are started and parked on a latch, then released together.
 * Each call is timed on its own thread; the total runs from the release to the last answer.
 */
final class Burst implements AutoCloseable {
    private static final long MAX_WAIT_SECONDS = 120;

    private final ExecutorService pool;
    private final int size;

    Burst(int size) {
        this.size = size;
        this.pool = Executors.newFixedThreadPool(size, r -> {
            Thread t = new Thread(r, "burst");
            t.setDaemon(true);
            return t;
        });
    }

    /** One call: returns an outcome label such as {@code "200"}; an exception becomes its class name. */
    interface Call {
        String run(int index) throws Exception;
    }

    record Result(double totalSeconds, List<Double> latencies, Map<String, Integer> outcomes) {
        double p50() {
            return Stats.percentile(latencies, 50);
        }

        double p99() {
            return Stats.percentile(latencies, 99);
        }

        /** True when every call ended with {@code expected}. */
        boolean all(String expected) {
            return outcomes.size() == 1 && outcomes.containsKey(expected);
        }
    }

    private record Sample(String outcome, double seconds, long endNanos) {}

    Result fire(int n, Call call) throws InterruptedException {
        if (n > size) {
            throw new IllegalArgumentException("a burst of " + n + " needs " + n + " threads, this one has " + size);
        }
        CountDownLatch ready = new CountDownLatch(n);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Sample>> futures = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int index = i;
            futures.add(pool.submit(() -> {
                ready.countDown();
                go.await();
                long t0 = System.nanoTime();
                String outcome;
                try {
                    outcome = call.run(index);
                } catch (Exception e) {
                    outcome = e.getClass().getSimpleName();
                }
                long t1 = System.nanoTime();
                return new Sample(outcome, (t1 - t0) / 1e9, t1);
            }));
        }
        if (!ready.await(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("the burst threads did not start");
        }
        long start = System.nanoTime();
        go.countDown();
        long last = start;
        List<Double> latencies = new ArrayList<>();
        Map<String, Integer> outcomes = new TreeMap<>();
        long deadline = start + TimeUnit.SECONDS.toNanos(MAX_WAIT_SECONDS);
        for (Future<Sample> f : futures) {
            try {
                Sample s = f.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                latencies.add(s.seconds());
                outcomes.merge(s.outcome(), 1, Integer::sum);
                last = Math.max(last, s.endNanos());
            } catch (ExecutionException e) {
                outcomes.merge("error", 1, Integer::sum);
            } catch (TimeoutException e) {
                f.cancel(true);
                outcomes.merge("no answer in " + MAX_WAIT_SECONDS + " s", 1, Integer::sum);
                last = System.nanoTime();
            }
        }
        return new Result((last - start) / 1e9, latencies, outcomes);
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}
