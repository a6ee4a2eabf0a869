package org.labhub.archives;

import static org.assertj.core.api.Assertions.assertThat;

import gov.loc.repository.bagit.domain.Bag;
import gov.loc.repository.bagit.reader.BagReader;
import gov.loc.repository.bagit.verify.BagVerifier;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.labhub.audit.AuditLog;
import org.labhub.runs.TestNotebooks;
import org.labhub.testing.Chromium;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.interactions.Actions;
import org.labhub.spawner.Notebooks;
import org.labhub.testing.HubClient;
import org.labhub.testing.TestHub;
import org.labhub.web.Json;
import tools.jackson.databind.JsonNode;

/**
 * Preserve and re-run end to end on a real hub and real Podman with the minimal image: the bag an independent
 * checker accepts, a flipped byte caught and never served, re-runs that say which cells still match, a failing
 * notebook preserved only when the user says it does not run, and an export re-run on a fresh hub. One archive
 * keeps its image by value (the slow part: the image is saved once); the others keep it by reference.
 */
class PreserveAndRerunTest {
    private static final Duration TASK_LIMIT = Duration.ofMinutes(5);
    private static TestHub t;
    private static HubClient alice;
    private static HubClient admin;
    /** The by-value archive of the study folder, preserved once for the tests that need it. */
    private static String study;
    private static JsonNode randomReport;

    @BeforeAll
    static void start() throws Exception {
        t = TestHub.start(Map.of("runs.max_concurrent", "2"));
        Notebooks.requireOnlyMinimal(t);
        alice = t.user("alice", "alice-password-1");
        admin = t.admin();
    }

    @AfterAll
    static void stop() throws Exception {
        t.close();
    }

    private static void notebook(String path, String... cells) throws Exception {
        TestNotebooks.write(t.dataRoot().resolve("homes/alice").resolve(path), TestNotebooks.notebook(false, cells));
    }

    private static String preserveBody(String path, boolean byReference, boolean doesNotRun) {
        return "{\"path\":\"" + path + "\",\"environment\":\"minimal\",\"title\":\"Study of " + path + "\","
                + "\"description\":\"Sums a column\",\"authors\":[\"Ada Lovelace\",\"Charles Babbage\"],\"license\":\"CC-BY-4.0\","
                + "\"keywords\":[\"sums\",\"tests\"],\"by_reference\":" + byReference + ",\"does_not_run\":" + doesNotRun + "}";
    }

    /** Starts a preservation and follows its task until it ends; answers the last status (200 done, 422 failing cell …). */
    private static HubClient.Res preserve(String path, boolean byReference, boolean doesNotRun) throws Exception {
        HubClient.Res started = alice.api("POST", "/api/archives", preserveBody(path, byReference, doesNotRun)).expectStatus(202);
        String status = Json.MAPPER.readTree(started.body()).path("status").asString();
        assertThat(started.location()).isEqualTo(status);
        HubClient.Res[] last = new HubClient.Res[1];
        Notebooks.await("preservation of " + path, TASK_LIMIT, () -> {
            last[0] = alice.api("GET", status);
            String state = Json.MAPPER.readTree(last[0].body()).path("state").asString();
            return state.equals("done") || state.equals("failed");
        });
        return last[0];
    }

    private static String preserved(String path, boolean byReference) throws Exception {
        HubClient.Res done = preserve(path, byReference, false);
        JsonNode task = Json.MAPPER.readTree(done.body());
        assertThat(task.path("state").asString()).as(done.body()).isEqualTo("done");
        return task.path("archive").asString();
    }

    private static synchronized String study() throws Exception {
        if (study == null) {
            Files.createDirectories(t.dataRoot().resolve("homes/alice/study"));
            Files.writeString(t.dataRoot().resolve("homes/alice/study/values.csv"), "value\n1\n2\n39\n");
            notebook("study/analysis.ipynb", "rows = open('values.csv').read().split()[1:]",
                    "print('total', sum(int(r) for r in rows))");
            study = preserved("study", false);
        }
        return study;
    }

    private static JsonNode archive(HubClient c, String id) {
        return Json.MAPPER.readTree(c.api("GET", "/api/archives/" + id).expectStatus(200).body());
    }

