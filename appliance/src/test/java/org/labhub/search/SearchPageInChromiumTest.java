package org.labhub.search;

import static org.assertj.core.api.Assertions.assertThat;

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
 * The search page in headless Chromium: alice types in the top bar's box with the keyboard only, gets results with marked
 * snippets (a notebook's {@code <script>} shown as text, never run), narrows by a facet, and sees the empty state and a
 * malformed-query message. Screenshots go to appliance/target/screenshots/search-*.png.
 */
class SearchPageInChromiumTest {
    static TestHub hub;
    static Chromium browser;
    static ChromeDriver driver;
    static Path screenshots;

    @BeforeAll
    static void start() throws Exception {
        hub = TestHub.start(Map.of());
        HubClient admin = hub.admin();
        admin.api("POST", "/api/users/alice", "{\"password\":\"alice-password-1\"}").expectStatus(201);
        HubClient alice = hub.client().withToken(admin.api("POST", "/api/users/alice/tokens", "{\"scopes\":[\"files\"]}")
                .expectStatus(201).json("token"));
        SearchPermissionsTest.write(hub, alice, "alice", "soil/moisture.ipynb", SearchQueriesTest.notebook("Soil moisture at the north site",
                "python", "import pandas as pd\nmoisture = pd.read_csv('moisture.csv')\nprint('<script>alert(1)</script>', moisture.mean())"));
        SearchPermissionsTest.write(hub, alice, "alice", "soil/growth.ipynb", SearchQueriesTest.notebook("Growth against soil moisture",
                "R", "model <- lm(growth ~ moisture, data = plots)\nsummary(model)"));
        SearchPermissionsTest.write(hub, alice, "alice", "notes/field-trip.md", "# Field trip\n\nThe moisture probes at the north site need new batteries.");
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

    private static <T> T await(String what, java.util.function.Supplier<T> probe) {
        return Chromium.await(what, Chromium.WAIT, probe, () -> driver.getCurrentUrl() + "\n" + driver.findElement(By.tagName("body")).getText());
    }

    @Test
    void aliceSearchesFromTheTopBarNarrowsByAFacetAndSeesEmptyAndErrorStates() throws Exception {
        driver.get(hub.baseUrl() + "/login");
        new Actions(driver).sendKeys("alice", Keys.TAB, "alice-password-1", Keys.ENTER).perform();
        await("the dashboard", () -> driver.getTitle().startsWith("Dashboard") ? true : null);

        driver.findElement(By.id("nav-q")).sendKeys("moisture", Keys.ENTER);
        await("results", () -> driver.getCurrentUrl().contains("/search?q=moisture") ? true : null);
        assertThat(driver.findElement(By.id("results-h")).getText()).isEqualTo("3 results");
        List<WebElement> marks = driver.findElements(By.cssSelector(".snippet mark"));
        assertThat(marks).isNotEmpty();
        assertThat(marks.get(0).getText()).isEqualToIgnoringCase("moisture");
        assertThat(driver.findElement(By.tagName("body")).getText()).contains("<script>alert(1)</script>");
        assertThat(driver.findElements(By.cssSelector(".snippet script"))).isEmpty();
        assertThat(driver.findElements(By.linkText("Open in my server"))).hasSize(2);
        Chromium.fullPageScreenshot(driver, screenshots.resolve("search-results.png"));

        driver.findElement(By.partialLinkText("r (1)")).click();
        await("the language filter", () -> driver.getCurrentUrl().contains("lang=r") ? true : null);
        assertThat(driver.findElement(By.id("results-h")).getText()).isEqualTo("1 result");
        assertThat(driver.findElement(By.cssSelector(".hit h3")).getText()).isEqualTo("Growth against soil moisture");
        driver.findElement(By.cssSelector(".hit h3 a")).click();
        await("the notebook preview", () -> driver.getCurrentUrl().endsWith("/files/alice/soil/growth.ipynb") ? true : null);

        driver.get(hub.baseUrl() + "/search");
        assertThat(driver.findElement(By.id("search-start")).getText()).contains("What are you looking for?");
        Chromium.fullPageScreenshot(driver, screenshots.resolve("search-start.png"));
        driver.findElement(By.id("search-q")).sendKeys("platypus", Keys.ENTER);
        await("the empty state", () -> driver.findElements(By.id("search-empty")).isEmpty() ? null : true);
        Chromium.fullPageScreenshot(driver, screenshots.resolve("search-empty.png"));
        driver.findElement(By.id("search-q")).clear();
        driver.findElement(By.id("search-q")).sendKeys("\"unterminated", Keys.ENTER);
        WebElement error = await("the error", () -> driver.findElements(By.id("search-error")).isEmpty() ? null : driver.findElement(By.id("search-error")));
        assertThat(error.getText()).contains("closing quote");
        Chromium.fullPageScreenshot(driver, screenshots.resolve("search-error.png"));
        assertThat(Chromium.consoleProblems(driver, List.of("400 (Bad Request)"))).isEmpty();
    }
}
