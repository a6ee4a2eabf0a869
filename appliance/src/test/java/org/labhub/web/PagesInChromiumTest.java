package org.labhub.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.labhub.testing.HubClient;
import org.labhub.testing.Chromium;
import org.labhub.testing.TestHub;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.Rectangle;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.interactions.Actions;
import tools.jackson.databind.JsonNode;

/**
 * The server-rendered pages in a real browser (the Debian Chromium, headless, driven through the Debian
 * chromedriver) against a real hub: what people see and type, the keyboard path through the pages, and a
 * console free of CSP violations and script errors. Screenshots land in {@code appliance/target/screenshots}
 * for a human to look at. No network beyond 127.0.0.1 and nothing downloaded: Selenium Manager never runs.
 */
class PagesInChromiumTest {
    private static final Duration WAIT = Chromium.WAIT;

    static TestHub hub;
    static Chromium browser;
    static ChromeDriver driver;
    static Path screenshots;

    /** Console entries of the current test, each with the page it was logged on. */
    private final List<String> console = new ArrayList<>();
    /** Console entries a test expects, e.g. the 401 of a refused login; matched by substring. */
    private final List<String> expectedConsole = new ArrayList<>();

    @BeforeAll
    static void startHubAndBrowser() throws Exception {
        hub = TestHub.start();
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
    void freshBrowserState() {
        driver.manage().deleteAllCookies();
        setViewport(1280, 900);
        emulateMedia("");
        drainConsole("(before the test)");
        console.clear();
    }

    @AfterEach
    void noConsoleErrorsOrCspViolations() {
        drainConsole(driver.getCurrentUrl());
        assertThat(console).as("browser console (CSP violations, script errors, failed loads)").isEmpty();
    }

    @Test
    void theConsoleCheckReallySeesACspViolation() {
        // Guards the guard: an inline style, as a careless template would add, must show up in the console log.
        open("/login");
        driver.executeScript("const s = document.createElement('style'); s.textContent = 'body { color: red }';"
                + "document.head.append(s);");
        await("the CSP report in the console", () -> {
            drainConsole(driver.getCurrentUrl());
            return console.isEmpty() ? null : console;
        });
        assertThat(console).anyMatch(m -> m.contains("Content Security Policy") && m.contains("style-src"));
        console.clear();
    }

    @Test
    void theLoginPageHasLabelledFieldsAndTheAdminLogsInWithTheKeyboardAlone() throws Exception {
        open("/login");
        assertThat(driver.getTitle()).isEqualTo("Log in · labhub");
        for (WebElement input : driver.findElements(By.cssSelector("form[action='/login'] input:not([type=hidden])"))) {
            String id = input.getAttribute("id");
            assertThat(id).as("id of input %s", input.getAttribute("name")).isNotBlank();
            assertThat(driver.findElements(By.cssSelector("label[for='" + id + "']"))).as("label for #%s", id).hasSize(1);
        }
        assertThat(driver.findElement(By.cssSelector("label[for=username]")).getText()).isEqualTo("User name");
        assertThat(driver.findElement(By.cssSelector("label[for=password]")).getText()).isEqualTo("Password");
        assertThat(driver.findElements(By.cssSelector("[role=alert]"))).isEmpty();
        screenshot("login");

        // The user name field has autofocus: type, Tab to the password, Enter submits. No clicks.
        assertThat(focused().getAttribute("id")).isEqualTo("username");
        keys("admin", Keys.TAB);
        assertThat(focused().getAttribute("id")).isEqualTo("password");
        keys(hub.adminPassword(), Keys.ENTER);
        awaitTitle("Dashboard · labhub");
        assertThat(path()).isEqualTo("/");
        assertThat(driver.findElement(By.tagName("h1")).getText()).isEqualTo("Welcome, admin");
        assertThat(driver.findElement(By.cssSelector("nav[aria-label=Main] a[aria-current=page]")).getText()).isEqualTo("Dashboard");
        screenshot("dashboard");
    }

    @Test
    void aWrongPasswordShowsTheErrorAsAnAlertAndKeepsTheUserName() throws Exception {
        expectedConsole.add("status of 401"); // Chrome reports the 401 answer of the refused login itself
        open("/login");
        awaitNameFieldFocused();
        keys("admin", Keys.TAB, "not-the-password", Keys.ENTER);
        WebElement alert = await("the login error", () -> driver.findElements(By.cssSelector("[role=alert]")).stream().findFirst().orElse(null));
        assertThat(alert.getText()).isEqualTo("Wrong user name or password.");
        assertThat(alert.isDisplayed()).isTrue();
        assertThat(driver.getTitle()).isEqualTo("Log in · labhub");
        WebElement name = driver.findElement(By.id("username"));
        assertThat(name.getAttribute("value")).isEqualTo("admin");
        assertThat(name.getAttribute("aria-describedby")).isEqualTo("login-error");
        assertThat(driver.findElement(By.id("password")).getAttribute("value")).isEmpty();
        assertThat(focused().getAttribute("id")).as("a retry starts in the password field").isEqualTo("password");
        screenshot("login-error");
    }

    @Test
    void theFirstTabFocusesAVisibleSkipLinkThatMovesFocusToTheContent() throws Exception {
        loginAsAdmin();
        open("/admin/users");
        WebElement skip = driver.findElement(By.cssSelector("a.skip"));
        assertThat(right(skip.getRect())).as("the skip link is off screen until focused").isLessThanOrEqualTo(0);

        keys(Keys.TAB);
        assertThat(focused()).isEqualTo(skip);
        assertThat(skip.getText()).isEqualTo("Skip to content");
        Rectangle r = skip.getRect();
        assertThat(r.getX()).isGreaterThanOrEqualTo(0);
        assertThat(r.getY()).isGreaterThanOrEqualTo(0);
        assertThat(r.getWidth()).isGreaterThan(40);
        assertThat(skip.getCssValue("outline-style")).isNotEqualTo("none");
        screenshot("skip-link");

        keys(Keys.ENTER);
        assertThat(focused().getAttribute("id")).isEqualTo("main");
        keys(Keys.TAB);
        assertThat(label(focused())).isEqualTo("input#username");
    }

    @Test
    void everyControlOnTheUsersPageIsReachableByTabInReadingOrderWithAVisibleFocus() throws Exception {
        loginAsAdmin();
        hub.user("tabby", "tabby-password-1");
        open("/admin/users");
        List<String> order = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            keys(Keys.TAB);
            WebElement f = focused();
            if (f.getTagName().equals("body")) {
                break;
            }
            String l = label(f);
            if (!order.isEmpty() && order.get(0).equals(l)) {
                break; // wrapped around
            }
            order.add(l);
            assertThat(f.getCssValue("outline-style")).as("focus outline of %s", l).isNotEqualTo("none");
            assertThat(f.getRect().getWidth()).as("width of focused %s", l).isGreaterThan(0);
        }
        List<String> expected = new ArrayList<>(List.of(
                "a:Skip to content", "a:labhub", "a:Dashboard", "a:Files", "a:Jobs", "a:Archives", "a:Search", "a:Account", "a:Admin", "input#nav-q", "button:Log out",
                "a:Users", "a:Storage", "a:Groups", "a:Servers", "a:Environments", "a:Profiles", "a:Datasets", "a:Workshop", "a:Audit log",
                "input#username", "input#password", "input[admin]", "button:Create"));
        driver.findElements(By.cssSelector("main table tbody a")).forEach(a -> expected.add("a:" + a.getText()));
        expected.add("a:API");
        assertThat(order).contains("a:tabby").containsExactlyElementsOf(expected);
        // Nothing visible and interactive was left out of the Tab order.
        long interactive = driver.findElements(By.cssSelector("a[href], button, input:not([type=hidden]), select, textarea"))
                .stream().filter(WebElement::isDisplayed).count();
        assertThat(order).hasSize((int) interactive + 1); // + the skip link, which is shown only while focused
    }

