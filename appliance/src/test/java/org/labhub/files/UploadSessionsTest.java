package org.labhub.files;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.labhub.storage.HomeFileStore;
import org.labhub.storage.Location;
import org.labhub.storage.RelPath;

/** Restartable uploads left alone are removed with their bytes, so abandoned pieces neither fill the disk nor hold quota. */
class UploadSessionsTest {
    /** A clock the test moves by hand. */
    static final class Hands extends Clock {
        Instant now = Instant.parse("2026-11-21T10:00:00Z");

        @Override
        public ZoneId getZone() { return ZoneOffset.UTC; }

        @Override
        public Clock withZone(ZoneId zone) { return this; }

        @Override
        public Instant instant() { return now; }
    }

    @Test
    void anUploadLeftAloneForADayIsRemovedWithItsBytes(@TempDir Path data) throws Exception {
        Hands clock = new Hands();
        HomeFileStore files = new HomeFileStore(data.resolve("homes"), data.resolve("staging"), data.resolve("trash"), u -> 1_000_000, clock);
        Files.createDirectories(data.resolve("homes/alice"));
        UploadSessions sessions = new UploadSessions(data.resolve("uploads"), files, clock);
        UploadSessions.Session s = sessions.start("alice", new Location("alice", RelPath.parse("big.bin")), -1);
        sessions.append(s, 0, new ByteArrayInputStream(new byte[600_000]));
        assertThat(sessions.find("alice", s.id)).isPresent();
        assertThat(sessions.find("bob", s.id)).as("someone else's upload").isEmpty();

        clock.now = clock.now.plus(UploadSessions.EXPIRY).minusSeconds(1);
        assertThat(sessions.find("alice", s.id)).as("just before a day").isPresent();
        clock.now = clock.now.plus(Duration.ofSeconds(2));
        assertThat(sessions.find("alice", s.id)).as("after a day unused").isEmpty();
        try (var left = Files.list(data.resolve("uploads"))) {
            assertThat(left.toList()).isEmpty();
        }
        // Its bytes no longer count: a new upload may use the whole quota again.
        UploadSessions.Session next = sessions.start("alice", new Location("alice", RelPath.parse("next.bin")), 900_000);
        sessions.append(next, 0, new ByteArrayInputStream(new byte[900_000]));
        assertThat(next.offset).isEqualTo(900_000);
    }
}
