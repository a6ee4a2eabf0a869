package org.labhub.server;

import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.labhub.config.ConfigException;
import org.labhub.config.LabhubConfig;
import org.labhub.config.SitePaths;
import org.labhub.storage.AtomicFiles;

/** Builds the HTTPS setup from PEM files, generating a self-signed pair once when asked to. */
public final class TlsSetup {
    private TlsSetup() {}

    public static SslContextFactory.Server sslContextFactory(LabhubConfig.Tls tls, SitePaths paths) {
        Path cert;
        Path key;
        if (tls.selfSigned()) {
            cert = paths.tlsDir().resolve("cert.pem");
            key = paths.tlsDir().resolve("key.pem");
            if (!Files.exists(cert) || !Files.exists(key)) {
                generateSelfSigned(cert, key);
            }
        } else {
            cert = tls.certificate().orElseThrow();
            key = tls.privateKey().orElseThrow();
        }
        KeyStore store = keyStore(cert, key);
        SslContextFactory.Server ssl = new SslContextFactory.Server();
        ssl.setKeyStore(store);
        ssl.setKeyStorePassword("");
        ssl.setIncludeProtocols("TLSv1.3", "TLSv1.2");
        return ssl;
    }

    /**
     * Makes the self-signed pair under {@code <data>/secrets/tls/} when it is missing, or when {@code host} is given and
     * the existing certificate does not name it (a host renamed by {@code labhub init --hostname}). True when it made one.
     */
    public static boolean ensureSelfSigned(SitePaths paths, Optional<String> host) {
        Path cert = paths.tlsDir().resolve("cert.pem");
        Path key = paths.tlsDir().resolve("key.pem");
        if (Files.exists(cert) && Files.exists(key) && host.map(h -> names(cert).contains(h)).orElse(true)) {
            return false;
        }
        generateSelfSigned(cert, key, host.orElseGet(TlsSetup::localHostName));
        return true;
    }

    /** The DNS names and IP addresses a PEM certificate is valid for (its subject alternative names). */
    public static List<String> names(Path certFile) {
        List<String> names = new ArrayList<>();
        for (X509Certificate c : keyStoreChain(certFile)) {
            try {
                if (c.getSubjectAlternativeNames() != null) {
                    c.getSubjectAlternativeNames().forEach(n -> names.add(String.valueOf(n.get(1))));
                }
            } catch (java.security.cert.CertificateParsingException e) {
                throw new ConfigException("tls.certificate: cannot read the names in " + certFile + ": " + e.getMessage());
            }
            break;
        }
        return names;
    }

    /** Checks that a provided certificate and key can be served (readable PEM, key fits); throws ConfigException. */
    public static void check(Path certFile, Path keyFile) {
        keyStore(certFile, keyFile);
    }

    private static List<X509Certificate> keyStoreChain(Path certFile) {
        List<X509Certificate> chain = new ArrayList<>();
        JcaX509CertificateConverter converter = new JcaX509CertificateConverter();
        try (Reader r = Files.newBufferedReader(certFile); PEMParser pem = new PEMParser(r)) {
            for (Object o = pem.readObject(); o != null; o = pem.readObject()) {
                if (o instanceof X509CertificateHolder h) {
                    chain.add(converter.getCertificate(h));
                }
            }
        } catch (IOException | GeneralSecurityException e) {
            throw new ConfigException("tls.certificate: cannot read " + certFile + ": " + e.getMessage());
        }
        return chain;
    }

    private static String localHostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "localhost";
        }
    }

    static KeyStore keyStore(Path certFile, Path keyFile) {
        List<X509Certificate> chain = keyStoreChain(certFile);
        if (chain.isEmpty()) {
            throw new ConfigException("tls.certificate: no PEM certificate found in " + certFile);
        }
        PrivateKey privateKey;
        try (Reader r = Files.newBufferedReader(keyFile); PEMParser pem = new PEMParser(r)) {
            Object o = pem.readObject();
            JcaPEMKeyConverter keys = new JcaPEMKeyConverter();
            if (o instanceof PEMKeyPair pair) {
                privateKey = keys.getKeyPair(pair).getPrivate();
            } else if (o instanceof PrivateKeyInfo info) {
                privateKey = keys.getPrivateKey(info);
            } else {
                throw new ConfigException("tls.private_key: " + keyFile + " holds no unencrypted PEM private key");
            }
        } catch (IOException e) {
            throw new ConfigException("tls.private_key: cannot read " + keyFile + ": " + e.getMessage());
        }
        try {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            ks.setKeyEntry("labhub", privateKey, new char[0], chain.toArray(new X509Certificate[0]));
            return ks;
        } catch (GeneralSecurityException | IOException e) {
            throw new ConfigException("tls: the certificate and key do not fit together: " + e.getMessage());
        }
    }

    /** A self-signed certificate for this host, valid for 825 days (the longest browsers accept). */
    static void generateSelfSigned(Path certFile, Path keyFile) {
        generateSelfSigned(certFile, keyFile, localHostName());
    }

    static void generateSelfSigned(Path certFile, Path keyFile, String host) {
        try {
            KeyPairGenerator gen = KeyPairGenerator.getInstance("EC");
            gen.initialize(256);
            KeyPair pair = gen.generateKeyPair();
            X500Name subject = new X500Name("CN=" + host + ",O=labhub self-signed");
            Instant now = Instant.now();
            JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject,
                    new BigInteger(64, new java.security.SecureRandom()), Date.from(now.minus(Duration.ofDays(1))),
                    Date.from(now.plus(Duration.ofDays(825))), subject, pair.getPublic());
            builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
                    new GeneralName(host.matches("[0-9.]+") ? GeneralName.iPAddress : GeneralName.dNSName, host), new GeneralName(GeneralName.dNSName, "localhost"),
                    new GeneralName(GeneralName.iPAddress, "127.0.0.1"), new GeneralName(GeneralName.iPAddress, "::1")}));
            X509Certificate cert = new JcaX509CertificateConverter()
                    .getCertificate(builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(pair.getPrivate())));
            // PKCS#8 ("PRIVATE KEY"): written as a bare java.security.PrivateKey, an EC key came out as SEC1 without
            // its curve, which no reader (keyStore above included) can load.
            AtomicFiles.writePrivate(keyFile, pem(new JcaPKCS8Generator(pair.getPrivate(), null)));
            AtomicFiles.write(certFile, pem(cert));
        } catch (IOException | GeneralSecurityException | OperatorCreationException e) {
            throw new IllegalStateException("cannot generate a self-signed certificate: " + e.getMessage(), e);
        }
    }

    private static byte[] pem(Object o) throws IOException {
        StringWriter s = new StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(s)) {
            w.writeObject(o);
        }
        return s.toString().getBytes(StandardCharsets.US_ASCII);
    }
}
