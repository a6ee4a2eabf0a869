package org.labhub.podman;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.jetty.client.PathRequestContent;
import org.eclipse.jetty.client.Request;

/** The image endpoints of the libpod API that labhub uses: what environments exist, and bringing new ones in. */
public final class Images {
    private final PodmanHttp http;

    Images(PodmanHttp http) {
        this.http = http;
    }

    public List<ImageInfo> list() {
        List<ImageInfo> out = new ArrayList<>();
        http.send(http.request("GET", "/images/json"), 200).json().values().forEach(i -> out.add(ImageInfo.from(i)));
        return out;
    }

    /** By name ({@code localhost/labhub/python:1}), id or digest. */
    public ImageInfo inspect(String ref) {
        return ImageInfo.from(http.send(http.request("GET", "/images/" + PodmanHttp.segment(ref) + "/json"), 200).json());
    }

    public boolean exists(String ref) {
        return http.send(http.request("GET", "/images/" + PodmanHttp.segment(ref) + "/exists"), 204, 404).status() == 204;
    }

    /** Untags and deletes; {@code force} also removes containers that use it. */
    public void remove(String ref, boolean force) {
        http.send(http.request("DELETE", "/images/" + PodmanHttp.segment(ref)).param("force", Boolean.toString(force)), 200);
    }

    /**
     * Streams an image as a tar in {@code format} ({@code oci-archive} or {@code docker-archive}), as
     * {@code podman save} writes it; never held in memory. The caller closes the stream (early close aborts).
     */
    public java.io.InputStream save(String ref, String format, Duration timeout) {
        Request r = http.request("GET", "/images/" + PodmanHttp.segment(ref) + "/get", timeout).param("format", format);
        return http.stream(r, 200, timeout);
    }

    /**
     * Loads a docker-archive or OCI-archive tar (what {@code podman save} writes), streamed from the file, never
     * held in memory: images are hundreds of megabytes. Returns the names of the loaded images.
     */
    public List<String> load(Path tar, Duration timeout) {
        if (!Files.isRegularFile(tar) || !Files.isReadable(tar)) {
            throw new IllegalArgumentException("cannot read image archive " + tar);
        }
        Request r;
        try {
            r = http.request("POST", "/images/load", timeout).body(new PathRequestContent("application/x-tar", tar));
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read image archive " + tar + ": " + e.getMessage(), e);
        }
        return PodmanJson.strings(http.send(r, 200).json(), "Names");
    }
}
