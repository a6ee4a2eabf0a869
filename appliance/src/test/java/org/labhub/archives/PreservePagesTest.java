package org.labhub.archives;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.labhub.spawner.Notebooks;
import org.labhub.testing.Chromium;
import org.labhub.testing.HubClient;
import org.labhub.testing.TestHub;
import org.labhub.runs.TestNotebooks;
import org.labhub.web.Json;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.chrome.ChromeDriver;
import tools.jackson.databind.JsonNode;

/**
 * Preserving from the browser, on a real hub with real Podman: "Preserve" in the file browser, the form, the page
 * that follows the run, and for a notebook that fails the failing cell and "Preserve anyway" (recorded as does not run).
 */
class PreservePagesTest {
    private static TestHub t;
    private static HubClient alice;
    private static HubClient bob;

    @BeforeAll
    static void start() throws Exception {
        t = TestHub.start();
        Notebooks.requireOnlyMinimal(t);
        alice = t.user("alice", "alice-password-1");
        bob = t.user("bob", "bob-password-12");
    }

    @AfterAll
    static void stop() throws Exception {
        t.close();
    }

    private static Map<String, String> form(String path, String title) {
        Map<String, String> f = new LinkedHashMap<>();
        f.put("path", path);
        f.put("title", title);
        f.put("description", "");
        f.put("authors", "Ada Lovelace\nCharles Babbage");
        f.put("license", "CC-BY-4.0");
        f.put("keywords", "sums, pages");
        f.put("environment", "minimal");
        f.put("profile", "");
        return f;
    }

    /** Follows a task page (it refreshes itself) until it sends the browser on, or shows a failure; the last answer. */
    private static HubClient.Res follow(String taskUrl) throws Exception {
        HubClient.Res[] last = new HubClient.Res[1];
        Notebooks.await("the preservation at " + taskUrl, Duration.ofMinutes(4), () -> {
            last[0] = alice.get(taskUrl);
            return last[0].status() == 303 || last[0].body().contains("Not preserved");
        });
        return last[0];
    }

    @Test
    void aNotebookPreservedFromTheFormLandsOnItsArchiveAndAFailingOneOnlyWithDoesNotRun() throws Exception {
        TestNotebooks.write(t.dataRoot().resolve("homes/alice/study/sum.ipynb"), TestNotebooks.notebook(false, "print(sum([1, 2, 39]))"));
        TestNotebooks.write(t.dataRoot().resolve("homes/alice/broken.ipynb"),
                TestNotebooks.notebook(false, "x = 1", "undefined_name + 1", "print('after')"));

        // the file browser offers it for her own notebooks and folders, and the form comes prefilled
        String files = alice.get("/files/alice/").body();
        assertThat(files).contains("href=\"/archives/new?path=study\"").contains("href=\"/archives/new?path=broken.ipynb\"");
        String page = alice.get("/archives/new?path=broken.ipynb").body();
        assertThat(page).contains("value=\"broken.ipynb\"").contains("value=\"broken\"").contains("name=\"include_image\" checked");

        // bad input: the form again, with what to fix, nothing started
        HubClient.Res noTitle = alice.form("/archives/new", form("study", ""));
        assertThat(noTitle.status()).isEqualTo(400);
        assertThat(noTitle.body()).contains("Title: give the archive a title").contains("value=\"study\"");
        HubClient.Res missing = alice.form("/archives/new", form("nowhere", "Nowhere"));
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.body()).contains("there is no nowhere in your files");

