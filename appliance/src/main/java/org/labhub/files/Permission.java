package org.labhub.files;

import java.util.EnumSet;
import java.util.Set;

/**
 * What someone may do with a file or folder, as Nextcloud and CERNBox split it. The UI offers three levels
 * (read, write = create + update + delete, reshare) and the upload-only drop box (create alone).
 */
public enum Permission {
    READ, CREATE, UPDATE, DELETE, RESHARE;

    public static Set<Permission> all() { return EnumSet.allOf(Permission.class); }
    public static Set<Permission> readOnly() { return EnumSet.of(READ); }
    public static Set<Permission> readWrite() { return EnumSet.of(READ, CREATE, UPDATE, DELETE); }
    public static Set<Permission> dropBox() { return EnumSet.of(CREATE); }
}
