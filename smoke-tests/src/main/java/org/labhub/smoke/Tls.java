package org.labhub.smoke;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/** The TLS trust the suite runs with: the JDK's default, exactly one PEM's certificates, or (loopback only) anything. */
final class Tls {
    private Tls() {}

    /** Empty: the JDK's default trust store. */
    static Optional<SSLContext> context(Options o) throws UsageError {
        if (o.insecure()) {
            // No JVM-wide switch (jdk.internal.httpclient.disableHostnameVerification) is needed: the JDK checks host
            // names inside an extended trust manager, and this one checks nothing (TlsTest proves both).
            return Optional.of(withTrust(new AcceptAnything()));
        }
        if (o.cacert().isPresent()) {
            return Optional.of(trusting(o.cacert().get()));
        }
        return Optional.empty();
    }

    /** Trusts the certificates in the PEM file and nothing else; host names are still checked against them. */
    static SSLContext trusting(Path pem) throws UsageError {
        Collection<? extends Certificate> certs;
        try (InputStream in = Files.newInputStream(pem)) {
            certs = CertificateFactory.getInstance("X.509").generateCertificates(in);
        } catch (IOException | GeneralSecurityException e) {
            throw new UsageError("--cacert " + pem + ": not a PEM certificate (" + e.getMessage() + ")");
        }
        if (certs.isEmpty()) {
            throw new UsageError("--cacert " + pem + " holds no certificate");
        }
        try {
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            int i = 0;
            for (Certificate c : certs) {
                store.setCertificateEntry("cacert-" + i++, c);
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(store);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, tmf.getTrustManagers(), null);
            return ctx;
        } catch (IOException | GeneralSecurityException e) {
            throw new UsageError("--cacert " + pem + ": cannot trust it (" + e.getMessage() + ")");
        }
    }

    private static SSLContext withTrust(TrustManager tm) {
        try {
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, new TrustManager[] {tm}, null);
            return ctx;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK has no TLS", e);
        }
    }

    /**
     * Accepts every server certificate. An extended trust manager is where the JDK checks the host name, so this one
     * skips that as well (a self-signed certificate of the VM names its own host, not 127.0.0.1).
     */
    private static final class AcceptAnything extends X509ExtendedTrustManager {
        @Override public void checkClientTrusted(X509Certificate[] chain, String authType) { }
        @Override public void checkServerTrusted(X509Certificate[] chain, String authType) { }
        @Override public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) { }
        @Override public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) { }
        @Override public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) { }
        @Override public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) { }
        @Override public X509Certificate[] getAcceptedIssuers() { return new X509Certificate[0]; }
    }
}
