package org.labhub.spawner;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The token each notebook start gets, derived from the hub's secret key and a random per-start nonce. The catalog
 * keeps only the nonce, so neither it nor a backup holds a credential, yet a restarted hub can still reach the
 * servers it adopts.
 */
public final class NotebookTokens {
    private final byte[] key;

    public NotebookTokens(byte[] hubSecret) {
        this.key = hubSecret.clone();
    }

    public String tokenFor(long serverId, String nonce) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            byte[] sig = mac.doFinal(("notebook-token\n" + serverId + "\n" + nonce).getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(sig);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every Java runtime", e);
        }
    }
}
