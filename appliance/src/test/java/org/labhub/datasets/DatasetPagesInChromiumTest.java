package org.labhub.datasets;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
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
 * The datasets admin page and the dashboard's Datasets card in headless Chromium against a real hub: labelled
 * fields, registering with the keyboard alone, the readability warning with its command, the empty states, a clean
 * console. Screenshots land in {@code appliance/target/screenshots} (admin-datasets*.png, dashboard-datasets*.png).
 */
class DatasetPagesInChromiumTest {
    static TestHub hub;
    static Chromium browser;
    static ChromeDriver driver;
    static Path screenshots;
    static Path datasets;

    private final List<String> console = new ArrayList<>();

    @BeforeAll
    static void startHubAndBrowser() throws Exception {
        hub = TestHub.start();
        datasets = hub.dataRoot().toRealPath().resolve("datasets");
        HubClient admin = hub.admin();
        admin.api("POST", "/api/groups/physics", "{}").expectStatus(201);
        admin.api("POST", "/api/users/alice", "{\"password\":\"alice-password-1\"}").expectStatus(201);
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
    void freshBrowser() {
        driver.manage().deleteAllCookies();
        driver.executeCdpCommand("Emulation.clearDeviceMetricsOverride", Map.of());
        Chromium.consoleProblems(driver, List.of());
    }

    @AfterEach
    void noConsoleErrorsOrCspViolations() {
        console.addAll(Chromium.consoleProblems(driver, List.of()));
        assertThat(console).as("browser console (CSP violations, script errors, failed loads)").isEmpty();
    }

    @Test
    void anAdminRegistersDatasetsWithTheKeyboardAndUsersSeeThemOnTheirDashboard() throws Exception {
        login("alice", "alice-password-1");
        WebElement card = driver.findElement(By.id("datasets"));
        assertThat(card.getText()).contains("No datasets are open to you.");
        screenshot("dashboard-datasets-empty");

        driver.manage().deleteAllCookies();
        login("admin", hub.adminPassword());
        open("/admin/datasets");
        assertThat(driver.getTitle()).isEqualTo("Datasets · labhub");
        assertThat(driver.findElement(By.cssSelector(".subnav a[aria-current=page]")).getText()).isEqualTo("Datasets");
        assertThat(driver.findElement(By.cssSelector(".empty")).getText()).contains("No datasets yet.");
        assertLabelled();
        screenshot("admin-datasets-empty");

        Path climate = folder("climate", "rwxr-xr-x");
        driver.findElement(By.id("name")).click();
        keys("climate-2024", Keys.TAB);
        assertThat(focused().getAttribute("id")).isEqualTo("new-path");
        keys(climate.toString(), Keys.TAB);
        assertThat(focused().getAttribute("id")).isEqualTo("new-description");
        keys("Daily station data 1950-2024, CSV", Keys.ENTER);
        awaitStatus("Registered the dataset climate-2024");

        Path privateData = folder("private", "rwx------");
        driver.findElement(By.id("name")).sendKeys("physics-private");
        driver.findElement(By.id("new-path")).sendKeys(privateData.toString());
        driver.findElement(By.id("new-description")).sendKeys("Detector runs");
        WebElement physics = driver.findElement(By.cssSelector("form[action='/admin/datasets'] input[name=groups][value=physics]"));
        physics.sendKeys(Keys.SPACE);
        assertThat(physics.isSelected()).isTrue();
        screenshot("admin-datasets-form");
        driver.findElement(By.id("new-description")).sendKeys(Keys.ENTER);
        awaitStatus("Registered the dataset physics-private");

        WebElement row = driver.findElement(By.xpath("//tr[td/strong[text()='physics-private']]"));
        assertThat(row.getText()).contains("/data/physics-private").contains("physics");
        assertThat(driver.findElement(By.id("warn-physics-private")).getText()).startsWith("physics-private is not readable by notebooks:")
                .endsWith("Make it readable with chmod -R o+rX " + privateData);
        assertThat(driver.findElement(By.xpath("//tr[td/strong[text()='climate-2024']]")).getText())
                .contains("everyone");
        assertThat(driver.findElements(By.id("warn-climate-2024"))).isEmpty();
        assertLabelled();
        screenshot("admin-datasets");

        // A mistake keeps what was typed and says what is wrong, as an alert.
        driver.findElement(By.id("name")).sendKeys("typo");
        driver.findElement(By.id("new-path")).sendKeys(datasets.resolve("nope").toString(), Keys.ENTER);
        WebElement alert = await(() -> driver.findElements(By.cssSelector("[role=alert]")).stream().findFirst().orElse(null));
        assertThat(alert.getText()).isEqualTo("host_path " + datasets.resolve("nope") + " does not exist on the hub's host");
        assertThat(driver.findElement(By.id("name")).getAttribute("value")).isEqualTo("typo");
        console.addAll(Chromium.consoleProblems(driver, List.of("status of 400")));
        screenshot("admin-datasets-error");

        // The edit form opens from the table's link, by keyboard.
        open("/admin/datasets");
        driver.findElement(By.cssSelector("a[aria-label='Change climate-2024']")).sendKeys(Keys.ENTER);
        WebElement details = driver.findElement(By.id("edit-climate-2024"));
        await(() -> details.getAttribute("open") != null ? details : null);
        assertLabelled();

        driver.manage().deleteAllCookies();
        login("alice", "alice-password-1");
        card = driver.findElement(By.id("datasets"));
        assertThat(card.getText()).contains("/data/climate-2024").contains("Daily station data").doesNotContain("physics-private")
                .doesNotContain(datasets.toString());
        screenshot("dashboard-datasets");

        driver.executeCdpCommand("Emulation.setDeviceMetricsOverride",
                Map.of("width", 390, "height", 844, "deviceScaleFactor", 1, "mobile", true));
        driver.navigate().refresh();
        Number width = (Number) driver.executeScript("return document.documentElement.scrollWidth");
        assertThat(width.intValue()).as("dashboard width on a phone").isLessThanOrEqualTo(390);
    }

    private static Path folder(String name, String mode) throws Exception {
        Path dir = Files.createDirectories(datasets.resolve(name));
        Files.writeString(dir.resolve("readme.txt"), "data\n");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString(mode));
        return dir;
    }

