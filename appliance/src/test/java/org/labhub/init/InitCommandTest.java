package org.labhub.init;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.labhub.MainRunner;
import org.labhub.config.ConfigLoader;
import org.labhub.config.LabhubConfig;
import org.labhub.server.Hub;
import org.labhub.testing.HubClient;
import org.labhub.testing.TestHub;

/**
 * {@code labhub init} against a real Derby catalog in a temp dir, then real hubs started on what it made: the admin
 * it creates logs in, a second run changes nothing, a password file sets and resets the password, the TLS choice in
 * the config file makes a hub serve HTTPS, a running hub makes it refuse, and bad arguments change nothing.
 */
class InitCommandTest {
    /** Cheap hashing for the test; kept in the file so init must keep other keys (and this comment) as they are. */
    private static final String CONFIG = "# site config, edited by hand\n[auth.argon2]\nmemory_kib = 1024 # cheap for tests\niterations = 1\n";

    @TempDir
    Path tmp;

    private Path data() {
        return tmp.resolve("data");
    }

    private Path conf() {
        return tmp.resolve("labhub.conf");
    }

    private MainRunner.Outcome init(String... options) throws Exception {
        if (!Files.exists(conf())) {
            Files.writeString(conf(), CONFIG);
        }
        List<String> args = new java.util.ArrayList<>(List.of("init", "--data", data().toString(), "--config", conf().toString()));
        args.addAll(List.of(options));
        return MainRunner.run(args.toArray(String[]::new));
    }

