package org.labhub.storage;

import java.time.Instant;

/** Something a user deleted: where it was, when, and how big, until it is restored or the trash is emptied. */
public record TrashItem(String id, RelPath originalPath, Entry.Kind kind, long sizeBytes, Instant deletedAt) {}
