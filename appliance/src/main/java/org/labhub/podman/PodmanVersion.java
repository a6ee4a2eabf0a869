package org.labhub.podman;

import tools.jackson.databind.JsonNode;

/** Which Podman answers, logged at start so that a bug report names the version that misbehaved. */
public record PodmanVersion(String version, String apiVersion, String ociRuntime) {

    static PodmanVersion from(JsonNode j) {
        String api = "";
        String runtime = "";
        for (JsonNode c : j.path("Components").values()) {
            String name = PodmanJson.text(c, "Name");
            if (name.equals("Podman Engine")) {
                api = PodmanJson.text(c.path("Details"), "APIVersion");
            } else if (name.startsWith("OCI Runtime")) {
                String v = PodmanJson.text(c, "Version");
                runtime = v.contains("\n") ? v.substring(0, v.indexOf('\n')) : v;
            }
        }
        return new PodmanVersion(PodmanJson.text(j, "Version"), api, runtime);
    }
}
