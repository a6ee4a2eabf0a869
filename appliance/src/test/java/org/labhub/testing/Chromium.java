package org.labhub.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.logging.Level;
import java.util.stream.Stream;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

/**
 * Debian's headless Chromium driven by its chromedriver, with a fresh profile and the browser console recorded, for
 * the tests that look at pages. A missing browser is a failure, not a skip: these tests are the only eyes on the pages.
 */
public final class Chromium implements AutoCloseable {
    private static final File CHROMIUM = new File("/usr/bin/chromium");
    private static final File CHROMEDRIVER = new File("/usr/bin/chromedriver");
    public static final Duration WAIT = Duration.ofSeconds(15);
    /**
     * Selenium warns that it has no CDP bindings for this Chromium version; the tests use only WebDriver and
     * chromedriver's own CDP pass-through, so the warning is noise. Held here so the settings are not collected.
     */
    private static final List<java.util.logging.Logger> QUIET = Stream.of("org.openqa.selenium.devtools", "org.openqa.selenium.chromium")
            .map(java.util.logging.Logger::getLogger).peek(l -> l.setLevel(Level.SEVERE)).toList();

    private final ChromeDriverService service;
    private final ChromeDriver driver;
    private final Path profile;

    private Chromium(ChromeDriverService service, ChromeDriver driver, Path profile) {
        this.service = service;
        this.driver = driver;
        this.profile = profile;
    }

    public static Chromium start() throws IOException {
        assertThat(CHROMIUM).as("Chromium (apt install chromium)").isFile();
        assertThat(CHROMIUM.canExecute()).as("%s is executable", CHROMIUM).isTrue();
        assertThat(CHROMEDRIVER).as("chromedriver (apt install chromium-driver)").isFile();
        assertThat(CHROMEDRIVER.canExecute()).as("%s is executable", CHROMEDRIVER).isTrue();
        // The driver is named explicitly, so Selenium skips Selenium Manager; the property and SE_OFFLINE
        // (passed on to Selenium Manager should anything ever start it) keep it from reaching the network.
        System.setProperty(ChromeDriverService.CHROME_DRIVER_EXE_PROPERTY, CHROMEDRIVER.getPath());
        System.setProperty("SE_OFFLINE", "true");
        Path profile = Files.createTempDirectory("labhub-chromium");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM);
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                "--disable-quic", "--disable-extensions", "--disable-default-apps", "--window-size=1280,900",
                "--user-data-dir=" + profile);
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER).usingAnyFreePort()
                .withSilent(true).build();
        ChromeDriver driver = new ChromeDriver(service, options);
        driver.manage().timeouts().pageLoadTimeout(WAIT).scriptTimeout(WAIT);
        return new Chromium(service, driver, profile);
    }

    public ChromeDriver driver() {
        return driver;
    }

    /** A screenshot of the whole page (not only the window) to {@code file}, through the DevTools protocol. */
    @SuppressWarnings("unchecked")
    public static void fullPageScreenshot(ChromeDriver driver, Path file) throws IOException {
        java.util.Map<String, Object> metrics = driver.executeCdpCommand("Page.getLayoutMetrics", java.util.Map.of());
        java.util.Map<String, Object> content = (java.util.Map<String, Object>) metrics.get("cssContentSize");
        java.util.Map<String, Object> viewport = (java.util.Map<String, Object>) metrics.get("cssLayoutViewport");
        double width = ((Number) viewport.get("clientWidth")).doubleValue();
        double height = Math.max(((Number) content.get("height")).doubleValue(), ((Number) viewport.get("clientHeight")).doubleValue());
        java.util.Map<String, Object> shot = driver.executeCdpCommand("Page.captureScreenshot", java.util.Map.of(
                "format", "png", "captureBeyondViewport", true,
                "clip", java.util.Map.of("x", 0, "y", 0, "width", width, "height", height, "scale", 1)));
        Files.write(file, java.util.Base64.getDecoder().decode((String) shot.get("data")));
    }

    /**
     * Polls {@code probe} until it gives a value (not null) and returns it; after {@code max}, fails with what was
     * awaited and {@code context} (the page, the console …).
     */
    public static <T> T await(String what, Duration max, java.util.function.Supplier<T> probe,
                              java.util.function.Supplier<String> context) {
        long end = System.nanoTime() + max.toNanos();
        while (true) {
            T value;
            try {
                value = probe.get();
            } catch (org.openqa.selenium.StaleElementReferenceException e) {
                value = null; // the page was replaced between finding an element and reading it: look again
            }
            if (value != null) {
                return value;
            }
            if (System.nanoTime() > end) {
                throw new AssertionError("waited " + max.toSeconds() + "s for " + what + "; " + context.get());
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    /**
     * The browser console's warnings and errors since the last call, as "LEVEL message", leaving out those containing
     * one of {@code expected}; a Content-Security-Policy report is never left out.
     */
    public static List<String> consoleProblems(ChromeDriver driver, List<String> expected) {
        List<String> found = new java.util.ArrayList<>();
        for (org.openqa.selenium.logging.LogEntry e : driver.manage().logs().get(LogType.BROWSER)) {
            String m = e.getMessage();
            boolean csp = m.contains("Content Security Policy") || m.contains("Content-Security-Policy");
            if (csp || (e.getLevel().intValue() >= Level.WARNING.intValue() && expected.stream().noneMatch(m::contains))) {
                found.add(e.getLevel() + " " + m);
            }
        }
        return found;
    }

    /** Where screenshots go: {@code appliance/target/screenshots}, made if missing. */
    public static Path screenshots() throws IOException {
        Path dir = Path.of(System.getProperty("labhub.repo.root", ".."), "appliance", "target", "screenshots");
        return Files.createDirectories(dir);
    }

    @Override
    public void close() throws IOException {
        try {
            driver.quit();
        } finally {
            service.stop();
            try (Stream<Path> all = Files.walk(profile)) {
                all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
