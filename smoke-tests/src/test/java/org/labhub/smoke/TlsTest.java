package org.labhub.smoke;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The suite's TLS choices against a real HTTPS server on loopback whose self-signed certificate names another host
 * (as the VM's names its own host name while the suite reaches it at 127.0.0.1).
 */
class TlsTest {
    @TempDir
    static Path dir;
    private static HttpsServer server;
    private static Path cert;
    private static Path password;

    @BeforeAll
    static void serve() throws Exception {
        Path store = dir.resolve("server.p12");
        keytool("-genkeypair", "-alias", "hub", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=other.example",
                "-ext", "SAN=dns:other.example", "-validity", "2", "-storetype", "PKCS12", "-keystore", store.toString(),
                "-storepass", "changeit", "-keypass", "changeit");
        cert = dir.resolve("cert.pem");
        keytool("-exportcert", "-rfc", "-alias", "hub", "-keystore", store.toString(), "-storepass", "changeit", "-file", cert.toString());
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store)) {
            ks.load(in, "changeit".toCharArray());
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, "changeit".toCharArray());
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), null, null);
        server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(ctx));
        server.createContext("/api/health", ex -> {
            byte[] body = "{\"status\":\"ok\"}".getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().add("Content-Type", "application/json");
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        server.start();
        password = dir.resolve("pw");
        Files.writeString(password, "pw");
    }

    @AfterAll
    static void stop() {
        server.stop(0);
    }

    private static void keytool(String... args) throws Exception {
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        List<String> cmd = new java.util.ArrayList<>(List.of(keytool.toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
    }

    private static String healthWith(String... tlsArgs) throws Exception {
        List<String> args = new java.util.ArrayList<>(List.of("--url", "https://127.0.0.1:" + server.getAddress().getPort(),
                "--admin-password-file", password.toString()));
        args.addAll(List.of(tlsArgs));
        Options o = Options.parse(args.toArray(String[]::new));
        Context c = new Context(o, new Deadline(Duration.ofMinutes(1)), Tls.context(o));
        return c.newBrowser().api("GET", "/api/health").expect("health", 200).field("status");
    }

    @Test
    void insecureAcceptsASelfSignedCertificateForAnotherHostOnLoopback() throws Exception {
        assertThat(healthWith("--insecure")).isEqualTo("ok");
    }

    @Test
    void theJdksDefaultTrustRefusesTheSelfSignedCertificate() {
        assertThatThrownBy(() -> healthWith()).isInstanceOf(StepFailure.class).hasMessageContaining("certification path");
    }

    @Test
    void caCertTrustsTheCertificateButStillChecksTheHostName() {
        assertThatThrownBy(() -> healthWith("--cacert", cert.toString())).isInstanceOf(StepFailure.class)
                .hasMessageContaining("No subject alternative names matching IP address 127.0.0.1");
    }
}