    /** Starts a re-run and waits for its report. */
    private static JsonNode rerun(TestHub on, HubClient c, String id, String body) throws Exception {
        HubClient.Res started = c.api("POST", "/api/archives/" + id + "/rerun", body).expectStatus(202);
        String report = Json.MAPPER.readTree(started.body()).path("report").asString();
        JsonNode[] last = new JsonNode[1];
        Notebooks.await("re-run of " + id, TASK_LIMIT, () -> {
            last[0] = Json.MAPPER.readTree(c.api("GET", report).expectStatus(200).body());
            return !last[0].path("state").asString().equals("running");
        });
        return last[0];
    }

    private static String run(Path dir, String... command) throws Exception {
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(String.join(" ", command) + ": " + out).isZero();
        return out;
    }

    @Test
    void aPreservedFolderIsABagAnIndependentCheckerAcceptsWithItsMetadataScriptAndImage() throws Exception {
        String id = study();
        Path bag = t.dataRoot().resolve("archives").resolve(id);

        // the Library of Congress's checker, then coreutils over both manifests
        Bag read = new BagReader().read(bag);
        new BagVerifier().isValid(read, false);
        assertThat(run(bag, "sha256sum", "-c", "--strict", "manifest-sha256.txt")).doesNotContain("FAILED");
        assertThat(run(bag, "sha256sum", "-c", "--strict", "tagmanifest-sha256.txt")).doesNotContain("FAILED");
        assertThat(Files.readString(bag.resolve("bagit.txt"))).startsWith("BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8");

        // inputs as they were, the executed notebook with its outputs, the run log
        assertThat(Files.readString(bag.resolve("data/inputs/values.csv"))).isEqualTo("value\n1\n2\n39\n");
        assertThat(TestNotebooks.printed(bag.resolve("data/outputs/analysis.ipynb"))).contains("total 42");
        assertThat(bag.resolve("data/outputs/run.log")).exists();

        JsonNode a = archive(alice, id);
        assertThat(a.path("state").asString()).isEqualTo("ok");
        assertThat(a.path("by_reference").asBoolean()).isFalse();
        assertThat(a.path("does_not_run").asBoolean()).isFalse();
        assertThat(a.path("image_digest").asString()).startsWith("sha256:");

        JsonNode crate = Json.MAPPER.readTree(Files.readAllBytes(bag.resolve("data/ro-crate-metadata.json")));
        Map<String, JsonNode> graph = new HashMap<>();
        crate.path("@graph").forEach(n -> graph.put(n.path("@id").asString(), n));
        assertThat(graph.get("./").path("name").asString()).isEqualTo("Study of study");
        assertThat(graph.get("./").path("license").asString()).isEqualTo("CC-BY-4.0");
        assertThat(graph.get("#author-1").path("name").asString()).isEqualTo("Ada Lovelace");
        assertThat(graph.get("#author-2").path("name").asString()).isEqualTo("Charles Babbage");
        assertThat(graph.get("#environment").path("version").asString()).isEqualTo(a.path("image_digest").asString());
        assertThat(graph.get("#environment").path("installUrl").asString()).isEqualTo("environment/image.oci.tar");

        run(bag, "bash", "-n", "data/run-local.sh");

        // the image by value: an OCI archive whose index names a manifest whose config is the image itself
        assertOciArchiveOf(bag.resolve("data/environment/image.oci.tar"), a.path("image_id").asString());
    }

    /** Reads the OCI layout in the tar: index.json → manifest blob → config blob, whose digest is the image id. */
    private static void assertOciArchiveOf(Path tar, String imageId) throws Exception {
        Map<String, byte[]> small = new HashMap<>();
        java.util.Set<String> blobs = new java.util.HashSet<>();
        try (InputStream in = Files.newInputStream(tar); TarArchiveInputStream entries = new TarArchiveInputStream(in)) {
            TarArchiveEntry e;
            while ((e = entries.getNextEntry()) != null) {
                String name = e.getName().replaceFirst("^\\./", "");
                if (name.startsWith("blobs/sha256/")) {
                    blobs.add("sha256:" + name.substring("blobs/sha256/".length()));
                }
                if (e.isFile() && e.getSize() < 1 << 20) {
                    small.put(name, entries.readAllBytes());
                }
            }
        }
        assertThat(small).containsKeys("oci-layout", "index.json");
        JsonNode index = Json.MAPPER.readTree(small.get("index.json"));
        String manifest = index.path("manifests").path(0).path("digest").asString();
        assertThat(blobs).contains(manifest);
        JsonNode m = Json.MAPPER.readTree(small.get("blobs/sha256/" + manifest.substring("sha256:".length())));
        String config = m.path("config").path("digest").asString();
        assertThat(config.replace("sha256:", "")).isEqualTo(imageId.replace("sha256:", ""));
        m.path("layers").forEach(l -> assertThat(blobs).contains(l.path("digest").asString()));
    }

