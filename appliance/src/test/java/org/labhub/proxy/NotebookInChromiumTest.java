package org.labhub.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.logging.Level;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.labhub.spawner.Notebooks;
import org.labhub.spawner.Server;
import org.labhub.spawner.ServerKey;
import org.labhub.testing.Chromium;
import org.labhub.testing.TestHub;
import org.labhub.web.Json;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import tools.jackson.databind.JsonNode;

/**
 * The whole way a user works, in headless Chromium against a real hub and real Podman: log in, start a server from
 * the dashboard, open it through the proxy, write and run a cell in a new classic notebook, save it into her home,
 * stop the server, and be sent back to the dashboard when she opens it again. This is the one test that drives the
 * notebook's own pages (its scripts, XHRs and kernel WebSocket) through the proxy, as a browser does.
 */
class NotebookInChromiumTest {
    /** A server start and a kernel start on a loaded two-core machine. */
    private static final Duration SLOW = Duration.ofSeconds(90);
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String PASSWORD = "alice-password-1";

    private static TestHub t;
    private static Chromium browser;
    private static ChromeDriver driver;
    private static Path screenshots;
    private static final List<String> console = new ArrayList<>();

    @BeforeAll
    static void startHubAndBrowser() throws Exception {
        t = TestHub.start(Map.of("spawner.max_named_servers", "0"));
        Notebooks.requireOnlyMinimal(t);
        t.admin().api("POST", "/api/users/alice", "{\"password\":\"" + PASSWORD + "\"}").expectStatus(201);
        screenshots = Chromium.screenshots();
        browser = Chromium.start();
        driver = browser.driver();
    }

    @AfterAll
    static void stopBrowserAndHub() throws Exception {
        try {
            if (browser != null) {
                drainConsole();
                Files.write(screenshots.resolve("notebook-console.txt"), console);
                browser.close();
            }
        } finally {
            if (t != null) {
                t.close();
            }
        }
    }

    @Test
    void aUserRunsACellInANewNotebookItIsSavedInHerHomeAndAfterStoppingSheIsSentToTheDashboard() throws Exception {
        logIn();
        startServerFromTheDashboardAndOpenIt();
        String tree = driver.getWindowHandle();
        String path = newNotebookFromTheTreePage();
        runACell();
        saveAndFindOnDisk(path);
        drainConsole();
        driver.close(); // the notebook's window; its kernel goes with the server
        driver.switchTo().window(tree);
        stopFromTheDashboardAndGetSentBackThere();
        drainConsole();
        assertThat(console).as("browser console errors (all windows)").filteredOn(e -> e.contains(" SEVERE "))
                // Notebook 6 always asks for ipywidgets' extension, which the minimal image does not have: its own 404.
                .allMatch(e -> e.contains("/user/alice/nbextensions/widgets/notebook/js/extension.js"));
    }

    private void logIn() {
        open("/login");
        driver.findElement(By.id("username")).sendKeys("alice");
        driver.findElement(By.id("password")).sendKeys(PASSWORD, Keys.ENTER);
        await("the dashboard", WAIT, () -> "Dashboard · labhub".equals(driver.getTitle()) ? true : null);
    }

    /** Steps 2 and 3: Start on the dashboard, the progress bar to the ready link, and the link to the tree page. */
    private void startServerFromTheDashboardAndOpenIt() throws Exception {
        driver.findElement(By.cssSelector("#environment option[value='minimal']")).click();
        assertThat(driver.findElement(By.id("environment")).getAttribute("value")).isEqualTo("minimal");
        // Every value the page gives the bar, recorded: the bar is hidden again as soon as the server is ready.
        driver.executeScript("window.barValues = []; const bar = document.getElementById('spawn-bar');"
                + "const p = Object.getOwnPropertyDescriptor(HTMLProgressElement.prototype, 'value');"
                + "Object.defineProperty(bar, 'value', {get() { return p.get.call(this); },"
                + "  set(v) { window.barValues.push(Number(v)); p.set.call(this, v); }});");
        driver.findElement(By.cssSelector("#start-form button[type=submit]")).click();
        await("the progress bar or the ready link", WAIT, () -> shown(By.id("spawn-bar")) != null || shown(By.id("spawn-open")) != null ? true : null);
        if (shown(By.id("spawn-bar")) != null) {
            screenshot("notebook-1-dashboard-starting");
        }
        WebElement open = await("the Open link", SLOW, () -> shown(By.id("spawn-open")));
        List<?> values = (List<?>) driver.executeScript("return window.barValues;");
        console.add("progress bar values: " + values);
        // From 0, never backwards; it ends at 100 when the stream brings the ready stage, but the API's own answer
        // ("ready", when the server starts within 10 s) may bring the link first, and the link is what counts.
        assertThat(values).as("the progress bar's values").first().isEqualTo(0L);
        assertThat(values.stream().map(v -> ((Number) v).doubleValue()).toList()).as("the progress bar's values").isSorted();
        assertThat(open.getText()).isEqualTo("Open your server");
        assertThat(open.getAttribute("href")).isEqualTo(t.baseUrl() + "/user/alice/");
        assertThat(Notebooks.server(t.hub(), "alice", "").state()).isEqualTo(Server.State.RUNNING);
        screenshot("notebook-2-dashboard-ready");

        open.click();
        await("the notebook's tree page", SLOW, () -> driver.getCurrentUrl().startsWith(t.baseUrl() + "/user/alice/tree") ? true : null);
        await("the file list", SLOW, () -> shown(By.id("new-dropdown-button")));
        await("the file list to load", SLOW, () -> shown(By.cssSelector("#notebook_list .list_item, #notebook_list #notebook_list_info")));
        screenshot("notebook-3-tree");
    }