    @Test
    void anAdminCreatesAUserWithTheKeyboardAndSeesTheGeneratedPasswordOnce() throws Exception {
        loginAsAdmin();
        open("/admin/users");
        assertThat(driver.getTitle()).isEqualTo("Users · labhub");
        assertLabelled();
        WebElement name = driver.findElement(By.id("username"));
        name.sendKeys("grace", Keys.ENTER); // empty password: the hub generates one
        awaitTitle("grace · labhub"); // the POST answers the user's page itself: the password is never in a URL or redirect
        WebElement created = driver.findElement(By.cssSelector("section.notice"));
        assertThat(created.findElement(By.tagName("h2")).getText()).isEqualTo("Account created");
        String password = driver.findElement(By.id("gen-pw")).getText();
        assertThat(password).hasSizeGreaterThanOrEqualTo(12).doesNotContainAnyWhitespaces();
        screenshot("admin-user-created");

        open("/admin/users/grace");
        assertThat(driver.findElements(By.id("gen-pw"))).isEmpty();
        assertThat(driver.getPageSource()).doesNotContain(password);

        open("/admin/users");
        assertThat(driver.findElements(By.cssSelector("table a")).stream().map(WebElement::getText)).contains("admin", "grace");
        screenshot("admin-users");

        emulateMedia("", "dark");
        try {
            open("/admin/users");
            assertThat(driver.findElement(By.tagName("body")).getCssValue("background-color")).isEqualTo("rgba(20, 23, 27, 1)");
            screenshot("admin-users-dark");
        } finally {
            emulateMedia("", "light");
        }
    }

