package org.labhub.bench;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Preserve and re-run of a small notebook through the hub (request to archive written; request to report
 * finished), against the floor: the same notebook executed by hand in the same image with {@code podman run --rm
 * --network=none … python3 -m nbconvert --to notebook --execute}. Interleaved, medians of {@code runs}; the
 * archives keep the image by reference, and one more preserve saves it by value, timed on its own.
 */
final class PreserveBench {
    private static final double TARGET_RATIO = 1.2;
    private static final String USER = "p01";
    private static final String NOTEBOOK = """
            {"nbformat": 4, "nbformat_minor": 5, "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}},
             "cells": [
              {"cell_type": "code", "id": "c1", "execution_count": null, "metadata": {}, "outputs": [], "source": "rows = [int(x) for x in open('values.csv').read().split()[1:]]"},
              {"cell_type": "code", "id": "c2", "execution_count": null, "metadata": {}, "outputs": [], "source": "print('total', sum(rows))"},
              {"cell_type": "code", "id": "c3", "execution_count": null, "metadata": {}, "outputs": [], "source": "import math\\nprint(math.fsum(r * 0.5 for r in rows))"}
             ]}
            """;
    /** The small notebook plus a cell that reads the large input whole and hashes it. */
    private static final String DATA_NOTEBOOK = withCell(NOTEBOOK, "{\"cell_type\": \"code\", \"id\": \"c4\", \"execution_count\": null, "
            + "\"metadata\": {}, \"outputs\": [], \"source\": \"import hashlib\\nprint(hashlib.sha256(open('input.bin', 'rb').read()).hexdigest())\"}");
    private static final Pattern STATE = Pattern.compile("\"state\"\\s*:\\s*\"([a-z_]+)\"");

    private PreserveBench() {}