    /** Step 4: New → Python 3 opens the new notebook in a new window; returns its path in the home. */
    private String newNotebookFromTheTreePage() throws Exception {
        Set<String> before = driver.getWindowHandles();
        driver.findElement(By.id("new-dropdown-button")).click();
        WebElement kernel = await("the Python 3 entry", WAIT, () -> shown(By.cssSelector("#kernel-python3 a")));
        kernel.click();
        String window = await("the notebook's window", WAIT, () -> driver.getWindowHandles().stream()
                .filter(h -> !before.contains(h)).findFirst().orElse(null));
        drainConsole();
        driver.switchTo().window(window);
        String prefix = t.baseUrl() + "/user/alice/notebooks/";
        await("the new notebook", SLOW, () -> driver.getCurrentUrl().startsWith(prefix) ? true : null);
        String path = URLDecoder.decode(driver.getCurrentUrl().substring(prefix.length()).replaceFirst("[?#].*", ""), StandardCharsets.UTF_8);
        assertThat(path).endsWith(".ipynb");
        await("the kernel to be ready", SLOW, () -> shown(By.cssSelector("#kernel_indicator_icon.kernel_idle_icon")));
        await("the kernel's channels", SLOW, () -> Boolean.TRUE.equals(driver.executeScript(
                "return !!(window.Jupyter && Jupyter.notebook && Jupyter.notebook.kernel && Jupyter.notebook.kernel.is_connected());"))
                ? true : null);
        return path;
    }

    /** Step 5: type into the first cell, Shift+Enter, and the output 2 under it. */
    private void runACell() throws Exception {
        WebElement editor = driver.findElement(By.cssSelector(".cell.code_cell .CodeMirror"));
        editor.click();
        // Classic notebook closes brackets as one types; typing the closing one steps over it, so the text is as typed.
        new Actions(driver).sendKeys("print(1+1)").perform();
        assertThat(driver.executeScript("return Jupyter.notebook.get_cell(0).get_text();")).isEqualTo("print(1+1)");
        new Actions(driver).keyDown(Keys.SHIFT).sendKeys(Keys.ENTER).keyUp(Keys.SHIFT).perform();
        WebElement output = await("the cell's output", SLOW, () -> shown(By.cssSelector(".cell.code_cell .output_subarea pre")));
        assertThat(output.getText()).isEqualTo("2");
        await("the execution count", WAIT, () -> "In [1]:".equals(driver.findElement(By.cssSelector(".cell.code_cell .input_prompt")).getText()) ? true : null);
        await("the kernel to be idle again", WAIT, () -> shown(By.cssSelector("#kernel_indicator_icon.kernel_idle_icon")));
        screenshot("notebook-4-output");
    }