    @Test
    void aFlippedByteIsCaughtOnReadAndByTheScrubReportedAndNeverServed() throws Exception {
        notebook("tamper/t.ipynb", "print('tamper me')");
        Files.writeString(t.dataRoot().resolve("homes/alice/tamper/notes.txt"), "an honest line\n");
        String id = preserved("tamper", true);
        HubClient.Res good = alice.api("GET", "/api/archives/" + id + "/files/data/inputs/notes.txt").expectStatus(200);
        assertThat(good.body()).isEqualTo("an honest line\n");

        Path file = t.dataRoot().resolve("archives").resolve(id).resolve("data/inputs/notes.txt");
        byte[] bytes = Files.readAllBytes(file);
        bytes[3] ^= 1;
        file.toFile().setWritable(true);
        Files.write(file, bytes);

        HubClient.Res bad = alice.api("GET", "/api/archives/" + id + "/files/data/inputs/notes.txt");
        assertThat(bad.status()).isEqualTo(500);
        assertThat(bad.body()).contains("damaged").doesNotContain("an hon");
        assertThat(archive(alice, id).path("state").asString()).isEqualTo("damaged");
        assertThat(new AuditLog(t.hub().catalog().jdbi(), java.time.Clock.systemUTC()).recent(50, 0, Optional.of("archive.damaged")))
                .anySatisfy(e -> assertThat(e.toString()).contains(id));

        JsonNode scrub = Json.MAPPER.readTree(admin.api("POST", "/api/archives/scrub", "{}").expectStatus(200).body());
        assertThat(scrub.path("problems").path(id).toString()).contains("data/inputs/notes.txt");
        // the export streams the bag verified: it breaks rather than hand out the bad byte
        assertThat(exportFails(id)).isTrue();
        // a re-run refuses a damaged archive
        JsonNode report = rerun(t, alice, id, "{}");
        assertThat(report.path("state").asString()).isEqualTo("failed");
        assertThat(report.path("message").asString()).contains("damaged");
    }

    private static boolean exportFails(String id) {
        try {
            HttpResponse<byte[]> r = alice.getBytes("/api/archives/" + id + "/export");
            return r.statusCode() != 200;
        } catch (Exception broken) {
            return true;
        }
    }

    @Test
    void aRerunInTheSameImageFindsEveryCellIdenticalAndRanTheRecordedImage() throws Exception {
        String id = study();
        JsonNode report = rerun(t, alice, id, "{}");
        assertThat(report.path("state").asString()).as(report.toString()).isEqualTo("identical");
        assertThat(report.path("differs").asInt()).isZero();
        assertThat(report.path("errored").asInt()).isZero();
        assertThat(report.path("identical").asInt()).isEqualTo(2);
        assertThat(report.path("ran_image_digest").asString()).isEqualTo(archive(alice, id).path("image_digest").asString());
        assertThat(archive(alice, id).path("runs").findValuesAsString("state")).contains("identical");
        assertThat(alice.get("/archives/" + id + "/runs/" + report.path("run").asLong()).body()).contains("identical");
    }

    /** The by-reference archive of a notebook printing unseeded random numbers, and its first (exact) re-run's report. */
    private static synchronized JsonNode randomRerun() throws Exception {
        if (randomReport == null) {
            notebook("random/r.ipynb", "import random\nprint('fixed line')", "print(random.random())", "print(1.0 + random.random() * 1e-9)");
            randomReport = rerun(t, alice, preserved("random", true), "{}");
        }
        return randomReport;
    }

    @Test
    void unseededRandomNumbersDifferWithADiffAndATolerancePassesTinyDifferences() throws Exception {
        JsonNode exact = randomRerun();
        String id = exact.path("archive").asString();
        assertThat(exact.path("state").asString()).as(exact.toString()).isEqualTo("differs");
        JsonNode cells = exact.path("notebooks").path(0).path("cells");
        assertThat(cells.path(0).path("status").asString()).isEqualTo("IDENTICAL");
        assertThat(cells.path(1).path("status").asString()).isEqualTo("DIFFERS");
        assertThat(cells.path(1).path("diff").asString()).contains("-0.").contains("+0.");
        assertThat(cells.path(2).path("status").asString()).isEqualTo("DIFFERS");

        JsonNode tolerant = rerun(t, alice, id, "{\"tolerance\":1e-6}");
        JsonNode tcells = tolerant.path("notebooks").path(0).path("cells");
        assertThat(tolerant.path("tolerance").asDouble()).isEqualTo(1e-6);
        assertThat(tcells.path(1).path("status").asString()).isEqualTo("DIFFERS");
        assertThat(tcells.path(2).path("status").asString()).as(tolerant.toString()).isEqualTo("IDENTICAL");
    }

