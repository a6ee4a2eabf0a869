package org.labhub.smoke;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RunnerTest {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final Runner runner = new Runner(new PrintStream(bytes, true, StandardCharsets.UTF_8), false);
    private final Context c = new Context(new Options(URI.create("http://127.0.0.1:1"), "admin", "pw", false, Optional.empty(),
            Duration.ofMinutes(1)), new Deadline(Duration.ofMinutes(1)), Optional.empty());

    private String output() {
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void everyStepPassedGivesOneLineEachAndTheTotalLast() {
        int code = runner.run(List.of(new Step("one", x -> { }), new Step("two", x -> { })), c);
        assertThat(code).isZero();
        List<String> lines = output().lines().toList();
        assertThat(lines.get(0)).matches("smoke: \\[ok\\] one \\(\\d+\\.\\d s\\)");
        assertThat(lines.get(1)).matches("smoke: \\[ok\\] two \\(\\d+\\.\\d s\\)");
        assertThat(lines.get(2)).matches("smoke: 2 steps passed in \\d+\\.\\d s");
    }

    @Test
    void theFirstFailureStopsTheRunIsNamedInTheLastLineAndExits1() {
        List<String> ran = new ArrayList<>();
        int code = runner.run(List.of(new Step("one", x -> ran.add("one")),
                new Step("admin logs in", x -> { throw new StepFailure("POST /login answered 401: Wrong user name or password."); }),
                new Step("three", x -> ran.add("three"))), c);
        assertThat(code).isEqualTo(1);
        assertThat(ran).containsExactly("one");
        assertThat(output()).contains("smoke: [FAILED] admin logs in (")
                .doesNotContain("three").doesNotContain("Exception");
        assertThat(output().lines().reduce((a, b) -> b).orElseThrow())
                .startsWith("smoke: FAILED at \"admin logs in\" after 1 of 3 steps passed").endsWith("Wrong user name or password.");
    }

    @Test
    void afterAFailureTheCleanupStillRunsAndItsOwnFailureDoesNotHideTheFirst() {
        c.created.add("smoke-x-a"); // as if the users had been made; no admin session: the cleanup cannot delete them
        int code = runner.run(List.of(new Step("start a server", x -> { throw new StepFailure("no environment"); })), c);
        assertThat(code).isEqualTo(1);
        assertThat(output()).contains("smoke: [cleanup FAILED] clean up the users").contains("the admin is not logged in");
        assertThat(output().lines().reduce((a, b) -> b).orElseThrow()).startsWith("smoke: FAILED at \"start a server\"").endsWith("no environment");
    }

    @Test
    void anUnforeseenErrorFailsTheStepWithItsMessageAndNoStackTrace() {
        int code = runner.run(List.of(new Step("one", x -> { throw new IllegalStateException("boom"); })), c);
        assertThat(code).isEqualTo(1);
        assertThat(output()).contains("[FAILED] one").contains("unexpected IllegalStateException: boom").doesNotContain("\tat ");
    }

    @Test
    void theHubsMessageIsTakenFromJsonErrorsAndErrorPages() {
        assertThat(Hub.Response.reasonOf(409, "{\"error\":\"conflict\",\"message\":\"already running\"}")).isEqualTo(": already running");
        assertThat(Hub.Response.reasonOf(401, "<p class=\"form-error\" role=\"alert\" id=\"login-error\">Wrong user name or password.</p>"))
                .isEqualTo(": Wrong user name or password.");
        assertThat(Hub.Response.reasonOf(404, "<title>404</title><h1>Not found</h1>\n  <p>no such archive</p>")).isEqualTo(": no such archive");
        assertThat(Hub.Response.reasonOf(502, "")).isEmpty();
    }
}