    @Test
    void firstInitCreatesTheAdminWithAPrivateGeneratedPasswordThatLogsIn() throws Exception {
        MainRunner.Outcome r = init("--print-admin-password");

        assertThat(r.status()).as(r.toString()).isZero();
        Path file = data().resolve("secrets/admin-password");
        String password = Files.readString(file).strip();
        assertThat(password).hasSizeGreaterThanOrEqualTo(16);
        assertThat(Files.getPosixFilePermissions(file)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        assertThat(Files.getPosixFilePermissions(data().resolve("secrets"))).isEqualTo(PosixFilePermissions.fromString("rwx------"));
        assertThat(r.stdout()).contains("created the administrator \"admin\"").contains("admin password: " + password);
        assertThat(Files.readString(conf())).startsWith(CONFIG).contains("[data]\nroot = \"" + data() + "\"");
        try (TestHub t = TestHub.startOn(data(), Map.of())) {
            assertThat(t.hub().firstAdminPassword()).as("the hub found the admin init made").isEmpty();
            t.client().login("admin", password).expectStatus(303);
        }
    }

    @Test
    void aSecondInitWithTheSameOptionsChangesNothing() throws Exception {
        assertThat(init("--tls", "self-signed", "--hostname", "lab.example.org").status()).isZero();
        Path cert = data().resolve("secrets/tls/cert.pem");
        String configBefore = Files.readString(conf());
        var configTime = Files.getLastModifiedTime(conf());
        String certBefore = Files.readString(cert);
        String passwordBefore = Files.readString(data().resolve("secrets/admin-password"));

        MainRunner.Outcome again = init("--tls", "self-signed", "--hostname", "lab.example.org");

        assertThat(again.status()).as(again.toString()).isZero();
        assertThat(again.stdout()).contains("nothing to change").doesNotContain("updated").doesNotContain("created");
        assertThat(Files.readString(conf())).isEqualTo(configBefore);
        assertThat(Files.getLastModifiedTime(conf())).isEqualTo(configTime);
        assertThat(Files.readString(cert)).isEqualTo(certBefore);
        assertThat(Files.readString(data().resolve("secrets/admin-password"))).isEqualTo(passwordBefore);
    }

    @Test
    void aPasswordFileSetsThePasswordAndAChangedFileResetsIt() throws Exception {
        Path file = tmp.resolve("pw");
        Files.writeString(file, "first-chosen-password\n");
        assertThat(init("--admin-password-file", file.toString()).status()).isZero();
        assertThat(Files.readString(data().resolve("secrets/admin-password")).strip()).isEqualTo("first-chosen-password");

        Files.writeString(file, "second-chosen-password\n");
        MainRunner.Outcome reset = init("--admin-password-file", file.toString());

        assertThat(reset.status()).as(reset.toString()).isZero();
        assertThat(reset.stdout()).contains("set the password of \"admin\" from " + file);
        assertThat(init("--admin-password-file", file.toString()).stdout()).as("the same file again").contains("nothing to change");
        try (TestHub t = TestHub.startOn(data(), Map.of())) {
            t.client().login("admin", "first-chosen-password").expectStatus(401);
            t.client().login("admin", "second-chosen-password").expectStatus(303);
        }
    }

    @Test
    void selfSignedTlsInTheConfigFileMakesARealHubServeHttpsWithTheCertificateInitMade() throws Exception {
        MainRunner.Outcome r = init("--tls", "self-signed", "--hostname", "lab.localhost");

        assertThat(r.status()).as(r.toString()).isZero();
        String text = Files.readString(conf());
        assertThat(text).startsWith(CONFIG).contains("[tls]\nself_signed = true").contains("public_url = \"https://lab.localhost:8080\"");
        Path certFile = data().resolve("secrets/tls/cert.pem");
        X509Certificate cert;
        try (InputStream in = Files.newInputStream(certFile)) {
            cert = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
        assertThat(cert.getSubjectAlternativeNames()).extracting(n -> String.valueOf(n.get(1))).contains("lab.localhost", "127.0.0.1");
        assertThat(Files.getPosixFilePermissions(data().resolve("secrets/tls/key.pem"))).isEqualTo(PosixFilePermissions.fromString("rw-------"));

        // The hub reads the same file, as `labhub run --config` does (port 0 only so that tests never collide).
        LabhubConfig config = new ConfigLoader().load(Optional.of(conf()), Map.of(), Map.of("http.port", "0"));
        try (Hub hub = Hub.start(config)) {
            assertThat(hub.baseUrl()).startsWith("https://");
            SSLContext trustingInitsCert = trusting(cert);
            HttpClient client = HttpClient.newBuilder().sslContext(trustingInitsCert).build();
            HttpResponse<String> health = client.send(HttpRequest.newBuilder(URI.create(hub.baseUrl() + "/api/health")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(health.statusCode()).isEqualTo(200);
            HubClient admin = new HubClient(hub.baseUrl(), trustingInitsCert);
            // The public URL pins the origin the CSRF check expects.
            admin.get("/login");
            admin.formRaw("/login", Map.of("username", "admin", "password", Files.readString(data().resolve("secrets/admin-password")).strip(),
                    "csrf", admin.csrf(), "next", "/"), Map.of("Origin", "https://lab.localhost:8080")).expectStatus(303);
        }

        MainRunner.Outcome off = init("--tls", "none");
        assertThat(off.status()).as(off.toString()).isZero();
        assertThat(Files.readString(conf())).contains("self_signed = false").contains("public_url = \"http://lab.localhost:8080\"");
    }

    @Test
    void aProvidedCertificateIsCheckedRecordedAndServed() throws Exception {
        // Another data root's self-signed pair stands in for a certificate from a CA.
        Path other = tmp.resolve("other");
        Files.createDirectories(other);
        Path otherConf = Files.writeString(other.resolve("labhub.conf"), CONFIG);
        assertThat(MainRunner.run("init", "--data", other.resolve("data").toString(), "--config", otherConf.toString(),
                "--tls", "self-signed", "--hostname", "provided.localhost").status()).isZero();
        Path cert = other.resolve("data/secrets/tls/cert.pem");
        Path key = other.resolve("data/secrets/tls/key.pem");

        MainRunner.Outcome r = init("--tls-cert", cert.toString(), "--tls-key", key.toString());

        assertThat(r.status()).as(r.toString()).isZero();
        assertThat(Files.readString(conf())).contains("self_signed = false").contains("certificate = \"" + cert + "\"")
                .contains("private_key = \"" + key + "\"");
        assertThat(Files.exists(data().resolve("secrets/tls/cert.pem"))).as("no self-signed pair of its own").isFalse();
        X509Certificate provided;
        try (InputStream in = Files.newInputStream(cert)) {
            provided = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
        LabhubConfig config = new ConfigLoader().load(Optional.of(conf()), Map.of(), Map.of("http.port", "0"));
        try (Hub hub = Hub.start(config)) {
            HttpResponse<String> health = HttpClient.newBuilder().sslContext(trusting(provided)).build()
                    .send(HttpRequest.newBuilder(URI.create(hub.baseUrl() + "/api/health")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(health.statusCode()).isEqualTo(200);
        }
        // A file that holds no key, and another certificate's key, are refused before anything changes.
        String before = Files.readString(conf());
        Path noKey = Files.writeString(tmp.resolve("no-key.pem"), "not a key\n");
        MainRunner.Outcome notAKey = init("--tls-cert", cert.toString(), "--tls-key", noKey.toString());
        assertThat(notAKey.status()).as(notAKey.toString()).isEqualTo(2);
        assertThat(notAKey.stderr()).contains("tls.private_key").contains("no unencrypted PEM private key");
        Path third = Files.createDirectories(tmp.resolve("third"));
        assertThat(MainRunner.run("init", "--data", third.resolve("data").toString(), "--config",
                Files.writeString(third.resolve("labhub.conf"), CONFIG).toString(), "--tls", "self-signed").status()).isZero();
        MainRunner.Outcome otherKey = init("--tls-cert", cert.toString(), "--tls-key", third.resolve("data/secrets/tls/key.pem").toString());
        assertThat(otherKey.status()).as(otherKey.toString()).isEqualTo(2);
        assertThat(otherKey.stderr()).contains("is not the key of the certificate");
        assertThat(Files.readString(conf())).isEqualTo(before);
    }

    @Test
    void itRefusesWhileAHubRunsOnTheDataRootAndChangesNothing() throws Exception {
        Files.writeString(conf(), CONFIG);
        try (TestHub t = TestHub.startOn(data(), Map.of())) {
            MainRunner.Outcome r = init("--tls", "self-signed");

            assertThat(r.status()).as(r.toString()).isEqualTo(1);
            assertThat(r.stderr()).contains("is using the data root").contains("systemctl stop labhub");
            assertThat(Files.readString(conf())).isEqualTo(CONFIG);
            assertThat(Files.exists(data().resolve("secrets/tls/cert.pem"))).isFalse();
        }
    }

    @Test
    void badArgumentsExitWithTwoAndChangeNothing() throws Exception {
        Path shortPassword = Files.writeString(tmp.resolve("short"), "short\n");
        Path cert = Files.writeString(tmp.resolve("cert.pem"), "not a certificate\n");
        List<List<String>> bad = List.of(
                List.of("--bogus"),
                List.of("positional"),
                List.of("--tls", "maybe"),
                List.of("--tls-cert", cert.toString()),
                List.of("--tls", "self-signed", "--tls-cert", cert.toString(), "--tls-key", cert.toString()),
                List.of("--tls-cert", cert.toString(), "--tls-key", cert.toString()),
                List.of("--hostname", "not a host"),
                List.of("--hostname"),
                List.of("--admin-password-file", tmp.resolve("missing").toString()),
                List.of("--admin-password-file", shortPassword.toString()),
                List.of("--print-admin-password=yes"));
        for (List<String> args : bad) {
            MainRunner.Outcome r = init(args.toArray(String[]::new));
            assertThat(r.status()).as(args + "\n" + r).isEqualTo(2);
            assertThat(r.stderr()).as(args.toString()).startsWith("labhub init: ");
        }
        assertThat(Files.exists(data())).as("no data root was made").isFalse();
        assertThat(Files.readString(conf())).isEqualTo(CONFIG);
    }

    private static SSLContext trusting(X509Certificate cert) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("init", cert);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        return ctx;
    }
}