    @Test
    void theGroupsAndServersPagesShowTheirEmptyStatesAndTheAuditLogItsEvents() throws Exception {
        loginAsAdmin();
        open("/admin/groups");
        assertThat(driver.getTitle()).isEqualTo("Groups · labhub");
        assertLabelled();
        WebElement empty = driver.findElement(By.cssSelector(".empty"));
        assertThat(empty.isDisplayed()).isTrue();
        assertThat(empty.getText()).contains("No groups yet.");
        screenshot("admin-groups");

        open("/admin/servers");
        assertThat(driver.getTitle()).isEqualTo("Servers · labhub");
        assertThat(driver.findElement(By.cssSelector("main .empty")).getText()).contains("No notebook server exists yet.");
        screenshot("admin-servers-empty");

        open("/admin/audit");
        assertThat(driver.getTitle()).isEqualTo("Audit log · labhub");
        assertLabelled();
        assertThat(driver.findElements(By.cssSelector("table tbody tr"))).isNotEmpty();
        assertThat(driver.findElements(By.cssSelector("table code")).stream().map(WebElement::getText)).contains("login");
        screenshot("admin-audit");
    }

    @Test
    void theEnvironmentsPageSaysHowToGetKernelImagesAndAKeyboardRescanRegistersThem() throws Exception {
        HubClient admin = hub.admin();
        // The start-up scan registered the kernel images; forget them to see the page a fresh install shows.
        for (JsonNode e : Json.MAPPER.readTree(admin.api("GET", "/api/environments").expectStatus(200).body())) {
            admin.api("DELETE", "/api/environments/" + e.path("name").asString()).expectStatus(204);
        }
        loginAsAdmin();
        open("/admin/environments");
        assertThat(driver.getTitle()).isEqualTo("Environments · labhub");
        assertLabelled();
        WebElement empty = driver.findElement(By.cssSelector(".empty"));
        assertThat(empty.getText()).contains("No environments yet.").contains("./labhub kernels build");
        screenshot("admin-environments-empty");

        WebElement rescan = driver.findElement(By.xpath("//button[normalize-space()='Re-scan kernel images']"));
        rescan.sendKeys(Keys.ENTER);
        awaitTitle("Environments · labhub", () -> !driver.findElements(By.cssSelector("[role=status]")).isEmpty());
        assertThat(driver.findElement(By.cssSelector("[role=status]")).getText()).startsWith("Kernel images scanned: added ")
                .contains("minimal");
        List<String> names = driver.findElements(By.cssSelector("table.environments tbody tr")).stream()
                .map(tr -> tr.getAttribute("data-env")).toList();
        assertThat(names).contains("minimal", "python", "r", "octave");
        assertLabelled();

        // Open the package list of minimal with the keyboard: its summary is a Tab stop.
        WebElement packages = driver.findElement(By.xpath("//tr[@data-env='minimal']//details[@class='packages']/summary"));
        packages.sendKeys(Keys.ENTER);
        assertThat(driver.findElement(By.xpath("//tr[@data-env='minimal']//details[@class='packages']")).getAttribute("open"))
                .isNotNull();
        assertThat(driver.findElement(By.xpath("//tr[@data-env='minimal']//details[@class='packages']//ul")).getText())
                .contains("python3-notebook");
        screenshot("admin-environments");

        // Disable minimal with its own button; the page says so and shows it disabled.
        driver.findElement(By.cssSelector("button[aria-label='Disable minimal']")).sendKeys(Keys.ENTER);
        // The page before the post has a status line too: wait for what only the new page has.
        awaitTitle("Environments · labhub", () -> !driver.findElements(By.cssSelector("button[aria-label='Enable minimal']")).isEmpty());
        assertThat(driver.findElement(By.cssSelector("[role=status]")).getText()).startsWith("minimal is disabled");
        admin.api("PATCH", "/api/environments/minimal", "{\"enabled\":true}").expectStatus(200);
    }