        // a folder, by reference (the box unticked): the task page, then the archive
        HubClient.Res started = alice.form("/archives/new", form("study", "Sums"));
        assertThat(started.status()).isEqualTo(303);
        String task = started.location();
        assertThat(task).matches(".*/archives/tasks/[0-9a-f]{16}");
        assertThat(bob.get(task).status()).isEqualTo(404);
        HubClient.Res done = follow(task);
        assertThat(done.status()).as(done.body()).isEqualTo(303);
        assertThat(done.location()).matches(".*/archives/[a-z2-7]{26}");
        String landing = alice.get(done.location()).body();
        assertThat(landing).contains("Sums").contains("Ada Lovelace").contains("Preserved: the archive is written and checked.");
        String id = done.location().substring(done.location().lastIndexOf('/') + 1);
        JsonNode archive = Json.MAPPER.readTree(alice.api("GET", "/api/archives/" + id).expectStatus(200).body());
        assertThat(archive.path("by_reference").asBoolean()).isTrue();
        assertThat(archive.path("does_not_run").asBoolean()).isFalse();

        // a notebook that fails: the cell is named, and the only way on is an explicit "does not run"
        HubClient.Res failing = alice.form("/archives/new", form("broken.ipynb", "Broken"));
        HubClient.Res failed = follow(failing.location());
        assertThat(failed.status()).isEqualTo(200);
        assertThat(failed.body()).contains("cell 2 raised").contains("NameError").contains("Preserve anyway, marked");
        Map<String, String> anyway = form("broken.ipynb", "Broken");
        anyway.put("does_not_run", "on");
        HubClient.Res kept = follow(alice.form("/archives/new", anyway).location());
        assertThat(kept.status()).as(kept.body()).isEqualTo(303);
        String brokenId = kept.location().substring(kept.location().lastIndexOf('/') + 1);
        assertThat(Json.MAPPER.readTree(alice.api("GET", "/api/archives/" + brokenId).body()).path("does_not_run").asBoolean()).isTrue();
        assertThat(alice.get(kept.location()).body()).contains("Preserved although it does not run clean");
    }

    @Test
    void inTheBrowserTheFormIsReachedFromTheFileBrowserAndFilledByKeyboard() throws Exception {
        TestNotebooks.write(t.dataRoot().resolve("homes/alice/walk.ipynb"), TestNotebooks.notebook(false, "print(6 * 7)"));
        Path shots = Chromium.screenshots();
        try (Chromium browser = Chromium.start()) {
            ChromeDriver d = browser.driver();
            d.get(t.baseUrl() + "/login");
            d.findElement(By.id("username")).sendKeys("alice");
            d.findElement(By.id("password")).sendKeys("alice-password-1", Keys.ENTER);
            Chromium.await("the dashboard", Chromium.WAIT, () -> d.getTitle().startsWith("Dashboard") ? true : null, d::getCurrentUrl);
            d.get(t.baseUrl() + "/files/alice/");
            d.findElement(By.cssSelector("a[aria-label='Preserve: walk.ipynb']")).click();
            Chromium.await("the preserve form", Chromium.WAIT, () -> d.getCurrentUrl().contains("/archives/new") ? true : null, d::getCurrentUrl);
            // the title has the focus (the path came with the link): type it and press Enter
            assertThat(d.switchTo().activeElement().getAttribute("id")).isEqualTo("preserve-title");
            Chromium.fullPageScreenshot(d, shots.resolve("archive-new.png"));
            d.switchTo().activeElement().sendKeys(Keys.END, " by keyboard");
            d.findElement(By.id("include-image-help")); // the choice is explained next to it
            d.findElement(By.name("include_image")).click(); // by reference: the image export takes minutes here
            d.findElement(By.id("preserve-title")).sendKeys(Keys.ENTER);
            Chromium.await("the task page", Chromium.WAIT, () -> d.getCurrentUrl().contains("/archives/tasks/") ? true : null, d::getCurrentUrl);
            Chromium.fullPageScreenshot(d, shots.resolve("archive-task.png"));
            Chromium.await("the archive's page", Duration.ofMinutes(4),
                    () -> d.getCurrentUrl().matches(".*/archives/[a-z2-7]{26}$") ? true : null, d::getCurrentUrl);
            assertThat(d.findElement(By.tagName("h1")).getText()).isEqualTo("walk by keyboard");
        }
    }
}
