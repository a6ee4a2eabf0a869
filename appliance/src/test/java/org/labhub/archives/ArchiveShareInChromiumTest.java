package org.labhub.archives;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.labhub.testing.Chromium;
import org.labhub.testing.TestHub;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.interactions.Actions;

/**
 * The Share card with the keyboard only, in headless Chromium: alice tabs to the name field, types, presses Enter and
 * the grant appears; bob finds the archive under "Shared with me"; alice removes the grant, makes a link, whose
 * visitor sees the read-only page without the hub's navigation, and revokes it (the address then answers 404).
 */
class ArchiveShareInChromiumTest {
    static TestHub hub;
    static Chromium browser;
    static ChromeDriver driver;
    static Path screenshots;

    @BeforeAll
    static void start() throws Exception {
        hub = TestHub.start();
        hub.user("alice", "alice-password-1");
        hub.user("bob", "bob-password-1");
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

    @Test
    void aliceSharesWithBobByKeyboardThenRemovesItAndMakesAndRevokesALink() throws Exception {
        Archive a = ArchiveImportExportTest.archive(hub, "alice", "shared-in-chromium");
        login("alice");
        open("/archives");
        assertThat(await("the empty Shared with me", () -> shown(By.id("shared-empty"))).getText()).contains("Nothing is shared with you yet.");
        screenshot("archives-shared-empty");

        open("/archives/" + a.id());
        assertThat(driver.findElement(By.id("grants-empty")).getText()).isEqualTo("Not shared with anyone yet.");
        tabTo("the share kind", e -> "share-kind".equals(e.getAttribute("id")));
        keys(Keys.TAB);
        assertThat(focused().getAttribute("id")).isEqualTo("share-with");
        keys("nobody", Keys.ENTER);
        WebElement error = await("the error under the field", () -> shown(By.id("share-error")));
        assertThat(error.getText()).isEqualTo("No user named \"nobody\".");
        assertThat(driver.findElement(By.id("share-with")).getAttribute("aria-invalid")).isEqualTo("true");
        screenshot("archive-share-error");
        assertThat(focused().getAttribute("id")).as("the field to correct has the focus, the name kept").isEqualTo("share-with");
        assertThat(focused().getAttribute("value")).isEqualTo("nobody");
        keys(Keys.END, Keys.BACK_SPACE, Keys.BACK_SPACE, Keys.BACK_SPACE, Keys.BACK_SPACE, Keys.BACK_SPACE, Keys.BACK_SPACE, "bob", Keys.ENTER);
        await("bob's grant", () -> shown(By.cssSelector("li[data-grant='user:bob']")));
        assertThat(driver.findElement(By.cssSelector(".flash")).getText()).isEqualTo("Shared with user bob.");
        screenshot("archive-share-card");

        logout();
        login("bob");
        open("/archives");
        WebElement shared = await("the archive under Shared with me", () -> shown(By.cssSelector("section[aria-labelledby=shared-h] a")));
        assertThat(shared.getText()).isEqualTo("Test shared-in-chromium");
        assertThat(driver.findElements(By.id("shared-empty"))).isEmpty();
        screenshot("archives-shared-with-bob");
        shared.sendKeys(Keys.ENTER);
        await("the landing page", () -> shown(By.id("runs-h")));
        assertThat(driver.findElements(By.id("share-h"))).as("only the owner and admins get the Share card").isEmpty();

        logout();
        login("alice");
        open("/archives/" + a.id());
        tabTo("the Remove button", e -> "Remove user bob".equals(e.getAccessibleName()));
        keys(Keys.ENTER);
        await("no grants", () -> shown(By.id("grants-empty")));
        assertThat(driver.findElement(By.cssSelector(".flash")).getText()).isEqualTo("No longer shared with user bob.");

        tabTo("Create link", e -> "Create link".equals(e.getText()));
        keys(Keys.ENTER);
        String url = await("the new link", () -> shown(By.id("new-link-url"))).getText();
        assertThat(url).startsWith(hub.baseUrl() + "/a/");
        assertThat(driver.findElement(By.cssSelector("button[data-copy=new-link-url]")).getText()).isEqualTo("Copy link");
        screenshot("archive-link-created");

        logout();
        driver.get(url);
        await("the visitor's page", () -> shown(By.cssSelector("h1")));
        assertThat(driver.findElement(By.tagName("h1")).getText()).isEqualTo("Test shared-in-chromium");
        assertThat(driver.findElements(By.cssSelector("nav[aria-label=Main]"))).as("no navigation a visitor cannot use").isEmpty();
        assertThat(driver.findElements(By.id("share-h"))).isEmpty();
        assertThat(driver.findElements(By.cssSelector("form[data-rerun]"))).isEmpty();
        assertThat(driver.findElement(By.id("run-counts")).getText()).isEqualTo("Not re-run yet.");
        assertThat(driver.findElement(By.linkText("Download archive")).getAttribute("href")).isEqualTo(url + "/export");
        assertThat(driver.findElement(By.linkText("data/inputs/analysis.ipynb")).getAttribute("href"))
                .isEqualTo(url + "/files/data/inputs/analysis.ipynb");
        screenshot("archive-link-visitor");

        login("alice");
        open("/archives/" + a.id());
        tabTo("the Revoke button", e -> e.getAccessibleName().startsWith("Revoke link"));
        keys(Keys.ENTER);
        await("no links", () -> shown(By.id("links-empty")));
        logout();
        driver.get(url);
        await("the link gone", () -> driver.findElement(By.tagName("main")).getText().contains("there is no such link") ? true : null);
        // The refused name and the revoked link answer 404 on purpose; nothing else may complain.
        assertThat(Chromium.consoleProblems(driver, List.of("404"))).as("browser console").isEmpty();
    }

    /** Presses Tab until the focused element is the one wanted (at most 80 times). */
    private static void tabTo(String what, Predicate<WebElement> wanted) {
        for (int i = 0; i < 80; i++) {
            keys(Keys.TAB);
            if (wanted.test(focused())) {
                return;
            }
        }
        throw new AssertionError("Tab never reached " + what + " on " + driver.getCurrentUrl());
    }

    private static void login(String user) {
        open("/login");
        keys(user, Keys.TAB, user + "-password-1", Keys.ENTER);
        await("the dashboard", () -> driver.getTitle().startsWith("Dashboard") ? true : null);
    }

    private static void logout() {
        open("/login");
        driver.manage().deleteAllCookies();
    }

    private static WebElement focused() {
        return driver.switchTo().activeElement();
    }

    private static void keys(CharSequence... keys) {
        new Actions(driver).sendKeys(keys).perform();
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