    @Test
    void anAdminCreatesAProfileRestrictedToAGroupWithTheKeyboard() throws Exception {
        hub.admin().api("POST", "/api/groups/chemistry", "{}").expectStatus(201);
        loginAsAdmin();
        open("/admin/profiles");
        assertThat(driver.getTitle()).isEqualTo("Resource profiles · labhub");
        assertLabelled();
        assertThat(driver.findElements(By.cssSelector("table tbody tr"))).hasSizeGreaterThanOrEqualTo(2);

        driver.findElement(By.id("name")).sendKeys("chem-large");
        keys(Keys.TAB);
        assertThat(focused().getAttribute("id")).isEqualTo("new-display");
        keys("Chemistry: 4 CPUs, 16 GB", Keys.TAB);
        assertThat(focused().getAttribute("id")).isEqualTo("new-cpus");
        keys(Keys.BACK_SPACE, "4", Keys.TAB); // the field held "1"
        assertThat(focused().getAttribute("id")).isEqualTo("new-memory");
        keys(Keys.BACK_SPACE, Keys.BACK_SPACE, "16G"); // it held "2G"
        driver.findElement(By.cssSelector("form[action='/admin/profiles'] input[name=groups][value=chemistry]")).sendKeys(Keys.SPACE);
        screenshot("admin-profiles-form");
        driver.findElement(By.id("name")).sendKeys(Keys.ENTER);
        awaitTitle("Resource profiles · labhub", () -> !driver.findElements(By.cssSelector("[role=status]")).isEmpty());
        assertThat(driver.findElement(By.cssSelector("[role=status]")).getText()).isEqualTo("Created the profile chem-large.");
        WebElement row = driver.findElement(By.xpath("//tr[td/strong[text()='chem-large']]"));
        assertThat(row.getText()).contains("Chemistry: 4 CPUs, 16 GB").contains("16G").contains("chemistry");
        screenshot("admin-profiles");

        driver.findElement(By.id("name")).sendKeys("bad-memory");
        driver.findElement(By.id("new-memory")).clear();
        driver.findElement(By.id("new-memory")).sendKeys("2 gigs");
        driver.findElement(By.cssSelector("form[action='/admin/profiles'] button[type=submit]")).sendKeys(Keys.ENTER);
        // The browser's own check stops the form: the field is invalid, no request reaches the hub.
        assertThat(driver.executeScript("return document.getElementById('new-memory').matches(':invalid')")).isEqualTo(true);
        assertThat(driver.findElements(By.cssSelector(".form-error"))).isEmpty();
        assertThat(hub.admin().api("GET", "/api/profiles").body()).doesNotContain("bad-memory");
    }