    /** Step 6: Ctrl+S, then the file in alice's home holds the cell and its output. */
    private void saveAndFindOnDisk(String path) throws Exception {
        new Actions(driver).keyDown(Keys.CONTROL).sendKeys("s").keyUp(Keys.CONTROL).perform();
        Path file = t.dataRoot().resolve("homes/alice").resolve(path);
        JsonNode saved = await("the saved notebook in alice's home", WAIT, () -> savedWithOutput(file));
        JsonNode cell = saved.path("cells").path(0);
        assertThat(cell.path("cell_type").asString()).isEqualTo("code");
        assertThat(text(cell.path("source"))).isEqualTo("print(1+1)");
        JsonNode out = cell.path("outputs").path(0);
        assertThat(out.path("output_type").asString()).isEqualTo("stream");
        assertThat(out.path("name").asString()).isEqualTo("stdout");
        assertThat(text(out.path("text"))).isEqualTo("2\n");
        // Ctrl+S is "save and checkpoint": the checkpoint, which the notebook's autosave never writes, proves it was the key.
        Path checkpoint = file.resolveSibling(".ipynb_checkpoints").resolve(file.getFileName().toString().replaceFirst("\\.ipynb$", "-checkpoint.ipynb"));
        await("the checkpoint in alice's home", WAIT, () -> savedWithOutput(checkpoint));
        await("the page to say it is saved", WAIT, () -> Boolean.FALSE.equals(driver.executeScript("return Jupyter.notebook.dirty;")) ? true : null);
        await("the save widget to say so", WAIT, () -> "(autosaved)".equals(driver.findElement(By.cssSelector("#save_widget .autosave_status")).getText()) ? true : null);
        assertThat(driver.findElement(By.cssSelector("#save_widget .checkpoint_status")).getText()).startsWith("Last Checkpoint:");
        screenshot("notebook-5-saved");
    }

    /** Step 7: Stop on the dashboard; the server's address now leads a browser back to the dashboard. */
    private void stopFromTheDashboardAndGetSentBackThere() throws Exception {
        open("/");
        driver.findElement(By.xpath("//section[@id='servers']//button[normalize-space()='Stop']")).click();
        await("the stopped badge", SLOW, () -> shown(By.cssSelector("#servers .phase-stopped")));
        assertThat(t.hub().spawner().server(ServerKey.defaultOf("alice")).orElseThrow().state()).isEqualTo(Server.State.STOPPED);
        open("/user/alice/tree");
        await("the dashboard", WAIT, () -> "Dashboard · labhub".equals(driver.getTitle()) ? true : null);
        assertThat(driver.getCurrentUrl()).isEqualTo(t.baseUrl() + "/?next=%2Fuser%2Falice%2Ftree");
        screenshot("notebook-6-stopped-back-on-the-dashboard");
    }

    // ---- helpers ----

    /** The notebook on disk once it holds an output; null before (not saved yet, or half written). */
    private static JsonNode savedWithOutput(Path file) {
        try {
            if (!Files.isRegularFile(file)) {
                return null;
            }
            JsonNode nb = Json.MAPPER.readTree(Files.readString(file));
            return nb.path("cells").path(0).path("outputs").size() > 0 ? nb : null;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** A notebook's multi-line string: a string or a list of lines. */
    private static String text(JsonNode node) {
        if (node.isArray()) {
            StringBuilder b = new StringBuilder();
            node.forEach(n -> b.append(n.asString()));
            return b.toString();
        }
        return node.asString();
    }

    private static WebElement shown(By by) {
        return driver.findElements(by).stream().filter(WebElement::isDisplayed).findFirst().orElse(null);
    }

    private static void open(String path) {
        drainConsole();
        driver.get(t.baseUrl() + path);
    }

    private static <T> T await(String what, Duration max, Supplier<T> probe) {
        return Chromium.await(what, max, probe, () -> {
            drainConsole();
            return "on " + driver.getCurrentUrl() + ":\n" + driver.findElement(By.tagName("body")).getText()
                    + "\nconsole:\n" + String.join("\n", console);
        });
    }

    /** The browser's console so far, kept for the failure message and written next to the screenshots. */
    private static void drainConsole() {
        for (LogEntry e : driver.manage().logs().get(LogType.BROWSER)) {
            if (e.getLevel().intValue() >= Level.INFO.intValue()) {
                console.add("(while on " + driver.getCurrentUrl() + ") " + e.getLevel() + " " + e.getMessage());
            }
        }
    }

    /**
     * The whole page for the hub's pages; only the window for the notebook's, which scroll inside their own element
     * anyway, and whose editors (CodeMirror) measure themselves again when a capture resizes the page, half-drawn.
     */
    private static void screenshot(String name) throws Exception {
        if (driver.getCurrentUrl().startsWith(t.baseUrl() + "/user/")) {
            Files.write(screenshots.resolve(name + ".png"), driver.getScreenshotAs(OutputType.BYTES));
            return;
        }
        Chromium.fullPageScreenshot(driver, screenshots.resolve(name + ".png"));
    }
}
