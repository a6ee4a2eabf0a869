package org.labhub.storage;

/** How much of their quota a user uses; {@code limitBytes} 0 means no limit. Trash counts: it is still on disk. */
public record Usage(long homeBytes, long trashBytes, long limitBytes) {
    public long usedBytes() { return homeBytes + trashBytes; }
    public boolean unlimited() { return limitBytes <= 0; }
    public long freeBytes() { return unlimited() ? Long.MAX_VALUE : Math.max(0, limitBytes - usedBytes()); }
}
