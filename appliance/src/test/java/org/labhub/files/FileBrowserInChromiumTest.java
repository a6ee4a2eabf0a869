package org.labhub.files;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
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
import org.labhub.testing.TestHub;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.interactions.Actions;

/**
 * The file browser in headless Chromium against a real hub: alice makes a folder, uploads two files through the
 * file input and watches the progress reach 100%, renames, deletes and restores one, and previews a CSV and a
 * notebook whose HTML output carries a script that must not run on the hub's origin.
 */
class FileBrowserInChromiumTest {
    static TestHub hub;
    static Chromium browser;
    static ChromeDriver driver;
    static Path screenshots;

    @BeforeAll
    static void start() throws Exception {
        hub = TestHub.start(Map.of());
        hub.user("alice", "alice-password-1");
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
    void aliceUploadsRenamesDeletesRestoresAndPreviewsFilesWithoutAnyScriptRunningFromThem() throws Exception {
        open("/login");
        new Actions(driver).sendKeys("alice", Keys.TAB, "alice-password-1", Keys.ENTER).perform();
        await("the dashboard", () -> driver.getTitle().startsWith("Dashboard") ? true : null);
        open("/files");
        assertThat(driver.getCurrentUrl()).endsWith("/files/alice/");
        assertThat(driver.findElement(By.id("empty-folder")).getText()).contains("This folder is empty").contains("drop files here or use Upload");
        screenshot("files-empty");

        // A folder, made from the toolbar, then opened.
        driver.findElement(By.id("mkdir-name")).sendKeys("project", Keys.ENTER);
        WebElement folder = await("the new folder's row", () -> shown(By.cssSelector("tr[data-name='project'] a")));
        folder.click();
        await("the folder page", () -> driver.getCurrentUrl().endsWith("/files/alice/project/") ? true : null);

        // Three files through the file input; a .txt is one a browser labels text/plain, which writes must never carry.
        Path dir = Files.createTempDirectory("uploads");
        Path csv = dir.resolve("data.csv");
        Files.writeString(csv, "name,comment\nalice,\"says \"\"hi\"\", twice\"\nbob,\"two\nlines\"\n<b>eve</b>,<script>x</script>\n");
        Path notebook = dir.resolve("analysis.ipynb");
        Files.writeString(notebook, NOTEBOOK, StandardCharsets.UTF_8);
        Path notes = dir.resolve("notes.txt");
        Files.writeString(notes, "plain notes\n");
        driver.findElement(By.id("upload-input")).sendKeys(csv + "\n" + notebook + "\n" + notes);
        await("the overall progress at 100%", () -> "100".equals(driver.findElement(By.id("upload-overall")).getAttribute("value")) ? true : null);
        await("the three rows", () -> driver.findElements(By.cssSelector("tr[data-name='data.csv'], tr[data-name='analysis.ipynb'], tr[data-name='notes.txt']"))
                .size() == 3 ? true : null);
        assertThat(driver.findElements(By.cssSelector("#upload-list li.done"))).hasSize(3);
        assertThat(hub.dataRoot().resolve("homes/alice/project/notes.txt")).hasContent("plain notes");
        screenshot("files-uploaded");

        // A file larger than one piece goes up in pieces (POST /api/uploads, PUT ?offset=…, commit) and arrives whole.
        Path big = dir.resolve("big.bin");
        byte[] bigBytes = new byte[9 * 1024 * 1024 + 123];
        new java.util.Random(3).nextBytes(bigBytes);
        Files.write(big, bigBytes);
        driver.findElement(By.id("upload-input")).sendKeys(big.toString());
        await("the big file's row", () -> driver.findElements(By.cssSelector("tr[data-name='big.bin']")).size() == 1 ? true : null);
        assertThat(Files.readAllBytes(hub.dataRoot().resolve("homes/alice/project/big.bin"))).isEqualTo(bigBytes);

        // Move it to the top of the home through the move dialog.
        row("big.bin").findElement(By.cssSelector("button[data-action=move]")).click();
        WebElement to = await("the move dialog", () -> shown(By.id("move-to")));
        assertThat(to.getAttribute("value")).isEqualTo("project");
        to.clear();
        to.sendKeys(Keys.ENTER);
        await("the moved row gone", () -> driver.findElements(By.cssSelector("tr[data-name='big.bin']")).isEmpty() ? true : null);
        assertThat(hub.dataRoot().resolve("homes/alice/big.bin")).exists();

        // A zip, extracted from the keyboard: a bar while it runs, the result in words, the new folder in the listing.
        Path bundle = dir.resolve("bundle.zip");
        try (java.util.zip.ZipOutputStream z = new java.util.zip.ZipOutputStream(Files.newOutputStream(bundle))) {
            z.putNextEntry(new java.util.zip.ZipEntry("inner/readme.txt"));
            z.write("unpacked".getBytes(StandardCharsets.UTF_8));
            z.closeEntry();
        }
        Path evil = dir.resolve("evil.zip");
        try (java.util.zip.ZipOutputStream z = new java.util.zip.ZipOutputStream(Files.newOutputStream(evil))) {
            z.putNextEntry(new java.util.zip.ZipEntry("../escape.txt"));
            z.closeEntry();
        }
        driver.findElement(By.id("upload-input")).sendKeys(bundle + "\n" + evil);
        WebElement extract = row("bundle.zip").findElement(By.cssSelector("button[data-action=extract]"));
        new Actions(driver).moveToElement(extract).perform();
        extract.sendKeys(Keys.ENTER);
        await("the extract result", () -> driver.findElement(By.id("extract-text")).getText().startsWith("Extracted bundle.zip into bundle/") ? true : null);
        await("the new folder's row", () -> shown(By.cssSelector("tr[data-name='bundle'] a.folder")));
        assertThat(hub.dataRoot().resolve("homes/alice/project/bundle/inner/readme.txt")).hasContent("unpacked");
        screenshot("files-extracted");
        row("evil.zip").findElement(By.cssSelector("button[data-action=extract]")).click();
        await("the refusal in words", () -> shown(By.id("files-error")) != null
                && driver.findElement(By.id("files-error")).getText().contains("\"../escape.txt\"") ? true : null);
        assertThat(driver.findElements(By.cssSelector("tr[data-name='evil']"))).isEmpty();

        // Rename the notebook.
        row("analysis.ipynb").findElement(By.cssSelector("button[data-action=rename]")).click();
        WebElement name = await("the rename dialog", () -> shown(By.id("rename-name")));
        name.clear();
        name.sendKeys("renamed.ipynb", Keys.ENTER);
        await("the renamed row", () -> driver.findElements(By.cssSelector("tr[data-name='renamed.ipynb']")).size() == 1 ? true : null);

        // Delete it, then restore it from the trash.
        row("renamed.ipynb").findElement(By.cssSelector("button[data-action=delete]")).click();
        await("the row gone", () -> driver.findElements(By.cssSelector("tr[data-name='renamed.ipynb']")).isEmpty() ? true : null);
        open("/trash");
        WebElement trashed = await("the trashed item", () -> shown(By.cssSelector("tr[data-name='renamed.ipynb']")));
        screenshot("files-trash");
        trashed.findElement(By.cssSelector("button[data-trash-action=restore]")).click();
        await("the empty trash", () -> driver.getPageSource().contains("The trash is empty.") ? true : null);
        open("/files/alice/project/");
        assertThat(driver.findElements(By.cssSelector("tr[data-name='renamed.ipynb']"))).hasSize(1);

        // Sorting by size, from the column header.
        driver.findElement(By.linkText("Size")).click();
        await("sorted by size", () -> driver.getCurrentUrl().contains("sort=size") ? true : null);
        assertThat(driver.findElement(By.cssSelector("th[aria-sort=ascending]")).getText()).startsWith("Size");

        // CSV preview: a table with the quoted cells whole and markup shown as text.
        open("/files/alice/project/data.csv");
        List<WebElement> cells = driver.findElements(By.cssSelector("table.csv tbody td"));
        assertThat(cells.stream().map(WebElement::getText).toList())
                .containsExactly("alice", "says \"hi\", twice", "bob", "two\nlines", "<b>eve</b>", "<script>x</script>");
        screenshot("files-csv");

        // Notebook preview: code and text output shown, the image inline, the script never run.
        open("/files/alice/project/renamed.ipynb");
        // markdown rendered as prose; the HTML its author wrote shown as text, never as markup
        assertThat(driver.findElement(By.cssSelector(".nb-md h1")).getText()).isEqualTo("Results");
        assertThat(driver.findElement(By.cssSelector(".nb-md")).getText()).contains("Some <b>bold</b> words");
        assertThat(driver.findElements(By.cssSelector(".nb-md b"))).isEmpty();
        assertThat(driver.findElement(By.cssSelector(".nb-in pre")).getText()).isEqualTo("print('hello')");
        assertThat(driver.findElements(By.cssSelector(".nb-out pre")).get(0).getText()).isEqualTo("hello");
        assertThat(driver.findElements(By.cssSelector(".nb-out img"))).hasSize(1);
        assertThat(driver.findElement(By.cssSelector(".nb-omitted")).getText()).contains("text/html");
        assertThat(driver.getTitle()).isEqualTo("renamed.ipynb · labhub");
        assertThat(driver.findElements(By.tagName("script")).stream().map(s -> s.getAttribute("src")).toList())
                .allSatisfy(src -> assertThat(src).startsWith(hub.baseUrl() + "/static/"));
        screenshot("files-notebook");

        open("/");
        assertThat(driver.findElement(By.id("usage")).getText()).contains("of 10 GB used");
        assertThat(Chromium.consoleProblems(driver, List.of("422"))).as("browser console").isEmpty();
    }

    private static final String NOTEBOOK = """
            {"nbformat": 4, "nbformat_minor": 5, "metadata": {"kernelspec": {"language": "python", "name": "python3"}},
             "cells": [
              {"cell_type": "markdown", "metadata": {}, "source": ["# Results\\n", "Some <b>bold</b> words"]},
              {"cell_type": "code", "execution_count": 1, "metadata": {}, "source": ["print('hello')"],
               "outputs": [
                {"output_type": "stream", "name": "stdout", "text": ["hello\\n"]},
                {"output_type": "display_data", "metadata": {}, "data": {"image/png": "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="}},
                {"output_type": "display_data", "metadata": {}, "data": {"text/html": ["<script>document.title='pwned'</script><img src=x onerror=\\"document.title='pwned'\\">"]}}
               ]}
             ]}
            """;

    private static WebElement row(String name) {
        return await("the row of " + name, () -> shown(By.cssSelector("tr[data-name='" + name + "']")));
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
