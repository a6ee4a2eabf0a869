package org.labhub.jobs;

import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.labhub.auth.Scope;
import org.labhub.users.User;
import org.labhub.web.Access;
import org.labhub.web.EventStream;
import org.labhub.web.Exchange;
import org.labhub.web.HttpError;
import org.labhub.web.Json;
import org.labhub.web.Routes;

/**
 * The jobs API, for scripts and the jobs pages: submit, list, look, cancel, re-run, delete, and read or follow the log.
 * Running code needs the {@code servers} scope; looking needs {@code read}.
 */
public final class JobsApi implements Routes.Provider {
    private static final long KEEP_ALIVE_SECONDS = 15;
    /** An end marker for the log queue (never a real line: lines have no newline). */
    private static final String END = "\n";
    /** Put on every open log queue when the hub stops: the stream says so and ends. */
    private static final String HUB_STOPPING = "\n\n";

    private final Jobs jobs;
    private final Clock clock;
    /**
     * The queues of the live log streams open now. A stream waits up to its keep-alive for the next line, and the
     * server's graceful stop waits for open requests: without being told, a watched job would hold up a stop by 15 s.
     */
    private final Set<BlockingQueue<String>> streams = ConcurrentHashMap.newKeySet();
    private volatile boolean stopping;

    public JobsApi(Jobs jobs, Clock clock) {
        this.jobs = jobs;
        this.clock = clock;
    }

    @Override
    public void register(Routes r) {
        r.post("/api/jobs", Access.user(Scope.SERVERS), this::submit,
                        "Run a notebook as a batch job; body: notebook, environment, profile, parameters (object), output_folder, "
                                + "timeout_seconds, stop_on_error")
         .get("/api/jobs", Access.user(Scope.READ), this::list, "Your jobs, newest first")
         .get("/api/jobs/{id}", Access.user(Scope.READ), this::show, "One job: state, times, failing cell, output")
         .post("/api/jobs/{id}/cancel", Access.user(Scope.SERVERS), this::cancel, "Cancel a queued or running job (owner or admin)")
         .post("/api/jobs/{id}/rerun", Access.user(Scope.SERVERS), this::rerun, "Run the job again as a new job with the same settings")
         .delete("/api/jobs/{id}", Access.user(Scope.SERVERS), this::delete, "Delete a finished job and its run folder")
         .get("/api/jobs/{id}/log", Access.user(Scope.READ), this::log,
                 "The job's log as text; with Accept: text/event-stream, followed live as server-sent events");
    }

    static User caller(Exchange ex) {
        return ex.principal().user().orElseThrow(() -> new HttpError(401, "login_required", "log in first"));
    }

    static long id(Exchange ex) {
        try {
            return Long.parseLong(ex.pathParam("id"));
        } catch (NumberFormatException e) {
            throw HttpError.notFound("there is no job " + ex.pathParam("id"));
        }
    }

    private void submit(Exchange ex) {
        Job job = jobs.submit(caller(ex), ex.jsonBody(Jobs.Request.class), ex.clientAddress());
        ex.setHeader("Location", "/api/jobs/" + job.id());
        ex.json(201, model(job, jobs.ahead(job), clock.instant()));
    }

    private void list(Exchange ex) {
        Instant now = clock.instant();
        ex.json(200, Map.of("jobs", jobs.list(caller(ex)).stream().map(j -> model(j, jobs.ahead(j), now)).toList()));
    }

    private void show(Exchange ex) {
        Job job = jobs.visible(caller(ex), id(ex));
        ex.json(200, model(job, jobs.ahead(job), clock.instant()));
    }

    private void cancel(Exchange ex) {
        long id = id(ex);
        jobs.cancel(caller(ex), id, ex.clientAddress());
        ex.json(200, model(jobs.visible(caller(ex), id), 0, clock.instant()));
    }

    private void rerun(Exchange ex) {
        Job job = jobs.rerun(caller(ex), id(ex), ex.clientAddress());
        ex.setHeader("Location", "/api/jobs/" + job.id());
        ex.json(201, model(job, jobs.ahead(job), clock.instant()));
    }

