package org.labhub.quotas;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
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
import org.openqa.selenium.interactions.Actions;

/**
 * The admin's storage page in a real browser: usage in text beside each bar, the user over quota named in words, and
 * a quota changed through the row's form. The screenshot lands in {@code appliance/target/screenshots/admin-storage.png}.
 */
class AdminStorageInChromiumTest {
    private static TestHub hub;
    private static Chromium browser;
    private static ChromeDriver driver;

    @BeforeAll
    static void start() throws Exception {
        hub = TestHub.start(Map.of("storage.default_quota", "10m"));
        HubClient admin = hub.admin();
        for (String u : List.of("alice", "bob", "carol", "dave")) {
            admin.api("POST", "/api/users/" + u, "{\"password\":\"" + u + "-password-1\"}").expectStatus(201);
        }
        Files.write(hub.dataRoot().resolve("homes/alice/results.bin"), new byte[7 << 20]);
        Files.write(hub.dataRoot().resolve("homes/bob/thesis.pdf"), new byte[3 << 20]);
        Files.write(hub.dataRoot().resolve("homes/carol/notes.txt"), new byte[40_000]);
        admin.api("PUT", "/api/users/bob/quota", "{\"quota\":\"2m\"}").expectStatus(200);
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
            hub.close();
        }
    }

    @Test
    void theAdminSeesUsageInWordsAndChangesAQuotaFromTheRow() throws Exception {
        driver.get(hub.baseUrl() + "/login");
        new Actions(driver).sendKeys("admin", Keys.TAB, hub.adminPassword(), Keys.ENTER).perform();
        Chromium.await("logged in", Chromium.WAIT, () -> driver.getCurrentUrl().endsWith("/") ? true : null, () -> driver.getCurrentUrl());
        driver.get(hub.baseUrl() + "/admin/storage");
        WebElement bob = driver.findElement(By.id("user-bob"));
        assertThat(bob.getText()).contains("3.0 MB").contains("2.0 MB").contains("150 %").contains("over quota");
        assertThat(driver.findElement(By.id("user-alice")).getText()).contains("7.0 MB").contains("10 MB default").contains("70 %");
        List<WebElement> rows = driver.findElements(By.cssSelector("table.storage tbody tr"));
        assertThat(rows.get(0).getDomAttribute("id")).as("most used first").isEqualTo("user-alice");
        Chromium.fullPageScreenshot(driver, Chromium.screenshots().resolve("admin-storage.png"));

        WebElement amount = driver.findElement(By.id("amount-carol"));
        amount.clear();
        amount.sendKeys("1");
        driver.findElement(By.cssSelector("#unit-carol option[value=G]")).click();
        driver.findElement(By.cssSelector("#user-carol button[type=submit]")).click();
        WebElement carol = Chromium.await("carol's new quota", Chromium.WAIT,
                () -> driver.findElements(By.id("user-carol")).stream().filter(e -> e.getText().contains("1.0 GB")).findFirst().orElse(null),
                () -> driver.findElement(By.tagName("main")).getText());
        assertThat(carol.getText()).doesNotContain("default");
        assertThat(driver.findElement(By.tagName("main")).getText()).contains("Quota of carol set.");
        Chromium.fullPageScreenshot(driver, Chromium.screenshots().resolve("admin-storage-after-set.png"));
        assertThat(Chromium.consoleProblems(driver, List.of())).as("browser console").isEmpty();
    }
}
