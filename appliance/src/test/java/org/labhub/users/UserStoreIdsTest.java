package org.labhub.users;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.labhub.catalog.Catalog;

/** {@link UserStore#idOf} remembers ids, but never past an account's deletion, and never hides a new account. */
class UserStoreIdsTest {
    @TempDir
    Path tmp;

    @Test
    void aRememberedIdIsForgottenWhenTheAccountIsDeletedAndANewAccountOfThatNameIsFoundAtOnce() {
        try (Catalog catalog = Catalog.open(tmp.resolve("db"))) {
            UserStore users = new UserStore(catalog.jdbi());
            Instant now = Instant.parse("2026-11-22T00:00:00Z");
            assertThat(users.idOf("carol")).isEmpty();
            User first = users.create("carol", "x", false, User.State.ACTIVE, Optional.empty(), now);
            assertThat(users.idOf("carol")).isEqualTo(OptionalLong.of(first.id()));
            assertThat(users.idOf("carol")).isEqualTo(OptionalLong.of(first.id()));

            users.delete(first.id());
            assertThat(users.idOf("carol")).isEmpty();
            User second = users.create("carol", "x", false, User.State.ACTIVE, Optional.empty(), now);
            assertThat(second.id()).isNotEqualTo(first.id());
            assertThat(users.idOf("carol")).isEqualTo(OptionalLong.of(second.id()));
        }
    }
}
