package org.labhub.spawner;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.labhub.environments.Environment;
import org.labhub.environments.EnvironmentStore;
import org.labhub.environments.ProfileStore;
import org.labhub.testing.HubClient;
import org.labhub.testing.Chromium;
import org.labhub.testing.TestHub;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.logging.LogType;

/**
 * The dashboard in headless Chromium against a real hub and real Podman: a user starts a notebook server from the
 * form and watches its progress to the Open link, stops it, and is told plainly when a start fails. The driver setup
 * is the shared {@link Chromium} (Debian Chromium and chromedriver, nothing downloaded); screenshots land in
 * {@code appliance/target/screenshots}.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DashboardInChromiumTest {
    private static final Duration WAIT = Chromium.WAIT;
    private static final Duration START_WAIT = Duration.ofSeconds(30);

    static TestHub hub;
    static Chromium browser;
    static ChromeDriver driver;
    static Path screenshots;

    private final List<String> console = new ArrayList<>();
    /** Console entries a test expects (the browser logs a refused start's 4xx/5xx answer); matched by substring. */
    private final List<String> expectedConsole = new ArrayList<>();

    @BeforeAll
    static void startHubAndBrowser() throws Exception {
        hub = TestHub.start(Map.of("spawner.max_named_servers", "0"));
        Notebooks.requireOnlyMinimal(hub);
        // A profile far too small for a notebook: the start fails while the user watches.
        new ProfileStore(hub.hub().catalog().jdbi()).insert(new ProfileStore.Fields("tiny", "Tiny: 1 CPU, 8 MB", 1, 8L << 20, 64,
                false, 9, List.of()), Instant.now());
        hub.user("alice", "alice-password-1");
        screenshots = Chromium.screenshots();
        browser = Chromium.start();
        driver = browser.driver();
    }

    @AfterAll
    static void stopBrowserAndHub() throws Exception {
        try {
            if (browser != null) {
                browser.close();
            }
        } finally {
            if (hub != null) {
                hub.close();
            }
        }
    }

    @BeforeEach
    void loggedInAsAlice() {
        driver.manage().deleteAllCookies();
        driver.manage().logs().get(LogType.BROWSER);
        open("/login");
        new Actions(driver).sendKeys("alice", Keys.TAB, "alice-password-1", Keys.ENTER).perform();
        await("the dashboard", () -> "Dashboard · labhub".equals(driver.getTitle()) ? true : null);
    }

    @AfterEach
    void noUnexpectedConsoleErrors() {
        drainConsole();
        assertThat(console).as("browser console (CSP violations, script errors, failed loads)").isEmpty();
    }

    @Test
    @Order(1)
    void aUserStartsAServerWatchesItsProgressOpensItAndStopsIt() throws Exception {
        assertThat(driver.findElement(By.cssSelector("#servers .empty")).getText()).contains("You have no notebook server yet.");
        assertThat(label("environment")).isEqualTo("Environment");
        assertThat(label("profile")).isEqualTo("Resources");
        assertThat(driver.findElements(By.id("server"))).as("no name field: named servers are off").isEmpty();
        assertThat(selected("profile")).as("the default profile is preselected").isEqualTo("small");
        choose("environment", "minimal");
        Environment minimal = new EnvironmentStore(hub.hub().catalog().jdbi()).byName("minimal").orElseThrow();
        assertThat(driver.findElement(By.cssSelector("#environment-help [data-env=minimal]")).getText())
                .isEqualTo(minimal.displayName() + ": " + minimal.description());
        recordStages();

        // The keyboard path: environment, Tab to the profile, Tab to Start, Enter.
        driver.executeScript("document.getElementById('environment').focus();");
        new Actions(driver).sendKeys(Keys.TAB).perform();
        assertThat(driver.switchTo().activeElement().getAttribute("id")).isEqualTo("profile");
        new Actions(driver).sendKeys(Keys.TAB).perform();
        assertThat(driver.switchTo().activeElement().getText()).isEqualTo("Start");
        new Actions(driver).sendKeys(Keys.ENTER).perform();
        WebElement progress = await("the progress bar", () -> shown(By.cssSelector("#spawn-progress progress")));
        assertThat(progress.getTagName()).isEqualTo("progress");
        await("a stage from the hub", () -> ((List<?>) driver.executeScript("return window.stages;")).size() >= 2 ? true : null);
        screenshot("dashboard-starting");

        WebElement open = await("the Open link", START_WAIT, () -> shown(By.id("spawn-open")));
        assertThat(open.getAttribute("href")).isEqualTo(hub.baseUrl() + "/user/alice/");
        assertThat(open.getText()).isEqualTo("Open your server");
        assertThat(driver.findElement(By.id("spawn-stage")).getText()).isEqualTo("Your server is ready.");
        assertThat(driver.findElement(By.id("spawn-progress")).isDisplayed()).as("the finished progress bar").isFalse();
        assertThat(driver.switchTo().activeElement().getAttribute("id")).as("focus moves to the Open link").isEqualTo("spawn-open");
        List<?> stages = (List<?>) driver.executeScript("return window.stages;");
        assertThat(stages).as("stage texts shown while starting").hasSizeGreaterThanOrEqualTo(3)
                .anySatisfy(s -> assertThat((String) s).startsWith("Start requested: " + Notebooks.minimalDisplayName(hub) + ", Small: 1 CPU, 2 GB"))
                .last().isEqualTo("Your server is ready.");
        assertThat(driver.findElement(By.id("spawn-stage")).getAttribute("aria-live")).isEqualTo("polite");
        // The server list is refreshed in place: the running server with its own Open link.
        WebElement server = await("the running server in the list", () -> shown(By.cssSelector("#servers li.server")));
        await("the running badge", () -> shown(By.cssSelector("#servers .phase-running")));
        assertThat(server.getText()).contains("Default server", "running", Notebooks.minimalDisplayName(hub), "Small: 1 CPU, 2 GB");
        assertThat(driver.findElement(By.cssSelector("#servers a.button")).getAttribute("href")).isEqualTo(hub.baseUrl() + "/user/alice/");
        assertThat(Notebooks.server(hub.hub(), "alice", "").state()).isEqualTo(Server.State.RUNNING);
        // The start form is refreshed too: with named servers off, a running server leaves nothing to start.
        await("the start form to give way", () -> driver.findElements(By.id("start-form")).isEmpty() ? true : null);
        assertThat(driver.findElement(By.id("start-body")).getText())
                .isEqualTo("Your server is running. To use another environment or other resources, stop it first.");
        screenshot("dashboard-ready");

        open("/");
        screenshot("dashboard-running");
        driver.findElement(By.xpath("//section[@id='servers']//button[normalize-space()='Stop']")).click();
        await("the stopped badge", () -> shown(By.cssSelector("#servers .phase-stopped")));
        assertThat(driver.findElement(By.cssSelector(".flash[role=status]")).getText()).isEqualTo("Your server is stopped. Your files are kept.");
        assertThat(driver.findElements(By.cssSelector("#servers a.button"))).as("no Open link on a stopped server").isEmpty();
        assertThat(driver.findElements(By.cssSelector("#servers .server-problem"))).as("a stop she asked for needs no reason").isEmpty();
        assertThat(Notebooks.server(hub.hub(), "alice", "").state()).isEqualTo(Server.State.STOPPED);
        screenshot("dashboard-stopped");
    }

    @Test
    @Order(2)
    void aStartThatRunsOutOfMemoryIsShownAsAnAlertWithWhatToDo() throws Exception {
        expectedConsole.add("/api/users/alice/server"); // Chromium logs the failed start's error status
        choose("environment", "minimal");
        choose("profile", "tiny");
        recordStages();
        driver.findElement(By.cssSelector("#start-form button[type=submit]")).click();
        WebElement alert = await("the failure alert", START_WAIT, () -> shown(By.cssSelector("#spawn-error[role=alert] .form-error")));
        assertThat(alert.getText()).startsWith("Your server did not start: ")
                .contains("Change the environment or resources and try again");
        Server s = Notebooks.server(hub.hub(), "alice", "");
        assertThat(s.state()).isEqualTo(Server.State.STOPPED);
        assertThat(alert.getText()).contains(s.stopReason());
        assertThat(driver.findElement(By.id("spawn-progress")).isDisplayed()).isFalse();
        assertThat(driver.findElement(By.id("spawn-ready")).isDisplayed()).isFalse();
        // The list shows the reason on the stopped server, so it is still there after a reload.
        WebElement problem = await("the reason on the server", () -> shown(By.cssSelector("#servers .server-problem")));
        assertThat(problem.getText()).isEqualTo("Stopped: " + s.stopReason());
        screenshot("dashboard-start-failed");
    }

    @Test
    @Order(3)
    void anEnvironmentDisabledWhileThePageIsOpenIsRefusedWithTheReason() throws Exception {
        expectedConsole.add("/api/users/alice/server");
        EnvironmentStore environments = new EnvironmentStore(hub.hub().catalog().jdbi());
        choose("environment", "minimal");
        choose("profile", "small");
        environments.setEnabled("minimal", false, Instant.now());
        try {
            driver.findElement(By.cssSelector("#start-form button[type=submit]")).click();
            WebElement alert = await("the refusal alert", () -> shown(By.cssSelector("#spawn-error[role=alert] .form-error")));
            assertThat(alert.getText()).contains("the environment \"minimal\" is disabled by an administrator");
            screenshot("dashboard-start-refused");
            open("/");
            assertThat(driver.findElement(By.cssSelector("#start .empty")).getText())
                    .contains("No environment is available yet.", "./labhub kernels build");
            screenshot("dashboard-no-environment");
        } finally {
            environments.setEnabled("minimal", true, Instant.now());
        }
    }

    @Test
    @Order(4)
    void anAdminSeesEveryServerWithItsUseAndButtonsNamedForIt() throws Exception {
        HubClient alice = hub.client();
        alice.login("alice", "alice-password-1").expectStatus(303);
        alice.api("POST", "/api/users/alice/server", "{\"environment\":\"minimal\",\"profile\":\"small\"}").expectStatus(201);
        driver.manage().deleteAllCookies();
        open("/login");
        new Actions(driver).sendKeys("admin", Keys.TAB, hub.adminPassword(), Keys.ENTER).perform();
        await("the dashboard", () -> "Dashboard · labhub".equals(driver.getTitle()) ? true : null);
        open("/admin/servers");
        assertThat(driver.getTitle()).isEqualTo("Servers · labhub");
        WebElement row = driver.findElement(By.cssSelector("tr[data-user=alice]"));
        assertThat(row.findElement(By.cssSelector("[data-cpu]")).getText()).matches("\\d+\\.\\d %");
        assertThat(row.findElement(By.cssSelector("[data-memory]")).getText()).matches("[\\d.]+[KM] / 2G");
        assertThat(row.findElements(By.tagName("button")).stream().map(b -> b.getAttribute("aria-label")))
                .containsExactly("Stop alice's default server", "Restart alice's default server");
        screenshot("admin-servers");
        alice.api("DELETE", "/api/users/alice/server").expectStatus(204);
    }

    // ---- helpers ----

    /** Records every text the stage line shows, in order, for the test to read as {@code window.stages}. */
    private static void recordStages() {
        driver.executeScript("window.stages = []; const el = document.getElementById('spawn-stage');"
                + "new MutationObserver(() => { const t = el.textContent;"
                + "  if (t && window.stages[window.stages.length - 1] !== t) { window.stages.push(t); } })"
                + ".observe(el, {childList: true, characterData: true, subtree: true});");
    }

    private static void choose(String select, String value) {
        driver.findElement(By.cssSelector("#" + select + " option[value='" + value + "']")).click();
        assertThat(selected(select)).isEqualTo(value);
    }

    private static String selected(String select) {
        return driver.findElement(By.id(select)).getAttribute("value");
    }

    private static String label(String id) {
        return driver.findElement(By.cssSelector("label[for='" + id + "']")).getText();
    }

    private static WebElement shown(By by) {
        return driver.findElements(by).stream().filter(WebElement::isDisplayed).findFirst().orElse(null);
    }

    private void open(String path) {
        drainConsole();
        driver.get(hub.baseUrl() + path);
    }

    private static <T> T await(String what, Supplier<T> probe) {
        return await(what, WAIT, probe);
    }

    private static <T> T await(String what, Duration max, Supplier<T> probe) {
        return Chromium.await(what, max, probe,
                () -> "on " + driver.getCurrentUrl() + ":\n" + driver.findElement(By.tagName("main")).getText());
    }

    private void drainConsole() {
        Chromium.consoleProblems(driver, expectedConsole).forEach(m -> console.add(driver.getCurrentUrl() + ": " + m));
    }

    private static void screenshot(String name) throws Exception {
        Chromium.fullPageScreenshot(driver, screenshots.resolve(name + ".png"));
    }
}
