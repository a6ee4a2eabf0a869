package org.labhub.spawner;

import org.labhub.auth.Secrets;

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
        return Secrets.hmac(key, "notebook-token\n" + serverId + "\n" + nonce);
    }
}