    @Test
    void aUserCreatesAnApiTokenAndSeesItOnlyOnce() throws Exception {
        loginAsAdmin();
        open("/account");
        assertThat(driver.getTitle()).isEqualTo("Account · labhub");
        assertLabelled();
        assertThat(driver.findElement(By.cssSelector("section[aria-labelledby=tok-h] .empty")).getText()).contains("No tokens yet.");
        driver.findElement(By.id("note")).sendKeys("laptop sync", Keys.ENTER);
        awaitTitle("Account · labhub", () -> !driver.findElements(By.id("new-token")).isEmpty());
        String token = driver.findElement(By.id("new-token")).getText();
        assertThat(token).hasSizeGreaterThanOrEqualTo(20);
        assertThat(driver.findElements(By.cssSelector("section[aria-labelledby=tok-h] tbody tr"))).hasSize(1);
        assertThat(driver.findElement(By.cssSelector("section[aria-labelledby=tok-h] tbody")).getText()).contains("laptop sync");
        screenshot("account-token");
        WebElement copy = driver.findElement(By.cssSelector("button[data-copy=new-token]"));
        copy.sendKeys(Keys.ENTER);
        // "Copied" where the clipboard API is allowed, else the token is selected for Ctrl+C; never a script error.
        assertThat(await("the copy button to answer", () -> copy.getText().equals("Copy") ? null : copy.getText()))
                .isIn("Copied", "Selected: press Ctrl+C");

        open("/account");
        assertThat(driver.findElements(By.id("new-token"))).isEmpty();
        assertThat(driver.getPageSource()).doesNotContain(token);
    }

    @Test
    void theWorkshopFormMakesSixAccountsAndAPrintableSheetOfSixSlips() throws Exception {
        loginAsAdmin();
        open("/admin/workshop");
        assertThat(driver.getTitle()).isEqualTo("Workshop accounts · labhub");
        assertLabelled();
        screenshot("admin-workshop");
        WebElement prefix = driver.findElement(By.id("prefix"));
        prefix.sendKeys(Keys.chord(Keys.CONTROL, "a"), "course");
        keys(Keys.TAB); // the help text under the prefix is not a stop
        assertThat(focused().getAttribute("id")).isEqualTo("count");
        keys(Keys.chord(Keys.CONTROL, "a"), "6", Keys.ENTER);
        awaitTitle("Workshop sheet · labhub");
        List<WebElement> slips = driver.findElements(By.cssSelector("ul.slips > li.slip"));
        assertThat(slips).hasSize(6);
        assertThat(slips.get(0).getText()).contains("course-01").contains(hub.baseUrl() + "/login");
        assertThat(slips.get(5).getText()).contains("course-06");
        screenshot("workshop-sheet");

        // What the printer gets: only the slips, no navigation or buttons.
        emulateMedia("print");
        try {
            assertThat(driver.findElement(By.cssSelector(".topbar")).isDisplayed()).isFalse();
            assertThat(driver.findElement(By.cssSelector("[data-print]")).isDisplayed()).isFalse();
            assertThat(slips.get(0).isDisplayed()).isTrue();
            screenshot("workshop-print");
        } finally {
            emulateMedia("");
        }
    }

    @Test
    void onANarrowPhoneScreenNoPageIsWiderThanTheScreen() throws Exception {
        hub.user("narrow-user", "narrow-password-1");
        setViewport(390, 844);
        open("/login");
        assertFitsTheScreen(390);
        screenshot("mobile-login");
        loginAsAdmin();
        for (String page : List.of("/", "/account", "/admin/users", "/admin/groups", "/admin/workshop",
                "/admin/audit", "/admin/users/narrow-user", "/admin/environments", "/admin/profiles", "/admin/datasets", "/admin/servers")) {
            open(page);
            assertFitsTheScreen(390);
        }
        open("/admin/users");
        screenshot("mobile-admin-users");
        open("/admin/environments");
        screenshot("mobile-admin-environments");
        open("/");
        screenshot("mobile-dashboard");
    }

