package org.labhub.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.labhub.audit.AuditLog;
import org.labhub.spawner.Notebooks;
import org.labhub.testing.HubClient;
import org.labhub.testing.KernelChannel;
import org.labhub.testing.TestHub;

/** With proxy.admin_access on, an admin may open a user's server: it works, and it is in the audit log. */
class AdminAccessTest {
    private static TestHub t;
    private static HubClient alice;
    private static HubClient bob;
    private static HubClient admin;

    @BeforeAll
    static void start() throws Exception {
        t = TestHub.start(Map.of("proxy.admin_access", "true"));
        Notebooks.requireMinimal(t);
        alice = t.user("alice", "alice-password-1");
        bob = t.user("bob", "bob-password-12");
        admin = t.admin();
        Notebooks.start(t, alice, "alice", "", "{\"environment\":\"minimal\",\"profile\":\"small\"}");
    }

    @AfterAll
    static void stop() throws Exception {
        t.close();
    }

    @Test
    void anAdminOpensAUsersServerAndTheVisitIsAudited() throws Exception {
        for (int i = 0; i < 3; i++) {
            admin.get("/user/alice/api/contents").expectStatus(200);
        }
        try (KernelChannel k = KernelChannel.start(admin, "/user/alice/", Map.of("Origin", t.baseUrl()))) {
            assertThat(k.execute("print('admin was here')", Duration.ofSeconds(60)).stdout()).isEqualTo("admin was here\n");
        }
        List<AuditLog.Event> visits = new AuditLog(t.hub().catalog().jdbi(), java.time.Clock.systemUTC())
                .recent(50, 0, Optional.of("server.admin_access"));
        // One entry per admin and server start, not one per request.
        assertThat(visits).hasSize(1);
        assertThat(visits.get(0).actor()).isEqualTo("admin");
        assertThat(visits.get(0).target()).isEqualTo("alice");
        // Admin access is for admins only.
        assertThat(bob.get("/user/alice/api/contents").status()).isEqualTo(403);
    }
}
