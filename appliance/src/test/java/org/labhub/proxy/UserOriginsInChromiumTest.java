package org.labhub.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.labhub.spawner.Notebooks;
import org.labhub.testing.Chromium;
import org.labhub.testing.HubClient;
import org.labhub.testing.TestHub;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * A notebook output that runs JavaScript ({@code <img src=x onerror=…>}) tries what a malicious notebook would: read
 * the hub's session cookie, read the hub's API, and create a token with the visitor's session. With
 * {@code proxy.user_domain} the notebook runs on {@code alice.labhub.localhost} and all three fail. The same output
 * on a hub without it (notebooks on the hub's own origin) does read the API: the control that shows the probe works.
 * Chromium resolves every *.localhost name to the loopback address by itself.
 */
class UserOriginsInChromiumTest {
    private static final String MINIMAL = "{\"environment\":\"minimal\",\"profile\":\"small\"}";

    /** What the probe found, as the page recorded it in {@code window.__probe}. */
    record Probe(String cookie, String read, String write) {}

    @Test
    void aNotebookOutputOnItsOwnOriginCannotUseTheHubSession() throws Exception {
        try (TestHub t = TestHub.start(Map.of("proxy.user_domain", "labhub.localhost")); Chromium chromium = Chromium.start()) {
            String hub = "http://labhub.localhost:" + URI.create(t.baseUrl()).getPort();
            Probe p = probe(t, chromium.driver(), hub, "isolated");
            assertThat(chromium.driver().getCurrentUrl()).startsWith("http://alice.labhub.localhost:");
            assertThat(p.cookie()).doesNotContain("labhub_session").doesNotContain("labhub_user");
            assertThat(p.read()).startsWith("blocked:");
            assertThat(p.write()).startsWith("blocked:");
            assertThat(t.admin().api("GET", "/api/users/alice/tokens").expectStatus(200).body()).doesNotContain("stolen");
        }
    }

    @Test
    void withoutUserOriginsTheSameOutputCanReadTheHubApi() throws Exception {
        try (TestHub t = TestHub.start(); Chromium chromium = Chromium.start()) {
            Probe p = probe(t, chromium.driver(), t.baseUrl(), "shared-origin");
            // The session cookie itself stays unreadable (HttpOnly) ...
            assertThat(p.cookie()).doesNotContain("labhub_session");
            // ... but the page shares the hub's origin, so it reads the hub's API as alice: why proxy.user_domain exists.
            assertThat(p.read()).startsWith("READ:").contains("\"name\":\"alice\"");
        }
    }

    private static void waitFor(String what, BooleanSupplier done) {
        Chromium.await(what, Duration.ofSeconds(90), () -> done.getAsBoolean() ? Boolean.TRUE : null, () -> "");
    }

    private static Probe probe(TestHub t, ChromeDriver driver, String hub, String name) throws Exception {
        Notebooks.requireMinimal(t);
        t.admin().api("POST", "/api/users/alice", "{\"password\":\"alice-password-1\"}").expectStatus(201);
        HubClient script = new HubClient(t.baseUrl()).withToken(t.admin().api("POST", "/api/users/alice/tokens",
                "{\"note\":\"setup\",\"scopes\":[\"servers\",\"read\"]}").expectStatus(201).json("token"));
        Notebooks.start(t, script, "alice", "", MINIMAL);
        script.api("PUT", "/user/alice/api/contents/probe.ipynb", "{\"type\":\"notebook\",\"content\":{\"nbformat\":4,"
                + "\"nbformat_minor\":5,\"metadata\":{},\"cells\":[{\"cell_type\":\"code\",\"id\":\"c1\",\"metadata\":{},"
                + "\"source\":\"\",\"outputs\":[],\"execution_count\":null}]}}").expectStatus(201);

        driver.get(hub + "/login");
        driver.findElement(By.id("username")).sendKeys("alice");
        driver.findElement(By.id("password")).sendKeys("alice-password-1");
        driver.findElement(By.cssSelector("form button[type=submit]")).click();
        waitFor("the dashboard", () -> !driver.findElements(By.id("servers")).isEmpty());
        driver.get(hub + "/user/alice/notebooks/probe.ipynb");
        waitFor("the notebook's kernel", () -> Boolean.TRUE.equals(driver.executeScript(
                "return !!(window.Jupyter && Jupyter.notebook && Jupyter.notebook.kernel && Jupyter.notebook.kernel.is_connected())")));

        String js = "window.__probe = {cookie: document.cookie};"
                + "fetch('" + hub + "/api/users/alice', {credentials: 'include'}).then(r => r.text())"
                + ".then(t => window.__probe.read = 'READ:' + t, e => window.__probe.read = 'blocked:' + e);"
                + "fetch('" + hub + "/api/users/alice/tokens', {method: 'POST', credentials: 'include',"
                + " headers: {'Content-Type': 'application/json'}, body: '{\"note\":\"stolen\"}'}).then(r => r.text())"
                + ".then(t => window.__probe.write = 'WROTE:' + t, e => window.__probe.write = 'blocked:' + e);";
        String code = "from IPython.display import HTML\nHTML('<img src=\"x\" onerror=\"eval(atob(\\'"
                + Base64.getEncoder().encodeToString(js.getBytes(StandardCharsets.UTF_8)) + "\\'))\">')";
        driver.executeScript("const c = Jupyter.notebook.get_cell(0); c.set_text(arguments[0]); c.execute();", code);
        waitFor("the probe's results", () -> Boolean.TRUE.equals(driver.executeScript(
                "return !!(window.__probe && window.__probe.read !== undefined && window.__probe.write !== undefined)")));
        Files.write(Chromium.screenshots().resolve("user-origins-" + name + ".png"), driver.getScreenshotAs(OutputType.BYTES));
        @SuppressWarnings("unchecked")
        Map<String, Object> found = (Map<String, Object>) driver.executeScript("return window.__probe;");
        return new Probe(String.valueOf(found.get("cookie")), String.valueOf(found.get("read")), String.valueOf(found.get("write")));
    }
}
