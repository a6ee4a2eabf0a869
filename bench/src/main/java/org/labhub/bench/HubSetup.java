package org.labhub.bench;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Prepares a running hub through its public API, as an operator would: the admin's token from the first-start
 * password, then accounts (POST /api/users/{name}) and one read token per account.
 */
final class HubSetup {
    /** Password hashing is capped at two at a time in the hub; four callers keep both slots busy. */
    private static final int PARALLEL = 4;

    private final HttpClient client;
    private final String base;
    private final String adminToken;

    HubSetup(HttpClient client, String base, Path dataRoot) throws IOException {
        this.client = client;
        this.base = base;
        String password = Files.readString(dataRoot.resolve("secrets/admin-password")).trim();
        HttpResponse<String> r = Http.send(client, Http.postJson(base + "/api/users/admin/tokens",
                "{\"scopes\":[\"read\",\"admin\",\"tokens\"],\"note\":\"bench\"}", Http.basic("admin", password)));
        expect(r, 201, "admin token");
        this.adminToken = Http.jsonString(r.body(), "token");
    }

    /** Creates the accounts, all with {@code password}. */
    void createUsers(List<String> names, String password) throws IOException {
        inParallel(names, name -> {
            HttpResponse<String> r = Http.send(client, Http.postJson(base + "/api/users/" + name,
                    "{\"password\":\"" + password + "\"}", "token " + adminToken));
            expect(r, 201, "create user " + name);
            return null;
        });
    }

    /**
     * One token with the read scope per account, owned by that account. The admin creates them: HTTP Basic as each
     * user would cost one more Argon2id verification per account, doubling the setup time without changing what is measured.
     */
    Map<String, String> readTokens(List<String> names) throws IOException {
        return tokens(names, "read");
    }

    /** One token per account with these scopes, owned by that account; created by the admin, as {@link #readTokens}. */
    Map<String, String> tokens(List<String> names, String... scopes) throws IOException {
        String body = "{\"scopes\":[" + String.join(",", Arrays.stream(scopes).map(s -> "\"" + s + "\"").toList())
                + "],\"note\":\"bench\"}";
        List<String> tokens = inParallel(names, name -> {
            HttpResponse<String> r = Http.send(client, Http.postJson(base + "/api/users/" + name + "/tokens",
                    body, "token " + adminToken));
            expect(r, 201, "token for " + name);
            return Http.jsonString(r.body(), "token");
        });
        Map<String, String> byName = new LinkedHashMap<>();
        for (int i = 0; i < names.size(); i++) {
            byName.put(names.get(i), tokens.get(i));
        }
        return byName;
    }

    interface Call<T> {
        T run(String name) throws IOException;
    }

    private static <T> List<T> inParallel(List<String> names, Call<T> call) throws IOException {
        ExecutorService pool = Executors.newFixedThreadPool(PARALLEL);
        try {
            List<Future<T>> futures = new ArrayList<>();
            for (String n : names) {
                futures.add(pool.submit(() -> call.run(n)));
            }
            List<T> out = new ArrayList<>();
            for (Future<T> f : futures) {
                out.add(f.get(10, TimeUnit.MINUTES));
            }
            return out;
        } catch (java.util.concurrent.ExecutionException e) {
            throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
        } catch (InterruptedException | java.util.concurrent.TimeoutException e) {
            throw new IOException("setup did not finish: " + e, e);
        } finally {
            pool.shutdownNow();
        }
    }

    static void expect(HttpResponse<String> r, int status, String what) throws IOException {
        if (r.statusCode() != status) {
            throw new IOException(what + ": expected " + status + " but got " + r.statusCode() + " " + Http.abbreviate(r.body()));
        }
    }
}