    /** Nothing sticks out on the right (tables may scroll inside their own box) and the page does not scroll sideways. */
    private static void assertFitsTheScreen(int screen) {
        String page = path();
        Object wide = driver.executeScript(
                "const w = document.documentElement.clientWidth;"
                + "return [...document.querySelectorAll('body *')]"
                + ".filter(e => !e.closest('table') && !e.closest('.skip') && e.getBoundingClientRect().right > w + 1)"
                + ".map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + (e.className ? '.' + e.className : ''));");
        assertThat((List<?>) wide).as("elements sticking out on the right of %s at %spx", page, screen).isEmpty();
        Number pageWidth = (Number) driver.executeScript("return document.documentElement.scrollWidth");
        assertThat(pageWidth.intValue()).as("page width of %s", page).isLessThanOrEqualTo(screen);
    }

    // ---- helpers ----

    private void loginAsAdmin() throws IOException {
        open("/login");
        awaitNameFieldFocused();
        keys("admin", Keys.TAB, hub.adminPassword(), Keys.ENTER);
        awaitTitle("Dashboard · labhub");
    }

    /** The login page autofocuses the name field; under load that can land after the first keys, which then go nowhere. */
    private static void awaitNameFieldFocused() {
        await("the name field to have the focus", () -> "username".equals(driver.switchTo().activeElement().getAttribute("id")) ? true : null);
    }

    private void open(String path) {
        drainConsole(driver.getCurrentUrl());
        driver.get(hub.baseUrl() + path);
    }

    private static String path() {
        return java.net.URI.create(driver.getCurrentUrl()).getPath();
    }

    private static void keys(CharSequence... keys) {
        new Actions(driver).sendKeys(keys).perform();
    }

    private static WebElement focused() {
        return driver.switchTo().activeElement();
    }

    private static int right(Rectangle r) {
        return r.getX() + r.getWidth();
    }

    /** A short name of an element for tab-order assertions: {@code a:Text}, {@code input#id}, {@code button:Text}. */
    private static String label(WebElement e) {
        String tag = e.getTagName();
        String id = e.getAttribute("id");
        if (tag.equals("input") || tag.equals("select") || tag.equals("textarea")) {
            return id != null && !id.isEmpty() ? tag + "#" + id : tag + "[" + e.getAttribute("name") + "]";
        }
        return tag + ":" + e.getText().trim();
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
            assertThat(labelled).as("label of %s on %s", label(c), path()).isTrue();
        }
    }

    private static void awaitTitle(String title) {
        awaitTitle(title, () -> true);
    }

    private static void awaitTitle(String title, Supplier<Boolean> and) {
        await("title \"" + title + "\"", () -> title.equals(driver.getTitle()) && and.get() ? Boolean.TRUE : null);
    }

    private static <T> T await(String what, Supplier<T> probe) {
        return Chromium.await(what, WAIT, probe, () -> "on " + driver.getCurrentUrl() + " titled \"" + driver.getTitle() + "\"");
    }

    /** Moves the browser console into {@link #console}, leaving out verbose chatter and what the test expects. */
    private void drainConsole(String page) {
        Chromium.consoleProblems(driver, expectedConsole).forEach(m -> console.add(page + ": " + m));
    }

    private static void setViewport(int width, int height) {
        if (width >= 1000) {
            driver.executeCdpCommand("Emulation.clearDeviceMetricsOverride", Map.of());
        } else {
            driver.executeCdpCommand("Emulation.setDeviceMetricsOverride",
                    Map.of("width", width, "height", height, "deviceScaleFactor", 1, "mobile", true));
        }
    }

    private static void emulateMedia(String media) {
        emulateMedia(media, "light");
    }

    private static void emulateMedia(String media, String colorScheme) {
        driver.executeCdpCommand("Emulation.setEmulatedMedia", Map.of("media", media,
                "features", List.of(Map.of("name", "prefers-color-scheme", "value", colorScheme))));
    }

    /** A full-page screenshot (not only the viewport) to {@code target/screenshots/<name>.png}. */
    private static void screenshot(String name) throws IOException {
        Chromium.fullPageScreenshot(driver, screenshots.resolve(name + ".png"));
    }

}