    static void run(Map<String, String> args) throws Exception {
        String java = args.getOrDefault("java", "java");
        List<String> opts = Arrays.stream(args.getOrDefault("java-opts", "").trim().split("\\s+")).filter(s -> !s.isEmpty()).toList();
        Path hubJar = Path.of(args.get("hub-jar")).toAbsolutePath();
        Path tmp = Path.of(args.get("tmp")).toAbsolutePath();
        String image = args.getOrDefault("image", "localhost/labhub/kernel-minimal:latest");
        String podman = args.getOrDefault("podman", "podman");
        int runs = Integer.parseInt(args.getOrDefault("runs", "3"));
        long dataBytes = Long.parseLong(args.getOrDefault("data-mib", "100")) << 20;
        HttpClient client = Http.client();

        Path data = Files.createDirectories(tmp.resolve("preserve"));
        List<String> cmd = new ArrayList<>();
        cmd.add(java);
        cmd.addAll(opts);
        cmd.addAll(List.of("-jar", hubJar.toString(), "run", "--data", data.toString(), "--port", "0", "--bind", "127.0.0.1"));
        try (Launched hub = Launched.start(cmd, tmp.resolve("preserve.log"), client)) {
            HubSetup setup = new HubSetup(client, hub.url(), data);
            setup.createUsers(List.of(USER), "bench-password-0123");
            String token = "token " + setup.tokens(List.of(USER), "files", "servers", "read").get(USER);
            Path home = data.resolve("homes").resolve(USER);
            Path blob = Files.createDirectories(tmp.resolve("preserve-blob")).resolve("input.bin");
            writeRandom(blob, dataBytes);
            List<Case> cases = List.of(new Case("small", NOTEBOOK, null), new Case("data", DATA_NOTEBOOK, blob));
            for (Case c : cases) {
                c.writeInto(Files.createDirectories(home.resolve(c.name())));
                // jobs save the executed notebook here, outside the folder that is preserved
                Files.createDirectories(home.resolve(c.name() + "-out"));
            }
            Path raw = Files.createDirectories(tmp.resolve("preserve-raw"));

            System.out.printf("preserve: setup: one hub, image %s; case 'small': 3 cells reading a 4-line CSV; case 'data': "
                    + "the same plus a %d MiB input file hashed by the notebook; %d runs each, interleaved, after one warm-up%n",
                    image, dataBytes >> 20, runs);
            for (Case c : cases) {
                floor(podman, image, raw, c, 0);
                rerun(client, hub.url(), token, preserve(client, hub.url(), token, c.name(), true));
                job(client, hub.url(), token, c.name());
            }
            double smallPreserve = 0;
            for (Case c : cases) {
                List<Double> floors = new ArrayList<>();
                List<Double> preserves = new ArrayList<>();
                List<Double> reruns = new ArrayList<>();
                List<Double> jobs = new ArrayList<>();
                for (int i = 1; i <= runs; i++) {
                    double f = floor(podman, image, raw, c, i);
                    long t0 = System.nanoTime();
                    String id = preserve(client, hub.url(), token, c.name(), true);
                    double p = (System.nanoTime() - t0) / 1e9;
                    t0 = System.nanoTime();
                    rerun(client, hub.url(), token, id);
                    double r = (System.nanoTime() - t0) / 1e9;
                    t0 = System.nanoTime();
                    job(client, hub.url(), token, c.name());
                    double j = (System.nanoTime() - t0) / 1e9;
                    floors.add(f);
                    preserves.add(p);
                    reruns.add(r);
                    jobs.add(j);
                    System.out.printf("preserve:   %s run %d: raw podman run nbconvert %s | preserve (by reference) %s | re-run with report %s | batch job %s%n",
                            c.name(), i, Stats.sec(f), Stats.sec(p), Stats.sec(r), Stats.sec(j));
                }
                double floor = Stats.median(floors);
                double pm = Stats.median(preserves);
                double rm = Stats.median(reruns);
                double jm = Stats.median(jobs);
                if (c.name().equals("small")) {
                    smallPreserve = pm;
                }
                System.out.printf("preserve: %s, median of %d: floor (raw podman run … nbconvert --execute) %s; preserve %s (ratio %s); "
                        + "re-run to its report %s (ratio %s); batch job %s (ratio %s)%n", c.name(), runs, Stats.sec(floor),
                        Stats.sec(pm), Stats.ratio(pm, floor), Stats.sec(rm), Stats.ratio(rm, floor), Stats.sec(jm), Stats.ratio(jm, floor));
                System.out.printf("preserve: %s: target ratio <= %.2f: preserve %s, re-run %s, job %s%n", c.name(), TARGET_RATIO,
                        verdict(pm, floor), verdict(rm, floor), verdict(jm, floor));
            }
            long t0 = System.nanoTime();
            preserve(client, hub.url(), token, "small", false);
            double byValue = (System.nanoTime() - t0) / 1e9;
            System.out.printf("preserve: small with the image saved in the archive (by value, once): %s, of which the image export is "
                    + "%s more than by reference%n", Stats.sec(byValue), Stats.sec(byValue - smallPreserve));
        }
    }

    /** The notebook with one more cell at the end of its cell list. */
    private static String withCell(String notebook, String cell) {
        int end = notebook.lastIndexOf(']');
        return notebook.substring(0, end) + ", " + cell + notebook.substring(end);
    }

    private static String verdict(double value, double floor) {
        return value / floor <= TARGET_RATIO ? "met" : "MISSED";
    }

