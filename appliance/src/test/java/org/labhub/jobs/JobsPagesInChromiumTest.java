package org.labhub.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.labhub.runs.TestNotebooks;
import org.labhub.spawner.Notebooks;
import org.labhub.testing.Chromium;
import org.labhub.testing.TestHub;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.interactions.Actions;

/**
 * The jobs pages in headless Chromium against a real hub running notebooks in real Podman (the minimal image): the
 * empty list, a job submitted from the form with the keyboard, its log followed live to "succeeded" and its output
 * opened; a failing notebook's cell named on the job page; invalid parameters refused next to the field, as typed.
 */
class JobsPagesInChromiumTest {
    static TestHub hub;
    static Chromium browser;
    static ChromeDriver driver;
    static java.nio.file.Path screenshots;

    @BeforeAll
    static void start() throws Exception {
        // One run at a time, so that a second job waits in line behind a first.
        hub = TestHub.start(Map.of("runs.max_concurrent", "1"));
        Notebooks.requireOnlyMinimal(hub);
        for (String u : List.of("alice", "bob", "carol", "dave", "erin")) {
            hub.user(u, u + "-password-1");
        }
        screenshots = Chromium.screenshots();
        browser = Chromium.start();
        driver = browser.driver();
    }

    /** The sleeper job's page, if one was submitted: cancelled at the end should a test fail before cancelling it. */
    static String sleeperPage;

    @AfterAll
    static void stop() throws Exception {
        try {
            if (sleeperPage != null && hub != null) {
                org.labhub.testing.HubClient erin = hub.client();
                erin.login("erin", "erin-password-1");
                erin.api("POST", "/api/jobs/" + sleeperPage.replaceAll(".*/", "") + "/cancel", "{}"); // 409 once it ended
            }
        } finally {
            stopBrowserAndHub();
        }
    }

