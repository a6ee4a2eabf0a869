package org.labhub.archives;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import gov.loc.repository.bagit.domain.Bag;
import gov.loc.repository.bagit.reader.BagReader;
import gov.loc.repository.bagit.verify.BagVerifier;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The bag writer against the Library of Congress's bagit-java and sha256sum, and the store's immutability. */
class BagWriterTest {
    @TempDir
    Path dir;

    static Path payload(Path bag) throws IOException {
        Files.createDirectories(bag.resolve("data/inputs/sub"));
        Files.writeString(bag.resolve("data/inputs/analysis.ipynb"), "{\"cells\":[]}");
        Files.writeString(bag.resolve("data/inputs/sub/my data.csv"), "a,b\n1,2\n");
        Files.createDirectories(bag.resolve("data/outputs"));
        Files.writeString(bag.resolve("data/outputs/run.log"), "ok\n");
        return bag;
    }

    static Map<String, String> info() {
        Map<String, String> info = new LinkedHashMap<>();
        info.put("Source-Organization", "labhub test");
        info.put("External-Description", "two lines\nof description");
        return info;
    }

    @Test
    void aWrittenBagIsValidForTheLibraryOfCongressChecker() throws Exception {
        Path bag = payload(dir.resolve("bag"));
        BagWriter.Written w = BagWriter.finish(bag, info(), Instant.parse("2026-01-02T03:04:05Z"));
        Bag read = new BagReader().read(bag);
        try (BagVerifier verifier = new BagVerifier()) {
            verifier.isValid(read, false);
        }
        assertThat(read.getVersion().toString()).isEqualTo("1.0");
        assertThat(Files.readString(bag.resolve("bag-info.txt"))).contains("External-Identifier: " + w.id())
                .contains("Payload-Oxum: " + w.payloadBytes() + ".3").contains("Bagging-Date: 2026-01-02")
                .contains("External-Description: two lines\n  of description");
        assertThat(w.id()).hasSize(26).matches("[a-z2-7]{26}");
        assertThat(BagCheck.problems(bag)).isEmpty();
    }

    @Test
    void theManifestsPassSha256sum() throws Exception {
        Path bag = payload(dir.resolve("bag"));
        BagWriter.finish(bag, info(), Instant.now());
        for (String manifest : new String[] {"manifest-sha256.txt", "tagmanifest-sha256.txt"}) {
            Process p = new ProcessBuilder("sha256sum", "--strict", "-c", manifest).directory(bag.toFile()).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).as(out).isZero();
        }
    }

    @Test
    void theSameContentGivesTheSameIdAndAnyChangeAnotherOne() throws Exception {
        String a = BagWriter.finish(payload(dir.resolve("a")), info(), Instant.parse("2026-01-01T00:00:00Z")).id();
        String b = BagWriter.finish(payload(dir.resolve("b")), Map.of(), Instant.parse("2027-01-01T00:00:00Z")).id();
        Path c = payload(dir.resolve("c"));
        Files.writeString(c.resolve("data/outputs/run.log"), "ok!\n");
        assertThat(a).isEqualTo(b).isNotEqualTo(BagWriter.finish(c, info(), Instant.now()).id());
    }

    @Test
    void namesWithLineBreaksAndPercentSignsArePercentEncodedInTheManifest() throws Exception {
        Path bag = dir.resolve("bag");
        Files.createDirectories(bag.resolve("data"));
        Files.writeString(bag.resolve("data/odd\nname%0A.txt"), "x");
        BagWriter.finish(bag, Map.of(), Instant.now());
        assertThat(Files.readString(bag.resolve("manifest-sha256.txt"))).contains("  data/odd%0Aname%250A.txt\n");
        assertThat(BagCheck.manifest(bag).sha256ByPath()).containsKey("data/odd\nname%0A.txt");
        assertThat(BagCheck.problems(bag)).isEmpty();
    }

    @Test
    void aCommittedBagIsReadOnlyAndIsNeverReplaced() throws Exception {
        ArchiveStore store = new ArchiveStore(null, Files.createDirectories(dir.resolve("archives")));
        Path staging = payload(store.newStaging());
        String id = BagWriter.finish(staging, info(), Instant.now()).id();
        Path bag = store.commit(staging, id);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(bag))).isEqualTo("r-xr-xr-x");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(bag.resolve("data/inputs/analysis.ipynb")))).isEqualTo("r--r--r--");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(bag.resolve("data/inputs")))).isEqualTo("r-xr-xr-x");
        Path again = payload(store.newStaging());
        assertThat(BagWriter.finish(again, info(), Instant.now()).id()).isEqualTo(id);
        assertThatThrownBy(() -> store.commit(again, id)).isInstanceOf(FileAlreadyExistsException.class);
        assertThat(Files.readString(bag.resolve("data/inputs/analysis.ipynb"))).isEqualTo("{\"cells\":[]}");
    }

    @Test
    void aFlippedByteIsFoundByTheCheckAndByAVerifiedRead() throws Exception {
        Path bag = payload(dir.resolve("bag"));
        BagWriter.finish(bag, info(), Instant.now());
        Path f = bag.resolve("data/inputs/sub/my data.csv");
        byte[] bytes = Files.readAllBytes(f);
        bytes[2] ^= 1;
        Files.write(f, bytes);
        assertThat(BagCheck.problems(bag)).containsExactly("checksum mismatch: data/inputs/sub/my data.csv");
        String expected = BagCheck.manifest(bag).sha256ByPath().get("data/inputs/sub/my data.csv");
        try (InputStream in = new VerifyingInputStream(Files.newInputStream(f), expected, "data/inputs/sub/my data.csv")) {
            assertThatThrownBy(in::readAllBytes).isInstanceOf(VerifyingInputStream.Tampered.class);
        }
        assertThatThrownBy(() -> {
            Bag read = new BagReader().read(bag);
            try (BagVerifier verifier = new BagVerifier()) {
                verifier.isValid(read, false);
            }
        }).as("the independent checker agrees").isInstanceOf(Exception.class);
    }
}