    private static void login(String user, String password) {
        open("/login");
        keys(user, Keys.TAB, password, Keys.ENTER);
        await(() -> "Dashboard · labhub".equals(driver.getTitle()) ? Boolean.TRUE : null);
    }

    private static void open(String path) {
        driver.get(hub.baseUrl() + path);
    }

    private static void keys(CharSequence... keys) {
        new Actions(driver).sendKeys(keys).perform();
    }

    private static WebElement focused() {
        return driver.switchTo().activeElement();
    }

    /** Waits for the page after a form to say so: until then the page before it, with its own status, may still show. */
    private static void awaitStatus(String startsWith) {
        WebElement status = await(() -> driver.findElements(By.cssSelector("[role=status]")).stream()
                .filter(e -> {
                    try {
                        return e.getText().startsWith(startsWith);
                    } catch (org.openqa.selenium.StaleElementReferenceException gone) {
                        return false; // the old page went away while we read it
                    }
                }).findFirst().orElse(null));
        assertThat(status.getText()).startsWith(startsWith);
    }

    private static <T> T await(java.util.function.Supplier<T> probe) {
        return Chromium.await("the page", Chromium.WAIT, probe, () -> "on " + driver.getCurrentUrl() + " titled \"" + driver.getTitle() + "\"");
    }

    /** Every visible form control has a label: a {@code label[for]}, a wrapping label, or an aria-label. */
    private static void assertLabelled() {
        for (WebElement c : driver.findElements(By.cssSelector("main input:not([type=hidden]), main select, main textarea"))) {
            if (!c.isDisplayed()) {
                continue;
            }
            String id = c.getAttribute("id");
            boolean labelled = (id != null && !id.isEmpty() && !driver.findElements(By.cssSelector("label[for='" + id + "']")).isEmpty())
                    || !c.findElements(By.xpath("ancestor::label")).isEmpty()
                    || c.getAttribute("aria-label") != null;
            assertThat(labelled).as("label of %s", id == null ? c.getAttribute("name") : id).isTrue();
        }
    }

    private static void screenshot(String name) throws Exception {
        Chromium.fullPageScreenshot(driver, screenshots.resolve(name + ".png"));
    }
}
