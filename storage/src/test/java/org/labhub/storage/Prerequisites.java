package org.labhub.storage;

import static org.junit.jupiter.api.Assertions.fail;

import org.junit.jupiter.api.Assumptions;

/** A test's need of the machine: skipped on a developer's machine without it, a failure in CI (CI=true). */
final class Prerequisites {
    private Prerequisites() {}

    static void require(boolean met, String why) {
        if (met) {
            return;
        }
        if ("true".equals(System.getenv("CI"))) {
            fail("CI must provide this: " + why);
        }
        Assumptions.abort(why);
    }
}