    private static void stopBrowserAndHub() throws Exception {
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
    void loggedOut() {
        open("/login");
        driver.manage().deleteAllCookies();
        Chromium.consoleProblems(driver, List.of()); // each test answers for its own console messages
    }

    @Test
    void aliceRunsANotebookWithAParameterFromTheFormAndFollowsItsLiveLogToItsOutput() throws Exception {
        java.nio.file.Files.createDirectories(hub.dataRoot().resolve("homes/alice/work"));
        java.nio.file.Files.writeString(hub.dataRoot().resolve("homes/alice/work/notes.txt"), "not a notebook\n");
        TestNotebooks.write(hub.dataRoot().resolve("homes/alice/work/params.ipynb"), TestNotebooks.notebook(true,
                "label = 'default'\nn = 1",
                "import time\nfor i in range(4):\n    print('step', i, flush=True)\n    time.sleep(1)",
                "print('label:', label)\nprint('twice:', n * 2)"));
        login("alice");
        open("/jobs");
        assertThat(driver.getTitle()).isEqualTo("Jobs · labhub");
        assertThat(driver.findElement(By.cssSelector("nav[aria-label=Main] a[aria-current=page]")).getText()).isEqualTo("Jobs");
        assertThat(driver.findElement(By.id("jobs-empty")).getText())
                .contains("No jobs yet — run a notebook as a job from here or from the file browser");
        screenshot("jobs-empty");

        // From the file browser: the notebook's "Run as job" opens the form with its path filled in.
        open("/files/alice/work/");
        WebElement run = await("the Run as job link", () -> shown(By.cssSelector("tr[data-name='params.ipynb'] a[data-action-link=run-job]")));
        assertThat(run.getAccessibleName()).isEqualTo("Run as job: params.ipynb");
        assertThat(driver.findElements(By.cssSelector("a[data-action-link=run-job]"))).as("only notebooks run as jobs").hasSize(1);
        run.sendKeys(Keys.ENTER);
        await("the jobs page", () -> driver.getCurrentUrl().endsWith("/jobs?notebook=work%2Fparams.ipynb") ? true : null);
        WebElement notebook = driver.findElement(By.id("job-notebook"));
        assertThat(notebook.getAttribute("value")).isEqualTo("work/params.ipynb");
        assertLabelled();

        // The rest with the keyboard only: Tab from field to field, the parameters typed, Enter on the button.
        notebook.click();
        keys(Keys.TAB);
        assertThat(focusedId()).isEqualTo("environment");
        assertThat(driver.executeScript("return arguments[0].selectedOptions[0].textContent", focused()))
                .isEqualTo(Notebooks.minimalDisplayName(hub));
        keys(Keys.TAB);
        assertThat(focusedId()).isEqualTo("profile");
        keys(Keys.TAB);
        assertThat(focusedId()).isEqualTo("job-parameters");
        keys("{\"n\": 21, \"label\": \"from the form\"}", Keys.TAB);
        assertThat(focusedId()).isEqualTo("job-output");
        keys(Keys.TAB, "5", Keys.TAB);
        assertThat(focusedId()).isEqualTo("job-stop");
        assertThat(focused().isSelected()).isTrue();
        keys(Keys.TAB);
        assertThat(focused().getText()).isEqualTo("Run job");
        screenshot("jobs-form");
        keys(Keys.ENTER);

        await("the job's page", () -> driver.getCurrentUrl().matches(".*/jobs/\\d+$") ? true : null);
        long id = Long.parseLong(driver.getCurrentUrl().replaceAll(".*/jobs/", ""));
        assertThat(driver.getTitle()).isEqualTo("Job " + id + " · labhub");
        assertThat(driver.findElement(By.cssSelector(".flash")).getText()).isEqualTo("Submitted job " + id + ": work/params.ipynb.");
        // Marks this document: if it is still there at the end, the log and the state came in live, not by reloads.
        driver.executeScript("window.__sameDocument = true;");

        // While it runs: the progress bar with the driver's "cell N of M", and the log growing line by line.
        WebElement progress = await("the job running with its progress", () -> shown(By.id("job-progress")));
        assertThat(progress.findElement(By.tagName("progress")).getDomAttribute("value")).as("indeterminate").isNull();
        await("the cell in the progress label", () -> driver.findElement(By.id("job-progress-label")).getText()
                .matches("Running: cell \\d of 4") ? true : null);
        await("the first step in the log", () -> logText().contains("step 0") ? true : null);
        int early = logText().length();
        assertThat(logText()).doesNotContain("twice: 42");
        screenshot("jobs-running");
        await("a later step in the log", () -> logText().contains("step 2") ? true : null);
        assertThat(logText().length()).isGreaterThan(early);

        await("the state succeeded", Duration.ofSeconds(120),
                () -> "succeeded".equals(stateText()) ? true : null);
        assertThat(logText()).contains("label: from the form").contains("twice: 42").contains("[labhub] finished: every cell ran");
        assertThat(driver.executeScript("return window.__sameDocument === true")).isEqualTo(true);
        assertThat(driver.findElement(By.id("job-announce")).getText()).isEqualTo("Job " + id + " succeeded.");
        assertThat(driver.findElement(By.id("job-progress")).isDisplayed()).isFalse();
        assertThat(driver.findElement(By.id("job-state")).getAttribute("class")).contains("job-succeeded");
        assertThat(driver.findElements(By.cssSelector(".job-actions button")).stream().map(WebElement::getText).toList())
                .containsExactly("Re-run", "Delete");
        screenshot("jobs-succeeded");

        // The output link opens the executed notebook's preview, with what the cells printed.
        WebElement output = driver.findElement(By.cssSelector("#job-output a"));
        assertThat(output.getText()).matches("work/params-\\d{8}-\\d{6}\\.ipynb");
        output.sendKeys(Keys.ENTER);
        await("the executed notebook's preview", () -> driver.getCurrentUrl().matches(".*/files/alice/work/params-.*\\.ipynb$") ? true : null);
        assertThat(driver.findElement(By.tagName("main")).getText()).contains("twice: 42").contains("label: from the form");

        // The list: the job with its state in words, its output, and the actions of a finished job.
        open("/jobs");
        WebElement row = driver.findElement(By.cssSelector("tr[data-job='" + id + "']"));
        assertThat(row.getText()).contains("work/params.ipynb").containsPattern("params-\\d{8}-\\d{6}\\.ipynb").contains(Notebooks.minimalDisplayName(hub)).contains("succeeded");
        assertThat(row.findElements(By.tagName("button")).stream().map(WebElement::getText).toList()).containsExactly("Re-run", "Delete");
        screenshot("jobs-list");
        assertThat(Chromium.consoleProblems(driver, List.of())).as("browser console").isEmpty();

        // Another user hears 404 for alice's job page and its actions; an admin may look (as in the API).
        org.labhub.testing.HubClient bob = hub.client();
        bob.login("bob", "bob-password-1").expectStatus(303);
        assertThat(bob.get("/jobs/" + id).status()).isEqualTo(404);
        assertThat(bob.form("/jobs/" + id + "/delete", Map.of()).status()).isEqualTo(404);
        assertThat(bob.get("/jobs").body()).contains("No jobs yet").doesNotContain("params.ipynb");
        assertThat(hub.admin().get("/jobs/" + id).body()).contains("work/params.ipynb").contains("<dt>Owner</dt><dd>alice</dd>");
    }

    @Test
    void aQueuedJobSaysHowManyRunsAreAheadAndStartsLiveWhenTheOneBeforeItIsCancelled() throws Exception {
        TestNotebooks.write(hub.dataRoot().resolve("homes/erin/sleeper.ipynb"), TestNotebooks.notebook(false,
                "import time\nprint('sleeping', flush=True)\ntime.sleep(300)"));
        TestNotebooks.write(hub.dataRoot().resolve("homes/erin/quick.ipynb"), TestNotebooks.notebook(false, "print('quick')"));
        login("erin");
        open("/jobs?notebook=sleeper.ipynb");
        driver.findElement(By.id("job-notebook")).sendKeys(Keys.ENTER);
        String sleeper = await("the sleeper's page", () -> driver.getCurrentUrl().matches(".*/jobs/\\d+$") ? driver.getCurrentUrl() : null);
        sleeperPage = sleeper;
        await("the sleeper printing", Duration.ofSeconds(90), () -> logText().contains("sleeping") ? true : null);
        String quick = submitFromForm("quick.ipynb", sleeper);
        assertThat(driver.findElement(By.id("job-state")).getText()).isEqualTo("queued");
        assertThat(driver.findElement(By.id("job-wait")).getText()).isEqualTo("Waiting for a free slot: this job is next in line.");
        String last = submitFromForm("quick.ipynb", quick);
        assertThat(driver.findElement(By.id("job-wait")).getText())
                .isEqualTo("Waiting for a free slot: 1 other run is queued ahead of it.");
        assertThat(driver.findElement(By.id("job-progress")).isDisplayed()).isFalse();
        screenshot("jobs-queued");
        open("/jobs");
        assertThat(driver.findElement(By.cssSelector("tr[data-job='" + last.replaceAll(".*/", "") + "']")).getText())
                .contains("queued").contains("1 ahead");
        assertThat(driver.findElement(By.cssSelector("tr[data-state=running]")).findElements(By.tagName("button"))
                .stream().map(WebElement::getText).toList()).containsExactly("Cancel", "Re-run");
        screenshot("jobs-list-busy");

        // The last job's page, left open: it goes to running and on to succeeded by itself once the sleeper is cancelled.
        driver.get(last);
        driver.executeScript("window.__sameDocument = true;");
        String page = driver.getWindowHandle();
        driver.switchTo().newWindow(org.openqa.selenium.WindowType.TAB);
        driver.get(sleeper);
        driver.findElement(By.cssSelector(".job-actions button")).sendKeys(Keys.ENTER); // Cancel
        await("the cancelled state", Duration.ofSeconds(60),
                () -> "cancelled".equals(stateText()) ? true : null);
        assertThat(driver.findElement(By.cssSelector(".flash")).getText()).isEqualTo("Job " + sleeper.replaceAll(".*/", "") + " is cancelled.");
        screenshot("jobs-cancelled");
        driver.close();
        driver.switchTo().window(page);
        await("the quick job succeeded", Duration.ofSeconds(120),
                () -> "succeeded".equals(stateText()) ? true : null);
        assertThat(logText()).contains("quick");
        assertThat(driver.executeScript("return window.__sameDocument === true")).isEqualTo(true);
        assertThat(driver.findElements(By.id("job-wait"))).isEmpty();

        // Delete the cancelled one from the list.
        open("/jobs");
        driver.findElement(By.cssSelector("tr[data-state=cancelled] button.danger")).click();
        driver.switchTo().alert().accept();
        await("the flash", () -> shown(By.cssSelector(".flash-success")));
        assertThat(driver.findElement(By.cssSelector(".flash-success")).getText()).endsWith("Its executed notebook stays in your files.");
        assertThat(driver.findElements(By.cssSelector("tr[data-state=cancelled]"))).isEmpty();
        assertThat(driver.findElements(By.cssSelector("tr[data-state=succeeded]"))).hasSize(2);
        assertThat(Chromium.consoleProblems(driver, List.of())).as("browser console").isEmpty();
    }

    @Test
    void aFailingNotebookShowsTheCellThatRaisedAndItsError() throws Exception {
        TestNotebooks.write(hub.dataRoot().resolve("homes/carol/fails.ipynb"), TestNotebooks.notebook(false,
                "x = {}", "x['missing']", "print('not reached')"));
        login("carol");
        open("/jobs?notebook=fails.ipynb");
        driver.findElement(By.id("job-notebook")).sendKeys(Keys.ENTER);
        await("the job's page", () -> driver.getCurrentUrl().matches(".*/jobs/\\d+$") ? true : null);
        await("the state failed", Duration.ofSeconds(120),
                () -> "failed".equals(stateText()) ? true : null);
        WebElement failure = await("the failing cell", () -> shown(By.id("job-failure")));
        assertThat(failure.getText()).contains("Failed at cell 2 (index 1):").contains("KeyError").contains("'missing'")
                .contains("The executed notebook shows the cell with its traceback");
        assertThat(driver.findElement(By.id("job-announce")).getText()).endsWith("ended: failed.");
        assertThat(logText()).contains("KeyError: 'missing'").doesNotContain("not reached");
        screenshot("jobs-failed");
        failure.findElement(By.tagName("a")).sendKeys(Keys.ENTER);
        await("the executed notebook", () -> driver.getCurrentUrl().matches(".*/files/carol/fails-.*\\.ipynb$") ? true : null);
        assertThat(driver.findElement(By.cssSelector(".nb-error")).getText()).contains("KeyError");
        assertThat(Chromium.consoleProblems(driver, List.of())).as("browser console").isEmpty();
    }

    @Test
    void invalidParametersAreNamedNextToTheFieldKeepingWhatWasTypedAndRefusalsAreShownInWords() throws Exception {
        TestNotebooks.write(hub.dataRoot().resolve("homes/dave/nb.ipynb"), TestNotebooks.notebook(true, "a = 1"));
        login("dave");
        open("/jobs?notebook=nb.ipynb");
        String typed = "{\"alpha\": 0.5,\n \"label\": ";
        driver.findElement(By.id("job-parameters")).sendKeys(typed);
        driver.findElement(By.cssSelector("#job-form button[type=submit]")).sendKeys(Keys.ENTER);
        WebElement error = await("the message next to the parameters", () -> shown(By.id("job-parameters-error")));
        assertThat(error.getText()).contains("This is not valid JSON").contains("{\"alpha\": 0.5, \"label\": \"run 1\"}");
        WebElement params = driver.findElement(By.id("job-parameters"));
        assertThat(params.getAttribute("value")).isEqualTo(typed);
        assertThat(params.getAttribute("aria-invalid")).isEqualTo("true");
        assertThat(params.getAttribute("aria-describedby")).contains("job-parameters-error");
        assertThat(focusedId()).as("the field to correct has the focus").isEqualTo("job-parameters");
        assertThat(driver.findElement(By.id("job-notebook")).getAttribute("value")).isEqualTo("nb.ipynb");
        assertThat(driver.findElements(By.id("jobs-empty"))).hasSize(1);
        screenshot("jobs-invalid-json");

        // An object with a name Python cannot take: also next to the field.
        params.clear();
        params.sendKeys("{\"class\": 1}");
        driver.findElement(By.cssSelector("#job-form button[type=submit]")).sendKeys(Keys.ENTER);
        await("the message about the name", () -> text(By.id("job-parameters-error"))
                .contains("Parameter \"class\" is not a Python variable name") ? true : null);

        // The hub's refusal of a notebook that is not there, in words above the form, the fields as typed.
        WebElement nb = driver.findElement(By.id("job-notebook"));
        nb.clear();
        nb.sendKeys("missing.ipynb");
        params = driver.findElement(By.id("job-parameters"));
        params.clear();
        params.sendKeys("{\"a\": 2}");
        nb.sendKeys(Keys.ENTER);
        WebElement refused = await("the refusal", () -> shown(By.id("job-form-error")));
        assertThat(refused.getText()).startsWith("The job was not submitted: ").contains("missing.ipynb");
        assertThat(refused.getAttribute("role")).isEqualTo("alert");
        assertThat(driver.findElement(By.id("job-parameters")).getAttribute("value")).isEqualTo("{\"a\": 2}");
        screenshot("jobs-refused");
        assertThat(Chromium.consoleProblems(driver, List.of("400 (Bad Request)"))).as("browser console").isEmpty();
    }

    /** Submits the form prefilled with {@code notebook} and returns the new job's page (not {@code previous}). */
    private static String submitFromForm(String notebook, String previous) {
        open("/jobs?notebook=" + notebook);
        driver.findElement(By.id("job-notebook")).sendKeys(Keys.ENTER);
        return await("the new job's page", () -> driver.getCurrentUrl().matches(".*/jobs/\\d+$")
                && !driver.getCurrentUrl().equals(previous) ? driver.getCurrentUrl() : null);
    }

    private static void login(String user) {
        open("/login");
        new Actions(driver).sendKeys(user, Keys.TAB, user + "-password-1", Keys.ENTER).perform();
        await("the dashboard", () -> driver.getTitle().startsWith("Dashboard") ? true : null);
    }

    /** Every visible form control has a label (its own, or aria-labelledby). */
    private static void assertLabelled() {
        for (WebElement c : driver.findElements(By.cssSelector("main input:not([type=hidden]), main select, main textarea"))) {
            String id = c.getAttribute("id");
            boolean labelled = c.getAttribute("aria-label") != null || c.getAttribute("aria-labelledby") != null
                    || !driver.findElements(By.cssSelector("label[for='" + id + "']")).isEmpty()
                    || !c.findElements(By.xpath("ancestor::label")).isEmpty();
            assertThat(labelled).as("label of %s#%s", c.getTagName(), id).isTrue();
        }
    }

    /** The job's state as the page shows it. */
    private static String stateText() {
        return text(By.id("job-state"));
    }

    /** An element's text, or "" while it is missing or being replaced (the pages swap parts in place). */
    private static String text(By by) {
        try {
            return driver.findElement(by).getText();
        } catch (org.openqa.selenium.StaleElementReferenceException | org.openqa.selenium.NoSuchElementException e) {
            return "";
        }
    }

    private static String logText() {
        return driver.findElement(By.id("job-log")).getText();
    }

    private static WebElement focused() {
        return driver.switchTo().activeElement();
    }

    private static String focusedId() {
        return focused().getAttribute("id");
    }

    private static void keys(CharSequence... keys) {
        new Actions(driver).sendKeys(keys).perform();
    }

    private static void open(String path) {
        driver.get(hub.baseUrl() + path);
    }

    /** The first visible match, or null; a page replaced while looking counts as not yet. */
    private static WebElement shown(By by) {
        try {
            return driver.findElements(by).stream().filter(WebElement::isDisplayed).findFirst().orElse(null);
        } catch (org.openqa.selenium.StaleElementReferenceException e) {
            return null;
        }
    }

    private static <T> T await(String what, Supplier<T> probe) {
        return await(what, Chromium.WAIT, probe);
    }

    private static <T> T await(String what, Duration max, Supplier<T> probe) {
        return Chromium.await(what, max, probe, () -> "page: " + driver.getCurrentUrl() + "\n"
                + driver.findElement(By.tagName("main")).getText() + "\nconsole: " + Chromium.consoleProblems(driver, List.of()));
    }

    private static void screenshot(String name) throws Exception {
        Chromium.fullPageScreenshot(driver, screenshots.resolve(name + ".png"));
    }
}
