package org.labhub.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Writer;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A JVM started as its own process and timed from {@code exec} to the first 200 from {@code /api/health}.
 * It listens on port 0 and announces "serving http://127.0.0.1:PORT/" on stdout (the hub and {@link BareHealth} both do),
 * so no port is guessed. The output goes to a log file.
 */
final class Launched implements AutoCloseable {
    private static final Pattern SERVING = Pattern.compile("serving (http://127\\.0\\.0\\.1:\\d+)/");
    private static final Duration MAX_START = Duration.ofSeconds(60);
    /** Children still running, killed if the benchmark itself is stopped. */
    private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> LIVE.forEach(Process::destroyForcibly)));
    }

    private final Process process;
    private final String url;
    private final double secondsToHealthy;
    private final long rssAtHealthyKib;

    private Launched(Process process, String url, double secondsToHealthy, long rssAtHealthyKib) {
        this.process = process;
        this.url = url;
        this.secondsToHealthy = secondsToHealthy;
        this.rssAtHealthyKib = rssAtHealthyKib;
    }

    static Launched start(List<String> command, Path log, HttpClient client) throws IOException, InterruptedException {
        return start(command, Map.of(), log, client);
    }

    /** As {@link #start(List, Path, HttpClient)}, with {@code settings} (LABHUB_* variables) as the only settings given. */
    static Launched start(List<String> command, Map<String, String> settings, Path log, HttpClient client)
            throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        // The hub must run on its defaults: no LABHUB_* setting of the caller's shell may leak in.
        pb.environment().keySet().removeIf(k -> k.startsWith("LABHUB_"));
        pb.environment().putAll(settings);
        long t0 = System.nanoTime();
        Process p = pb.start();
        LIVE.add(p);
        CompletableFuture<String> announced = new CompletableFuture<>();
        Thread reader = new Thread(() -> copyOutput(p, log, announced), "launched-output");
        reader.setDaemon(true);
        reader.start();
        String url;
        try {
            url = announced.get(MAX_START.toSeconds(), TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            kill(p);
            throw new IOException(command.get(command.size() - 1) + " did not announce its URL (" + e.getMessage() + "); see " + log);
        }
        HttpRequest health = Http.request(url + "/api/health").timeout(Duration.ofSeconds(5)).build();
        long deadline = t0 + MAX_START.toNanos();
        while (true) {
            try {
                if (client.send(health, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    break;
                }
            } catch (IOException e) {
                // not answering yet
            }
            if (System.nanoTime() > deadline || !p.isAlive()) {
                kill(p);
                throw new IOException(url + "/api/health never answered 200; see " + log);
            }
            Thread.sleep(10);
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        return new Launched(p, url, seconds, Rss.current(p.pid()));
    }

    private static void copyOutput(Process p, Path log, CompletableFuture<String> announced) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
             Writer out = Files.newBufferedWriter(log, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
            String line;
            while ((line = in.readLine()) != null) {
                out.write(line);
                out.write('\n');
                Matcher m = SERVING.matcher(line);
                if (m.find()) {
                    announced.complete(m.group(1));
                    out.flush();
                }
            }
        } catch (IOException e) {
            // the process went away
        } finally {
            announced.completeExceptionally(new IOException("the process ended"));
        }
    }

    String url() {
        return url;
    }

    long pid() {
        return process.pid();
    }

    double secondsToHealthy() {
        return secondsToHealthy;
    }

    long rssAtHealthyKib() {
        return rssAtHealthyKib;
    }

    /** SIGTERM, as systemd or Ctrl-C would send; returns the seconds until the process exited. */
    double stop() throws InterruptedException {
        long t0 = System.nanoTime();
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            kill(process);
            throw new IllegalStateException("pid " + process.pid() + " did not stop within 30 s of SIGTERM; killed");
        }
        LIVE.remove(process);
        return (System.nanoTime() - t0) / 1e9;
    }

    private static void kill(Process p) throws InterruptedException {
        p.destroyForcibly();
        p.waitFor(10, TimeUnit.SECONDS);
        LIVE.remove(p);
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            stop();
        }
    }
}