    @Test
    void aFailingCellIsNamedAndTheNotebookIsPreservedOnlyWhenMarkedDoesNotRun() throws Exception {
        notebook("broken/b.ipynb", "x = {}", "x['missing']", "print('never')");
        int before = Json.MAPPER.readTree(alice.api("GET", "/api/archives").body()).size();

        HubClient.Res refused = preserve("broken", true, false);
        assertThat(refused.status()).isEqualTo(422);
        JsonNode task = Json.MAPPER.readTree(refused.body());
        assertThat(task.path("state").asString()).isEqualTo("failed");
        assertThat(task.path("failure").path("cell_index").asInt()).isEqualTo(1);
        assertThat(task.path("failure").path("error_name").asString()).isEqualTo("KeyError");
        assertThat(task.path("failure").path("notebook").asString()).isEqualTo("b.ipynb");
        assertThat(task.path("message").asString()).contains("does_not_run");
        assertThat(task.has("archive")).isFalse();
        assertThat(Json.MAPPER.readTree(alice.api("GET", "/api/archives").body()).size()).isEqualTo(before);

        HubClient.Res anyway = preserve("broken", true, true);
        JsonNode done = Json.MAPPER.readTree(anyway.body());
        assertThat(done.path("state").asString()).as(anyway.body()).isEqualTo("done");
        String id = done.path("archive").asString();
        assertThat(archive(alice, id).path("does_not_run").asBoolean()).isTrue();
        Path bag = t.dataRoot().resolve("archives").resolve(id);
        assertThat(Files.readString(bag.resolve("bag-info.txt"))).contains("Labhub-Does-Not-Run: b.ipynb cell 2 raised KeyError");
        JsonNode crate = Json.MAPPER.readTree(Files.readAllBytes(bag.resolve("data/ro-crate-metadata.json")));
        assertThat(crate.path("@graph").findValuesAsString("creativeWorkStatus")).singleElement().asString().startsWith("does not run:");
    }

    @Test
    void anExportedArchiveImportsIntoAFreshHubAndRerunsThereInTheRecordedImage() throws Exception {
        String id = study();
        String digest = archive(alice, id).path("image_digest").asString();
        Path tar = Files.createTempFile("labhub-export", ".tar");
        try (TestHub fresh = TestHub.start(Map.of("runs.max_concurrent", "1"))) {
            HttpResponse<Path> exported = java.net.http.HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create(t.baseUrl() + "/api/archives/" + id + "/export")).header("Authorization", "token " + token(alice)).build(),
                    HttpResponse.BodyHandlers.ofFile(tar));
            assertThat(exported.statusCode()).isEqualTo(200);

            Notebooks.requireOnlyMinimal(fresh);
            HubClient carol = fresh.user("carol", "carol-password-1");
            HubClient.Res imported = carol.send(HttpRequest.newBuilder(URI.create(carol.base() + "/api/archives/import"))
                    .POST(HttpRequest.BodyPublishers.ofFile(tar)),
                    Map.of("Content-Type", "application/x-tar", "X-CSRF-Token", carol.csrf(), "Origin", carol.base()));
            assertThat(imported.status()).as(imported.body()).isEqualTo(201);
            assertThat(imported.json("id")).isEqualTo(id);

            JsonNode report = rerun(fresh, carol, id, "{}");
            assertThat(report.path("state").asString()).as(report.toString()).isEqualTo("identical");
            assertThat(report.path("ran_image_digest").asString()).isEqualTo(digest);

