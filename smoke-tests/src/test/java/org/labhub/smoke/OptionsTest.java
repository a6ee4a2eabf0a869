package org.labhub.smoke;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OptionsTest {
    @TempDir
    Path dir;

    private String passwordFile(String text) throws Exception {
        Path p = dir.resolve("pw");
        Files.writeString(p, text);
        return p.toString();
    }

    @Test
    void theUrlAndThePasswordFilesFirstLineAreTakenWithDefaultsForTheRest() throws Exception {
        Options o = Options.parse("--url", "http://127.0.0.1:8080/", "--admin-password-file", passwordFile("s3cret\nignored\n"));
        assertThat(o.base().toString()).isEqualTo("http://127.0.0.1:8080");
        assertThat(o.adminPassword()).isEqualTo("s3cret");
        assertThat(o.admin()).isEqualTo("admin");
        assertThat(o.timeout()).isEqualTo(Duration.ofMinutes(10));
        assertThat(o.insecure()).isFalse();
        assertThat(o.cacert()).isEmpty();
    }

    @Test
    void optionsMayBeGivenWithAnEqualsSign() throws Exception {
        Options o = Options.parse("--url=https://[::1]:8443", "--admin-password-file=" + passwordFile("pw"), "--admin=root",
                "--timeout-minutes=3", "--insecure");
        assertThat(o.base().toString()).isEqualTo("https://[::1]:8443");
        assertThat(o.admin()).isEqualTo("root");
        assertThat(o.timeout()).isEqualTo(Duration.ofMinutes(3));
        assertThat(o.insecure()).isTrue();
    }

    @Test
    void somethingThatIsNotAnHttpUrlIsRefusedWithTheReason() throws Exception {
        String pw = passwordFile("pw");
        assertThatThrownBy(() -> Options.parse("--url", "foo", "--admin-password-file", pw)).isInstanceOf(UsageError.class)
                .hasMessageContaining("not an http:// or https:// URL");
        assertThatThrownBy(() -> Options.parse("--url", "ftp://127.0.0.1", "--admin-password-file", pw))
                .hasMessageContaining("not an http:// or https:// URL");
        assertThatThrownBy(() -> Options.parse("--url", "http://", "--admin-password-file", pw)).isInstanceOf(UsageError.class);
        assertThatThrownBy(() -> Options.parse("--url", "http://127.0.0.1/hub/", "--admin-password-file", pw))
                .hasMessageContaining("root");
        assertThatThrownBy(() -> Options.parse("--url", "http://u:p@127.0.0.1/", "--admin-password-file", pw))
                .hasMessageContaining("without user");
    }

    @Test
    void aMissingOrEmptyPasswordFileIsRefused() throws Exception {
        assertThatThrownBy(() -> Options.parse("--url", "http://127.0.0.1:1", "--admin-password-file", dir.resolve("nope").toString()))
                .isInstanceOf(UsageError.class).hasMessageContaining("no such file");
        String empty = passwordFile("");
        assertThatThrownBy(() -> Options.parse("--url", "http://127.0.0.1:1", "--admin-password-file", empty))
                .hasMessageContaining("is empty");
        assertThatThrownBy(() -> Options.parse("--url", "http://127.0.0.1:1")).hasMessageContaining("--admin-password-file is required");
        assertThatThrownBy(() -> Options.parse("--admin-password-file", empty)).hasMessageContaining("--url is required");
    }

    @Test
    void insecureIsRefusedForAnyHostThatIsNotLoopback() throws Exception {
        String pw = passwordFile("pw");
        for (String url : new String[] {"https://10.0.0.1", "https://lab.example.org", "https://127.0.0.1.example.org"}) {
            assertThatThrownBy(() -> Options.parse("--url", url, "--admin-password-file", pw, "--insecure"))
                    .as(url).hasMessageContaining("only for loopback");
        }
        for (String url : new String[] {"https://127.0.0.1:8443", "https://127.1.2.3", "https://[::1]:1", "https://localhost:2",
                                        "https://labhub.localhost"}) {
            assertThat(Options.parse("--url", url, "--admin-password-file", pw, "--insecure").insecure()).as(url).isTrue();
        }
        assertThatThrownBy(() -> Options.parse("--url", "http://127.0.0.1", "--admin-password-file", pw, "--insecure"))
                .hasMessageContaining("https");
    }

    @Test
    void aCaCertMustBeAReadableFileAndExcludesInsecure() throws Exception {
        String pw = passwordFile("pw");
        assertThatThrownBy(() -> Options.parse("--url", "https://127.0.0.1", "--admin-password-file", pw, "--cacert", "/nope.pem"))
                .hasMessageContaining("not a readable file");
        assertThatThrownBy(() -> Options.parse("--url", "https://127.0.0.1", "--admin-password-file", pw, "--cacert", pw, "--insecure"))
                .hasMessageContaining("not both");
        Options o = Options.parse("--url", "https://127.0.0.1", "--admin-password-file", pw, "--cacert", pw);
        assertThatThrownBy(() -> Tls.context(o)).isInstanceOf(UsageError.class).hasMessageContaining("--cacert");
    }

    @Test
    void unknownOptionsStrayArgumentsAndBadTimeoutsAreRefused() throws Exception {
        String pw = passwordFile("pw");
        assertThatThrownBy(() -> Options.parse("--url", "http://127.0.0.1", "--admin-password-file", pw, "--verbose"))
                .hasMessageContaining("unknown option --verbose");
        assertThatThrownBy(() -> Options.parse("--url", "http://127.0.0.1", "--admin-password-file", pw, "extra"))
                .hasMessageContaining("unexpected argument");
        assertThatThrownBy(() -> Options.parse("--url", "http://127.0.0.1", "--admin-password-file", pw, "--timeout-minutes", "0"))
                .hasMessageContaining("1 to 240");
        assertThatThrownBy(() -> Options.parse("--url", "http://127.0.0.1", "--admin-password-file", pw, "--timeout-minutes"))
                .hasMessageContaining("needs a value");
    }
}
