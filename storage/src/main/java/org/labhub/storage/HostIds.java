package org.labhub.storage;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.UserPrincipalLookupService;

/**
 * Which host uid owns a user's files. Each user's notebook container runs in its own fixed user namespace
 * (container ids 0…65535 are host ids {@code BASE…BASE+65535}), so the container's {@code jovyan} (uid 1000)
 * is always the same host uid for that user, and files keep one owner across starts (docs/adr/0009).
 */
public final class HostIds {
    /** First host id of the first user's range: above ordinary accounts, below Podman's {@code containers} range (2^31). */
    public static final long FIRST_BASE = 1L << 30;
    public static final long RANGE = 65536;
    /** The uid (and gid) of the notebook user inside the images. */
    public static final long CONTAINER_UID = 1000;
    /** Users (by catalog id) that fit between {@link #FIRST_BASE} and 2^31. */
    public static final long MAX_USER_ID = ((1L << 31) - FIRST_BASE) / RANGE - 1;

    private HostIds() {}

    /** The first host id of this user's range; container uid 0 maps to it. */
    public static long base(long userId) {
        if (userId < 0 || userId > MAX_USER_ID) {
            throw new IllegalArgumentException("user id " + userId + " has no host id range (at most " + MAX_USER_ID + " users)");
        }
        return FIRST_BASE + RANGE * userId;
    }

    /** The host uid and gid that own this user's files: their container's uid 1000. */
    public static long owner(long userId) {
        return base(userId) + CONTAINER_UID;
    }

    /**
     * Gives {@code dir} and everything under it to {@code uid:uid} where it is owned by anyone else (files the hub
     * wrote as root, or a home from before per-user ranges). Quick when nothing needs changing: only the
     * top folder is looked at if it already has the owner and {@code deep} is false.
     */
    public static void claim(Path dir, long uid, boolean deep) throws IOException {
        if (!deep && owned(dir, uid)) {
            return;
        }
        UserPrincipalLookupService lookup = dir.getFileSystem().getUserPrincipalLookupService();
        var user = lookup.lookupPrincipalByName(Long.toString(uid));
        var group = lookup.lookupPrincipalByGroupName(Long.toString(uid));
        Files.walkFileTree(dir, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) throws IOException {
                set(d);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path f, BasicFileAttributes attrs) throws IOException {
                set(f);
                return FileVisitResult.CONTINUE;
            }

            private void set(Path p) throws IOException {
                if (!owned(p, uid)) {
                    PosixFileAttributeView view = Files.getFileAttributeView(p, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS);
                    view.setOwner(user);
                    view.setGroup(group);
                }
            }
        });
    }

    private static boolean owned(Path p, long uid) throws IOException {
        Object owner = Files.getAttribute(p, "unix:uid", LinkOption.NOFOLLOW_LINKS);
        Object group = Files.getAttribute(p, "unix:gid", LinkOption.NOFOLLOW_LINKS);
        return (((Integer) owner) & 0xffffffffL) == uid && (((Integer) group) & 0xffffffffL) == uid;
    }
}
