package org.labhub.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.labhub.MainRunner;

/** Configuration is read once, in a fixed order, and every mistake stops the start naming the key at fault. */
class ConfigLoaderTest {
    @TempDir
    Path tmp;

    private Path file(String toml) throws IOException {
        return Files.writeString(tmp.resolve("labhub.conf"), toml);
    }

    private LabhubConfig load(String toml, Map<String, String> env, Map<String, String> overrides) throws IOException {
        return new ConfigLoader().load(Optional.of(file(toml)), env, overrides);
    }

    private AbstractThrowableAssert<?, ? extends Throwable> assertLoadFails(String toml, Map<String, String> env) {
        return assertThatThrownBy(() -> load(toml, env, Map.of())).isInstanceOf(ConfigException.class);
    }

    @Test
    void anUnknownKeyInTheFileFailsNamingTheKey() {
        assertLoadFails("[http]\nprot = 8081\n", Map.of()).hasMessageContaining("http.prot");
    }

    @Test
    void anUnknownTopLevelSectionFailsNamingTheKey() {
        assertLoadFails("[htpp]\nport = 8081\n", Map.of()).hasMessageContaining("htpp.port");
    }

    @ParameterizedTest(name = "{0} = {1}")
    @CsvSource(delimiter = '|', value = {
            "http.port            | '\"eighty\"'",
            "http.port            | 70000",
            "http.port            | -1",
            "http.shutdown_grace  | '\"5 minutes\"'",
            "tls.self_signed      | '\"maybe\"'",
            "log.level            | '\"LOUD\"'"})
    void aBadValueFailsNamingTheKey(String key, String tomlValue) {
        String section = key.substring(0, key.lastIndexOf('.'));
        String name = key.substring(key.lastIndexOf('.') + 1);
        assertLoadFails("[" + section + "]\n" + name + " = " + tomlValue + "\n", Map.of()).hasMessageStartingWith(key + ":");
    }

    @Test
    void aBadValueFromTheEnvironmentFailsNamingTheKey() {
        assertLoadFails("", Map.of("LABHUB_HTTP_PORT", "eighty")).hasMessageContaining("http.port");
    }

    @Test
    void anEnvironmentVariableOverridesTheFile() throws Exception {
        LabhubConfig c = load("[http]\nport = 8081\nbind = \"0.0.0.0\"\n", Map.of("LABHUB_HTTP_PORT", "9000"), Map.of());
        assertThat(c.http().port()).isEqualTo(9000);
        assertThat(c.http().bind()).isEqualTo("0.0.0.0");
    }

    @Test
    void theCommandLineOverridesTheEnvironmentAndTheFile() throws Exception {
        LabhubConfig c = load("[http]\nport = 8081\n", Map.of("LABHUB_HTTP_PORT", "9000"), Map.of("http.port", "9100"));
        assertThat(c.http().port()).isEqualTo(9100);
    }

    @Test
    void theFileOverridesTheDefaults() throws Exception {
        assertThat(load("", Map.of(), Map.of()).http().port()).isEqualTo(8080);
        assertThat(load("[http]\nport = 8081\n", Map.of(), Map.of()).http().port()).isEqualTo(8081);
    }

    @Test
    void anUnknownLabhubEnvironmentVariableFailsNamingIt() {
        assertLoadFails("", Map.of("LABHUB_FOO", "1")).hasMessageContaining("LABHUB_FOO");
    }

    @Test
    void environmentVariablesOutsideLabhubAndTheCliOwnAreIgnored() throws Exception {
        LabhubConfig c = load("", Map.of("HOME", "/root", "LABHUB_DATA", "/elsewhere", "LABHUB_CONFIG", "/x.conf"), Map.of());
        assertThat(c.http().port()).isEqualTo(8080);
    }

    @Test
    void aCertificateWithoutAPrivateKeyFailsNamingTheMissingKey() {
        assertLoadFails("[tls]\ncertificate = \"/etc/labhub/cert.pem\"\n", Map.of()).hasMessageStartingWith("tls.private_key:");
        assertLoadFails("[tls]\nprivate_key = \"/etc/labhub/key.pem\"\n", Map.of()).hasMessageStartingWith("tls.certificate:");
    }

    @Test
    void aTomlSyntaxErrorSaysWhichFileIsNotValidToml() throws Exception {
        Path f = file("[http\nport = 8081\n");
        assertThatThrownBy(() -> new ConfigLoader().load(Optional.of(f), Map.of(), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(f.toString())
                .hasMessageContaining("not valid TOML");
    }

    @Test
    void nestedSectionsReachNestedKeys() throws Exception {
        LabhubConfig c = load("[auth.throttle]\nwindow = \"5m\"\nfree_failures = 5\n\n[auth.argon2]\niterations = 3\n", Map.of(), Map.of());
        assertThat(c.auth().throttle().window()).isEqualTo(Duration.ofMinutes(5));
        assertThat(c.auth().throttle().freeFailures()).isEqualTo(5);
        assertThat(c.auth().argon2().iterations()).isEqualTo(3);
    }

    @Test
    void dottedKeysReachNestedKeysToo() throws Exception {
        LabhubConfig c = load("auth.throttle.window = \"30s\"\n", Map.of(), Map.of());
        assertThat(c.auth().throttle().window()).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void labhubRunWithAnUnknownKeyExitsWithStatusTwoNamingTheKey() throws Exception {
        Path config = file("[http]\nport = 0\nprot = 8081\n");
        MainRunner.Outcome run = assertTimeoutPreemptively(Duration.ofSeconds(60), () -> MainRunner.run(
                "run", "--data", tmp.resolve("data").toString(), "--config", config.toString()));
        assertThat(run.status()).as("%s", run).isEqualTo(2);
        assertThat(run.stderr()).as("%s", run).contains("http.prot");
        assertThat(tmp.resolve("data")).doesNotExist();
    }
}
