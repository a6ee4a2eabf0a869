package org.labhub.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.labhub.config.LabhubConfig;

class LoginThrottleTest {
    private static final LabhubConfig.Throttle LIMITS =
            new LabhubConfig.Throttle(3, 10, 50, Duration.ofMinutes(15), Duration.ofMillis(250));

    @Test
    void concurrentGuessesFromOneAddressCannotOvershootItsLockout() throws Exception {
        LoginThrottle throttle = new LoginThrottle(LIMITS, Clock.systemUTC());
        ExecutorService pool = Executors.newFixedThreadPool(32);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Boolean>> results = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            String name = "guess" + i;
            results.add(pool.submit(() -> {
                go.await();
                return !throttle.begin(name, "10.1.2.3").refused();
            }));
        }
        go.countDown();
        int admitted = 0;
        for (Future<Boolean> f : results) {
            admitted += f.get(10, TimeUnit.SECONDS) ? 1 : 0;
        }
        pool.shutdown();
        assertThat(admitted).isEqualTo(50);
    }

    @Test
    void successfulLoginsBehindOneAddressNeverLockItOut() {
        LoginThrottle throttle = new LoginThrottle(LIMITS, Clock.fixed(Instant.parse("2026-11-21T10:00:00Z"), ZoneOffset.UTC));
        for (int i = 0; i < 200; i++) {
            LoginThrottle.Attempt a = throttle.begin("student" + i, "192.0.2.7");
            assertThat(a.refused()).as("login %d", i).isFalse();
            throttle.succeeded(a);
        }
        assertThat(throttle.begin("student0", "192.0.2.7").refused()).isFalse();
    }

    @Test
    void failuresDelayDoublingPastTheFreeOnesThenTheAccountIsRefused() {
        LoginThrottle throttle = new LoginThrottle(LIMITS, Clock.fixed(Instant.parse("2026-11-21T10:00:00Z"), ZoneOffset.UTC));
        List<Long> delays = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            LoginThrottle.Attempt a = throttle.begin("alice", "198.51.100." + i);
            assertThat(a.refused()).isFalse();
            delays.add(throttle.failed(a).toMillis());
        }
        assertThat(delays).containsExactly(0L, 0L, 0L, 250L, 500L, 1000L, 2000L, 4000L, 8000L, 8000L);
        LoginThrottle.Attempt refused = throttle.begin("ALICE ", "203.0.113.9");
        assertThat(refused.refused()).isTrue();
        assertThat(refused.refusal()).isEqualTo(Duration.ofMinutes(15).plusSeconds(1));
    }
}
