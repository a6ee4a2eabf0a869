package org.labhub.spawner;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * The stages of one start or stop, as they happen: kept in order so that a browser that connects late still sees
 * every stage, and pushed to listeners (the progress event stream) as they come. Shaped like JupyterHub's
 * progress events: {@code progress} 0–100, a {@code message}, and {@code ready} or {@code failed} at the end.
 */
public final class SpawnProgress {
    /** One stage. {@code status} is the HTTP status that best says why a start failed (0 while not failed). */
    public record Event(int progress, String message, boolean ready, boolean failed, boolean stopped, String url, int status,
                        Instant at) {
        public boolean last() {
            return ready || failed || stopped;
        }
    }

    private final List<Event> events = new ArrayList<>();
    private final List<Consumer<Event>> listeners = new CopyOnWriteArrayList<>();
    private final CompletableFuture<Event> done = new CompletableFuture<>();

    void step(int progress, String message) {
        emit(new Event(progress, message, false, false, false, null, 0, Instant.now()));
    }

    void ready(String message, String url) {
        emit(new Event(100, message, true, false, false, url, 0, Instant.now()));
    }

    void failed(String message, int status) {
        emit(new Event(100, message, false, true, false, null, status, Instant.now()));
    }

    void stopped(String message) {
        emit(new Event(100, message, false, false, true, null, 0, Instant.now()));
    }

    /** Listeners are told under the lock (they only hand the event on), so none sees a stage twice or misses one. */
    private void emit(Event e) {
        synchronized (this) {
            if (!events.isEmpty() && events.get(events.size() - 1).last()) {
                return;
            }
            events.add(e);
            for (Consumer<Event> l : listeners) {
                l.accept(e);
            }
            if (e.last()) {
                listeners.clear();
            }
        }
        if (e.last()) {
            done.complete(e);
        }
    }

    /**
     * Registers {@code listener} for stages still to come and returns the ones so far, without a gap or a repeat
     * between the two.
     */
    public List<Event> follow(Consumer<Event> listener) {
        synchronized (this) {
            if (events.isEmpty() || !events.get(events.size() - 1).last()) {
                listeners.add(listener);
            }
            return List.copyOf(events);
        }
    }

    public void unfollow(Consumer<Event> listener) {
        listeners.remove(listener);
    }

    /** Completes with the last stage: ready, failed or stopped. */
    public CompletableFuture<Event> done() {
        return done;
    }

    /** The last stage if the operation ends within {@code wait}, else null (it goes on). */
    public Event await(Duration wait) {
        try {
            return done.get(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }

    public synchronized Event latest() {
        return events.isEmpty() ? null : events.get(events.size() - 1);
    }
}
