package org.labhub.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.StringWriter;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.labhub.auth.Cookies;
import org.labhub.testing.HubClient;
import org.labhub.testing.TestHub;

/** With TLS configured the hub speaks only HTTPS, with the certificate it was given or the one it generated once. */
class TlsTest {
    static TestHub hub;

    @TempDir
    Path tmp;

    @BeforeAll
    static void start() throws Exception {
        hub = TestHub.start(Map.of("tls.self_signed", "true"));
    }

    @AfterAll
    static void stop() throws Exception {
        hub.close();
    }

    private static Path selfSignedCert() {
        return hub.dataRoot().resolve("secrets/tls/cert.pem");
    }

    @Test
    void aSelfSignedHubAnswersHealthOverHttpsWithHsts() throws Exception {
        assertThat(hub.baseUrl()).startsWith("https://");
        HubClient.Res health = new HubClient(hub.baseUrl(), trusting(selfSignedCert())).get("/api/health").expectStatus(200);
        assertThat(health.json("status")).isEqualTo("ok");
        assertThat(health.header("Strict-Transport-Security")).hasValueSatisfying(v -> assertThat(v).startsWith("max-age="));
    }

    @Test
    void theSessionCookieAfterLoginIsHostPrefixedAndSecure() throws Exception {
        HubClient c = new HubClient(hub.baseUrl(), trusting(selfSignedCert()));
        HubClient.Res login = c.login("admin", hub.adminPassword()).expectStatus(303);
        String setCookie = login.raw().headers().allValues("Set-Cookie").stream()
                .filter(h -> h.startsWith("__Host-" + Cookies.SESSION + "=")).findFirst()
                .orElseThrow(() -> new AssertionError("no __Host-labhub_session cookie in " + login.raw().headers().map()));
        assertThat(setCookie).contains("Secure").contains("Path=/").contains("HttpOnly").doesNotContainIgnoringCase("Domain=");
        assertThat(login.raw().headers().allValues("Set-Cookie")).noneMatch(h -> h.startsWith(Cookies.SESSION + "="));
        c.get("/").expectStatus(200);
    }

    @Test
    void theGeneratedPrivateKeyIsReadableOnlyByTheOwner() throws IOException {
        Path key = hub.dataRoot().resolve("secrets/tls/key.pem");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key))).isEqualTo("rw-------");
    }

    @Test
    void aRestartServesTheSameGeneratedCertificate() throws Exception {
        try (TestHub own = TestHub.start(Map.of("tls.self_signed", "true"))) {
            Path cert = own.dataRoot().resolve("secrets/tls/cert.pem");
            byte[] before = Files.readAllBytes(cert);
            X509Certificate first = servedCertificate(own.baseUrl(), trusting(cert));
            own.restart();
            assertThat(Files.readAllBytes(cert)).isEqualTo(before);
            assertThat(servedCertificate(own.baseUrl(), trusting(cert))).isEqualTo(first).isEqualTo(readCertificate(cert));
        }
    }

    @Test
    void aHubGivenAPemCertificateAndKeyServesThatCertificate() throws Exception {
        Path cert = tmp.resolve("server.crt");
        Path key = tmp.resolve("server.key");
        writeRsaCertificate(cert, key);
        try (TestHub own = TestHub.start(Map.of("tls.certificate", cert.toString(), "tls.private_key", key.toString()))) {
            SSLContext trust = trusting(cert);
            assertThat(servedCertificate(own.baseUrl(), trust)).isEqualTo(readCertificate(cert));
            new HubClient(own.baseUrl(), trust).get("/api/health").expectStatus(200);
            assertThat(own.dataRoot().resolve("secrets/tls/cert.pem")).doesNotExist();
        }
    }

    @Test
    void aClientThatDoesNotTrustTheCertificateIsRefused() throws Exception {
        Path other = tmp.resolve("other.crt");
        writeRsaCertificate(other, tmp.resolve("other.key"));
        HttpClient client = HttpClient.newBuilder().sslContext(trusting(other)).connectTimeout(Duration.ofSeconds(10)).build();
        assertThatThrownBy(() -> client.send(HttpRequest.newBuilder(URI.create(hub.baseUrl() + "/api/health"))
                .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString()))
                .isInstanceOf(IOException.class);
    }

    @Test
    void plainHttpToTheTlsPortGetsNoAnswer() {
        HttpClient plain = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build();
        URI uri = URI.create("http://127.0.0.1:" + hub.hub().port() + "/api/health");
        assertThatThrownBy(() -> plain.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString()))
                .isInstanceOf(IOException.class);
    }

    /** An SSL context that trusts exactly the certificate in {@code pem}: not a trust-all. */
    private static SSLContext trusting(Path pem) throws Exception {
        KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
        trust.load(null, null);
        trust.setCertificateEntry("labhub", readCertificate(pem));
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(null, tmf.getTrustManagers(), null);
        return ssl;
    }

    private static X509Certificate readCertificate(Path pem) throws Exception {
        try (InputStream in = Files.newInputStream(pem)) {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
    }

    private static X509Certificate servedCertificate(String base, SSLContext trust) throws Exception {
        HubClient.Res r = new HubClient(base, trust).get("/api/health").expectStatus(200);
        Certificate[] chain = r.raw().sslSession().orElseThrow().getPeerCertificates();
        return (X509Certificate) chain[0];
    }

    /** An RSA certificate for 127.0.0.1 with its key as unencrypted PKCS#8 PEM, made the way an operator's CA tool would. */
    private static void writeRsaCertificate(Path certFile, Path keyFile) throws Exception {
        KeyPairGenerator gen = KeyPairGenerator.getInstance("RSA");
        gen.initialize(2048);
        KeyPair pair = gen.generateKeyPair();
        X500Name subject = new X500Name("CN=labhub-test-" + System.nanoTime());
        Instant now = Instant.now();
        JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject, BigInteger.valueOf(System.nanoTime()),
                Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(Duration.ofDays(2))), subject, pair.getPublic());
        builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
                new GeneralName(GeneralName.iPAddress, "127.0.0.1"), new GeneralName(GeneralName.dNSName, "localhost")}));
        X509Certificate cert = new JcaX509CertificateConverter()
                .getCertificate(builder.build(new JcaContentSignerBuilder("SHA256withRSA").build(pair.getPrivate())));
        Files.writeString(certFile, pem(cert));
        Files.writeString(keyFile, pem(new JcaPKCS8Generator(pair.getPrivate(), null)));
        Files.setPosixFilePermissions(keyFile, PosixFilePermissions.fromString("rw-------"));
    }

    private static String pem(Object o) throws IOException {
        StringWriter s = new StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(s)) {
            w.writeObject(o);
        }
        return s.toString();
    }
}