            // a hub that stopped mid re-run: at the next start that re-run is recorded failed and its folder is gone
            long left = new ArchiveRuns(fresh.hub().catalog().jdbi()).start(id, "carol", Optional.empty(), java.time.Instant.now());
            Path stale = Files.createDirectories(fresh.dataRoot().resolve("runs/rerun-" + id + "-" + left));
            fresh.restart();
            assertThat(new ArchiveRuns(fresh.hub().catalog().jdbi()).byId(id, left).orElseThrow().state()).isEqualTo("failed");
            assertThat(stale).doesNotExist();
        } finally {
            Files.deleteIfExists(tar);
        }
    }

    private static String token(HubClient c) {
        return c.api("POST", "/api/users/alice/tokens", "{\"scopes\":[\"read\"]}").expectStatus(201).json("token");
    }

    @Test
    void theArchivePagesReadWellInABrowserWithHeadingsFocusAndAnEmptyState() throws Exception {
        JsonNode report = randomRerun();
        String id = report.path("archive").asString();
        t.user("bob", "bob-password-12");
        Path shots = Chromium.screenshots();
        try (Chromium browser = Chromium.start()) {
            ChromeDriver d = browser.driver();
            login(d, "bob", "bob-password-12");
            d.get(t.baseUrl() + "/archives");
            assertThat(d.findElement(By.tagName("h1")).getText()).isEqualTo("Preserved analyses");
            assertThat(d.findElement(By.cssSelector("main")).getText()).contains("You have no archives yet");
            Chromium.fullPageScreenshot(d, shots.resolve("archive-list-empty.png"));
            d.manage().deleteAllCookies();

            login(d, "alice", "alice-password-1");
            d.get(t.baseUrl() + "/archives");
            assertThat(d.findElement(By.cssSelector("nav a[aria-current=page]")).getText()).isEqualTo("Archives");
            assertThat(d.findElements(By.cssSelector("main table tbody tr"))).isNotEmpty();
            Chromium.fullPageScreenshot(d, shots.resolve("archive-list.png"));

            d.get(t.baseUrl() + "/archives/" + id);
            assertThat(d.findElements(By.tagName("h1"))).hasSize(1);
            assertThat(d.findElement(By.tagName("h1")).getText()).isEqualTo("Study of random");
            assertThat(d.findElement(By.cssSelector(".citation")).getText()).contains("Ada Lovelace & Charles Babbage").contains(id);
            assertThat(d.findElement(By.cssSelector("main")).getText()).contains("fixed line").contains("differs");
            Chromium.fullPageScreenshot(d, shots.resolve("archive-landing.png"));

            d.get(t.baseUrl() + "/archives/" + id + "/runs/" + report.path("run").asLong());
            assertThat(d.findElement(By.tagName("h1")).getText()).isEqualTo("Reproducibility report");
            assertThat(d.findElements(By.cssSelector(".result-differs"))).isNotEmpty();
            assertThat(d.findElement(By.cssSelector("pre.diff")).getText()).contains("-0.").contains("+0.");
            // a keyboard user reaches the link back to the archive, and sees where the focus is
            WebElement back = d.findElement(By.cssSelector("main a[href='/archives/" + id + "']"));
            for (int i = 0; i < 40 && !back.equals(d.switchTo().activeElement()); i++) {
                new Actions(d).sendKeys(Keys.TAB).perform();
            }
            assertThat(d.switchTo().activeElement()).isEqualTo(back);
            assertThat(back.getCssValue("outline-style")).isNotEqualTo("none");
            Chromium.fullPageScreenshot(d, shots.resolve("archive-report.png"));

            // re-run from the landing page, with a tolerance: the browser follows to the report, which fills in
            d.get(t.baseUrl() + "/archives/" + id);
            d.findElement(By.id("tolerance")).sendKeys("1e-6");
            d.findElement(By.cssSelector("form.rerun-form button")).click();
            Chromium.await("the report of the browser's re-run", Duration.ofMinutes(3),
                    () -> d.getCurrentUrl().contains("/runs/") && finished(d) ? true : null, d::getCurrentUrl);
            assertThat(d.findElement(By.cssSelector("main")).getText()).contains("relative tolerance of 1.0E-6");
            assertThat(d.findElements(By.cssSelector(".report-cell")).get(2).getText()).startsWith("identical");
        }
    }

    /** Whether the report page shows a final result; the page refreshes itself meanwhile, so an element may go stale. */
    private static boolean finished(ChromeDriver d) {
        try {
            return !d.findElement(By.cssSelector("#summary-h .result")).getText().equals("running");
        } catch (org.openqa.selenium.WebDriverException reloading) {
            return false;
        }
    }

    private static void login(ChromeDriver d, String name, String password) {
        d.get(t.baseUrl() + "/login");
        d.findElement(By.id("username")).sendKeys(name);
        d.findElement(By.id("password")).sendKeys(password, Keys.ENTER);
        Chromium.await("the dashboard", Chromium.WAIT, () -> d.getTitle().startsWith("Dashboard") ? true : null, d::getCurrentUrl);
    }
}
