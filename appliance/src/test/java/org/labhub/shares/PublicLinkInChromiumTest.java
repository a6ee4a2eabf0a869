package org.labhub.shares;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.labhub.testing.Chromium;
import org.labhub.testing.HubClient;
import org.labhub.testing.TestHub;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * An anonymous visitor in headless Chromium: opens a password-protected link, is refused a wrong password, gets in
 * with the right one and sees the listing; sees an empty shared folder say so; and drops two files (one twice) into
 * a drop box, each upload's progress bar reaching 100% without a file being overwritten.
 */
class PublicLinkInChromiumTest {
    static TestHub hub;
    static People people;
    static HubClient alice;
    static Path home;
    static Chromium browser;
    static ChromeDriver driver;
    static Path screenshots;

    @BeforeAll
    static void start() throws Exception {
        hub = TestHub.start(Map.of());
        people = new People(hub);
        alice = people.user("alice");
        home = hub.dataRoot().resolve("homes/alice");
        screenshots = Chromium.screenshots();
        browser = Chromium.start();
        driver = browser.driver();
    }

    @AfterAll
    static void stop() throws Exception {
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

    private static String link(String path, String permissions, String password) {
        return alice.api("POST", "/api/shares", "{\"path\":\"" + path + "\",\"kind\":\"link\",\"permissions\":\"" + permissions + "\""
                + (password == null ? "" : ",\"password\":\"" + password + "\"") + "}").expectStatus(201).json("url");
    }

    @Test
    void aVisitorUnlocksAPasswordLinkSeesTheListingAndDropsFilesIntoADropBox() throws Exception {
        Files.createDirectories(home.resolve("lecture/slides"));
        Files.writeString(home.resolve("lecture/notes.txt"), "Week 1: introduction");
        Files.write(home.resolve("lecture/plot.png"), java.util.Base64.getDecoder().decode(
                "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="));
        String locked = link("lecture", "read", "seminar-2026");

        open(locked);
        WebElement password = await("the password form", () -> shown(By.id("link-password")));
        assertThat(driver.switchTo().activeElement()).as("keyboard focus starts in the password field").isEqualTo(password);
        assertThat(driver.findElement(By.tagName("main")).getText()).doesNotContain("lecture", "notes.txt", "alice");
        screenshot("link-password");
        password.sendKeys("not the password", Keys.ENTER);
        WebElement error = await("the wrong-password message", () -> shown(By.id("link-error")));
        assertThat(error.getText()).isEqualTo("Wrong password. Try again.");
        assertThat(driver.switchTo().activeElement().getAttribute("id")).isEqualTo("link-password");
        screenshot("link-password-wrong");
        driver.findElement(By.id("link-password")).sendKeys("seminar-2026", Keys.ENTER);
        await("the listing", () -> shown(By.cssSelector("tr[data-name='notes.txt']")));
        assertThat(driver.findElement(By.tagName("h1")).getText()).isEqualTo("lecture");
        assertThat(driver.findElement(By.cssSelector(".link-head")).getText()).contains("Shared by alice");
        assertThat(driver.findElements(By.cssSelector("tr[data-name]")).stream().map(r -> r.getAttribute("data-name")).toList())
                .containsExactly("slides", "notes.txt", "plot.png");
        assertThat(driver.findElements(By.id("upload-input"))).as("a read-only link offers no upload").isEmpty();
        screenshot("link-listing");
        driver.findElement(By.linkText("notes.txt")).click();
        await("the text preview", () -> shown(By.cssSelector("pre.preview-text")));
        assertThat(driver.findElement(By.cssSelector("pre.preview-text")).getText()).isEqualTo("Week 1: introduction");
        assertThat(driver.findElements(By.cssSelector(".breadcrumbs li")).stream().map(WebElement::getText).toList())
                .containsExactly("lecture", "notes.txt");
        screenshot("link-file");

        String empty = link("lecture/slides", "read", null);
        open(empty);
        assertThat(await("the empty state", () -> shown(By.id("empty-folder"))).getText()).isEqualTo("This folder is empty");
        screenshot("link-empty");

        Files.createDirectories(home.resolve("inbox"));
        Files.writeString(home.resolve("inbox/essay.txt"), "someone else's essay");
        String drop = link("inbox", "upload", null);
        open(drop);
        await("the drop box", () -> shown(By.id("drop-zone")));
        assertThat(driver.findElement(By.tagName("main")).getText()).doesNotContain("someone else").doesNotContain("essay.txt");
        screenshot("link-dropbox");
        Path dir = Files.createTempDirectory("drop");
        Path essay = dir.resolve("essay.txt");
        Files.writeString(essay, "my essay");
        Path data = dir.resolve("data.bin");
        Files.write(data, new byte[3 * 1024 * 1024]);
        driver.findElement(By.id("upload-input")).sendKeys(essay + "\n" + data);
        await("both uploads done", () -> driver.findElements(By.cssSelector("#upload-list li.done")).size() == 2 ? true : null);
        assertThat(driver.findElement(By.id("upload-overall")).getAttribute("value")).isEqualTo("100");
        assertThat(driver.findElements(By.cssSelector("#upload-list progress")).stream().map(p -> p.getAttribute("value")).toList())
                .containsExactly("100", "100");
        assertThat(driver.findElement(By.cssSelector("#upload-list li")).getText()).contains("saved as essay (2).txt");
        assertThat(Files.readString(home.resolve("inbox/essay.txt"))).isEqualTo("someone else's essay");
        assertThat(Files.readString(home.resolve("inbox/essay (2).txt"))).isEqualTo("my essay");
        assertThat(Files.size(home.resolve("inbox/data.bin"))).isEqualTo(3 * 1024 * 1024);
        screenshot("link-dropbox-uploaded");
        assertThat(Chromium.consoleProblems(driver, List.of("401"))).as("browser console").isEmpty();
    }

    private static void open(String path) {
        driver.get(hub.baseUrl() + path);
    }

    private static WebElement shown(By by) {
        return driver.findElements(by).stream().filter(WebElement::isDisplayed).findFirst().orElse(null);
    }

    private static <T> T await(String what, Supplier<T> probe) {
        return Chromium.await(what, Duration.ofSeconds(15), probe, () -> "page: " + driver.getCurrentUrl() + "\n"
                + driver.findElement(By.tagName("main")).getText() + "\nconsole: " + Chromium.consoleProblems(driver, List.of()));
    }

    private static void screenshot(String name) throws Exception {
        Chromium.fullPageScreenshot(driver, screenshots.resolve(name + ".png"));
    }
}