    /** A notebook folder to preserve: the notebook, the CSV, and for the data case a large input file. */
    private record Case(String name, String notebook, Path blob) {
        void writeInto(Path dir) throws IOException {
            Files.writeString(dir.resolve("analysis.ipynb"), notebook);
            Files.writeString(dir.resolve("values.csv"), "value\n1\n2\n39\n");
            if (blob != null) {
                Files.copy(blob, dir.resolve("input.bin"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }

    /** Incompressible bytes, so neither side gains from a compressing file system. */
    private static void writeRandom(Path file, long bytes) throws IOException {
        if (Files.exists(file) && Files.size(file) == bytes) {
            return;
        }
        java.util.Random random = new java.util.Random(7);
        byte[] chunk = new byte[1 << 20];
        try (var out = Files.newOutputStream(file)) {
            for (long left = bytes; left > 0; left -= chunk.length) {
                random.nextBytes(chunk);
                out.write(chunk, 0, (int) Math.min(chunk.length, left));
            }
        }
    }

    /** POST /api/jobs for the case's notebook, polled until final; it must succeed. */
    private static void job(HttpClient client, String base, String token, String folder) throws IOException {
        HttpResponse<String> started = Http.send(client, Http.postJson(base + "/api/jobs",
                "{\"notebook\":\"" + folder + "/analysis.ipynb\",\"environment\":\"minimal\",\"output_folder\":\"" + folder + "-out\"}", token));
        HubSetup.expect(started, 201, "job");
        long id = Http.jsonLong(started.body(), "id");
        String body = await(client, base + "/api/jobs/" + id, token, "succeeded", "failed", "cancelled", "timed_out");
        if (!body.contains("\"state\":\"succeeded\"")) {
            throw new IOException("the batch job did not succeed: " + body);
        }
    }

    /** The floor: a fresh folder, the notebook executed in the same image without network; seconds. */
    private static double floor(String podman, String image, Path raw, Case c, int i) throws IOException, InterruptedException {
        Path dir = Files.createDirectories(raw.resolve(c.name() + "-" + i));
        c.writeInto(dir);
        // the image runs as its own user: let it write the executed copy
        new ProcessBuilder("chmod", "-R", "a+rwX", dir.toString()).start().waitFor();
        long t0 = System.nanoTime();
        Process p = new ProcessBuilder(podman, "run", "--rm", "--network=none", "-v", dir + ":/work", "-w", "/work", image,
                "python3", "-m", "nbconvert", "--to", "notebook", "--execute", "--output-dir", "/work/out", "analysis.ipynb")
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(5, TimeUnit.MINUTES) || p.exitValue() != 0 || !Files.exists(dir.resolve("out/analysis.ipynb"))) {
            throw new IOException("the raw podman run failed: " + Http.abbreviate(out));
        }
        return (System.nanoTime() - t0) / 1e9;
    }

    /** POST /api/archives, then the task polled until done; the archive id. */
    private static String preserve(HttpClient client, String base, String token, String folder, boolean byReference)
            throws IOException {
        HttpResponse<String> started = Http.send(client, Http.postJson(base + "/api/archives",
                "{\"path\":\"" + folder + "\",\"environment\":\"minimal\",\"title\":\"Bench\",\"authors\":[\"Bench\"],\"by_reference\":"
                        + byReference + "}", token));
        HubSetup.expect(started, 202, "preserve");
        String status = Http.jsonString(started.body(), "status");
        String body = await(client, base + status, token, "done", "failed");
        if (!body.contains("\"state\":\"done\"")) {
            throw new IOException("the preservation failed: " + Http.abbreviate(body));
        }
        return Http.jsonString(body, "archive");
    }

    /** POST /api/archives/{id}/rerun, then its report polled until it is no longer running. */
    private static void rerun(HttpClient client, String base, String token, String id) throws IOException {
        HttpResponse<String> started = Http.send(client, Http.postJson(base + "/api/archives/" + id + "/rerun", "{}", token));
        HubSetup.expect(started, 202, "re-run");
        String body = await(client, base + Http.jsonString(started.body(), "report"), token, "identical", "differs", "errored", "failed");
        if (!body.contains("\"state\":\"identical\"")) {
            throw new IOException("the re-run did not find every cell identical: " + Http.abbreviate(body));
        }
    }

    private static String await(HttpClient client, String url, String token, String... finalStates) throws IOException {
        long end = System.nanoTime() + Duration.ofMinutes(10).toNanos();
        while (System.nanoTime() < end) {
            String body = Http.send(client, Http.request(url).header("Authorization", token).GET().build()).body();
            Matcher m = STATE.matcher(body);
            if (m.find() && Arrays.asList(finalStates).contains(m.group(1))) {
                return body;
            }
            Http.sleep(Duration.ofMillis(20));
        }
        throw new IOException("gave up waiting for " + url);
    }
}