    private void delete(Exchange ex) {
        jobs.delete(caller(ex), id(ex), ex.clientAddress());
        ex.noContent();
    }

    private void log(Exchange ex) {
        Job job = jobs.visible(caller(ex), id(ex));
        boolean live = ex.header("Accept").map(a -> a.contains("text/event-stream")).orElse(false);
        if (!live) {
            List<String> lines = jobs.log(job);
            ex.send(200, "text/plain; charset=utf-8", lines.isEmpty() ? "" : String.join("\n", lines) + "\n");
            return;
        }
        BlockingQueue<String> queue = new LinkedBlockingQueue<>();
        streams.add(queue);
        if (stopping) {
            queue.add(HUB_STOPPING); // came in while the hub was stopping: one event, then the end
        }
        try (EventStream out = ex.eventStream(); AutoCloseable following = jobs.followLog(job, queue::add)) {
            jobs.ended(job).whenComplete((o, t) -> queue.add(END));
            while (true) {
                String line = queue.poll(KEEP_ALIVE_SECONDS, TimeUnit.SECONDS);
                if (line == null) {
                    out.keepAlive();
                } else if (line.equals(HUB_STOPPING)) {
                    // Not a final state: the job is not over, the hub is. Browsers connect again by themselves later.
                    out.send(Json.MAPPER.writeValueAsString(Map.of("stopping", true,
                            "message", "the hub is stopping; the log continues when it is back")));
                    return;
                } else if (line.equals(END)) {
                    // drain what came with the end, then say how it ended
                    for (String rest; (rest = queue.poll()) != null; ) {
                        if (!rest.equals(END)) {
                            out.send(Json.MAPPER.writeValueAsString(Map.of("line", rest)));
                        }
                    }
                    Job end = awaitFinal(caller(ex), job.id());
                    out.send(Json.MAPPER.writeValueAsString(model(end, 0, clock.instant())));
                    return;
                } else {
                    out.send(Json.MAPPER.writeValueAsString(Map.of("line", line)));
                }
            }
        } catch (IOException gone) {
            // the browser went away
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            // closing the follower cannot fail in a way the client could act on
        } finally {
            streams.remove(queue);
        }
    }

    /** Ends every live log stream (a last event, then the end of the response), and any opened from now on. */
    public void endStreams() {
        stopping = true;
        streams.forEach(q -> q.add(HUB_STOPPING));
    }

    private Job awaitFinal(User caller, long id) throws InterruptedException {
        for (int i = 0; i < 250; i++) {
            Job j = jobs.visible(caller, id);
            if (j.state().isFinal()) {
                return j;
            }
            Thread.sleep(20);
        }
        return jobs.visible(caller, id);
    }

    /** A job as the API shows it. */
    static Map<String, Object> model(Job j, int ahead, Instant now) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", j.id());
        m.put("owner", j.owner());
        m.put("notebook", j.notebook());
        m.put("environment", j.environment());
        m.put("profile", j.profile());
        m.put("parameters", Json.MAPPER.readTree(j.parameters()));
        m.put("output_folder", j.outputFolder());
        m.put("timeout_seconds", j.timeout().toSeconds());
        m.put("stop_on_error", j.stopOnError());
        m.put("state", JobStore.stateId(j.state()));
        m.put("final", j.state().isFinal());
        m.put("message", j.message());
        if (j.failingCell().isPresent()) {
            m.put("failing_cell", Map.of("index", j.failingCell().getAsInt(), "error", j.failingError()));
        }
        m.put("output", j.outputPath());
        m.put("image_digest", j.imageDigest());
        m.put("queued_ahead", ahead);
        m.put("created", j.createdAt().toString());
        m.put("started", j.startedAt().map(Instant::toString).orElse(null));
        m.put("finished", j.finishedAt().map(Instant::toString).orElse(null));
        m.put("duration_seconds", j.duration(now).map(d -> d.toMillis() / 1000.0).orElse(null));
        return m;
    }

}
