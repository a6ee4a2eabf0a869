package org.labhub.quotas;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.labhub.audit.AuditLog;
import org.labhub.catalog.Catalog;
import org.labhub.users.QuotaStore;
import org.labhub.users.User;
import org.labhub.users.UserStore;

/** The quota function reads the catalog once per change, not once per write, and never answers from before a change. */
class QuotasTest {
    @TempDir
    Path dir;

    private Catalog catalog;
    private UserStore users;
    private Quotas quotas;
    private User alice;

    @BeforeEach
    void open() {
        catalog = Catalog.open(dir.resolve("db"));
        users = new UserStore(catalog.jdbi());
        quotas = new Quotas(new QuotaStore(catalog.jdbi()), users, new AuditLog(catalog.jdbi(), Clock.systemUTC()), 5L << 20);
        alice = users.create("alice", "x", false, User.State.ACTIVE, Optional.empty(), Instant.now());
    }

    @AfterEach
    void close() {
        catalog.close();
    }

    @Test
    void manyWritesReadTheCatalogOnceAndAChangeAppliesToTheVeryNextCall() {
        for (int i = 0; i < 1000; i++) {
            assertThat(quotas.bytesOf("alice")).isEqualTo(5L << 20);
        }
        assertThat(quotas.catalogReads()).isEqualTo(1);

        Quotas.Actor admin = new Quotas.Actor("admin", "127.0.0.1");
        quotas.set(admin, alice, 7L << 20);
        assertThat(quotas.bytesOf("alice")).isEqualTo(7L << 20);
        assertThat(quotas.limitOf("alice").source()).isEqualTo(Quotas.Source.OVERRIDE);
        quotas.reset(admin, alice);
        assertThat(quotas.limitOf("alice")).isEqualTo(new Quotas.Limit(5L << 20, Quotas.Source.DEFAULT));
    }

    @Test
    void aDeletedAndRecreatedUserDoesNotInheritTheOldOverride() {
        quotas.set(new Quotas.Actor("admin", "127.0.0.1"), alice, 9L << 20);
        assertThat(quotas.bytesOf("alice")).isEqualTo(9L << 20);
        users.delete(alice.id());
        users.create("alice", "x", false, User.State.ACTIVE, Optional.empty(), Instant.now());
        assertThat(quotas.bytesOf("alice")).isEqualTo(5L << 20);
    }
}
