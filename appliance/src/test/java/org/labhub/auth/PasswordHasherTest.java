package org.labhub.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.labhub.config.LabhubConfig;
import org.labhub.web.HttpError;

class PasswordHasherTest {

    @Test
    void aDecoyVerificationFailsForAnyPassword() {
        PasswordHasher hasher = new PasswordHasher(new LabhubConfig.Argon2(1024, 1, 2));
        assertThat(hasher.verify("whatever-password", null)).isFalse();
        assertThat(hasher.verify("", null)).isFalse();
    }

    @Test
    void callersBeyondTheWaitingLimitGet503AtOnceInsteadOfHoldingAThread() throws Exception {
        // One slot, 16 may wait: of 24 callers released together, at most 17 can get a hash and the rest are refused.
        PasswordHasher hasher = new PasswordHasher(new LabhubConfig.Argon2(16384, 2, 1));
        int callers = 24;
        ExecutorService pool = Executors.newFixedThreadPool(callers);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Integer>> answers = new ArrayList<>();
            for (int i = 0; i < callers; i++) {
                answers.add(pool.submit(() -> {
                    go.await();
                    try {
                        hasher.hash("password-number-x");
                        return 200;
                    } catch (HttpError e) {
                        return e.status();
                    }
                }));
            }
            go.countDown();
            int hashed = 0;
            int refused = 0;
            for (Future<Integer> a : answers) {
                int status = a.get(60, TimeUnit.SECONDS);
                if (status == 200) {
                    hashed++;
                } else if (status == 503) {
                    refused++;
                }
            }
            assertThat(hashed + refused).isEqualTo(callers);
            assertThat(hashed).isLessThanOrEqualTo(1 + PasswordHasher.WAITING_PER_SLOT);
            assertThat(refused).isGreaterThanOrEqualTo(callers - 1 - PasswordHasher.WAITING_PER_SLOT);
        } finally {
            pool.shutdownNow();
        }
    }
}
