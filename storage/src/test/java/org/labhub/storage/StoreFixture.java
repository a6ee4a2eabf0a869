package org.labhub.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;

/** A data folder with homes for alice and bob, a settable quota and a clock the test moves by hand. */
final class StoreFixture {
    final Path homes;
    final Path staging;
    final Path trash;
    final Path outside;
    final Map<String, Long> quotas = new HashMap<>();
    final MovableClock clock = new MovableClock(Instant.parse("2026-11-22T10:00:00Z"));
    final HomeFileStore store;

    StoreFixture(Path data) throws IOException {
        homes = data.resolve("homes");
        staging = data.resolve("staging");
        trash = data.resolve("trash");
        outside = data.resolve("outside");
        Files.createDirectories(homes.resolve("alice"));
        Files.createDirectories(homes.resolve("bob"));
        Files.createDirectories(outside);
        Files.writeString(outside.resolve("secret.txt"), "secret");
        store = new HomeFileStore(homes, staging, trash, o -> quotas.getOrDefault(o, 0L), clock);
    }

    Path home(String owner) {
        return homes.resolve(owner);
    }

    static Location at(String owner, String path) {
        return new Location(owner, RelPath.parse(path));
    }

    Entry put(Location at, String content) throws IOException {
        try (Upload up = store.upload(at, -1)) {
            up.write(ByteBuffer.wrap(content.getBytes(StandardCharsets.UTF_8)));
            return up.commit(true);
        }
    }

    String read(Location at) throws IOException {
        try (var ch = store.openRead(at)) {
            ByteBuffer buf = ByteBuffer.allocate((int) ch.size());
            while (buf.hasRemaining() && ch.read(buf) >= 0) {
                // keep reading
            }
            return new String(buf.array(), StandardCharsets.UTF_8);
        }
    }

    long stagingCount() throws IOException {
        try (var s = Files.list(staging)) {
            return s.count();
        }
    }

    /** A clock for trash ages and usage staleness. */
    static final class MovableClock extends Clock {
        private Instant now;

        MovableClock(Instant now) {
            this.now = now;
        }

        void advance(java.time.Duration d) {
            now = now.plus(d);
        }

        @Override public ZoneId getZone() { return ZoneOffset.UTC; }
        @Override public Clock withZone(ZoneId zone) { return this; }
        @Override public Instant instant() { return now; }
    }
}
