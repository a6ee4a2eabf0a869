package org.labhub.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.labhub.testing.TestHub;
import org.labhub.web.Json;
import tools.jackson.databind.JsonNode;

/** The committed docs are what the code generates, so a reader never meets a setting or endpoint that is not there. */
class GeneratedDocsTest {
    static TestHub hub;

    @BeforeAll
    static void start() throws Exception {
        hub = TestHub.start();
    }

    @AfterAll
    static void stop() throws Exception {
        hub.close();
    }

    private static Path repoFile(String relative) {
        String root = Objects.requireNonNull(System.getProperty("labhub.repo.root"),
                "system property labhub.repo.root (set by the surefire configuration in appliance/pom.xml)");
        return Path.of(root).resolve(relative).normalize();
    }

    @Test
    void theConfigurationReferenceIsWhatTheSettingsGenerate() throws IOException {
        assertThat(Files.readString(repoFile("docs/configuration.md")))
                .as("docs/configuration.md is out of date; regenerate it with: ./labhub config-doc > docs/configuration.md")
                .isEqualTo(ConfigDoc.markdown());
    }

    @Test
    void theOpenApiFileIsWhatARunningHubServes() throws IOException {
        String served = hub.client().get("/api/openapi.json").expectStatus(200).body();
        assertThat(Files.readString(repoFile("docs/openapi.json")))
                .as("docs/openapi.json is out of date; regenerate it with: ./labhub openapi > docs/openapi.json")
                .isEqualTo(served);
    }

    @Test
    void everyApiRouteIsDescribedInTheOpenApiPaths() {
        JsonNode paths = Json.MAPPER.readTree(hub.client().get("/api/openapi.json").expectStatus(200).body()).path("paths");
        assertThat(hub.hub().routes()).filteredOn(r -> r.template().startsWith("/api/")).isNotEmpty()
                .allSatisfy(r -> assertThat(paths.path(documented(r.template())).has(r.method().toLowerCase()))
                        .as("%s %s is in the OpenAPI paths", r.method(), r.template()).isTrue());
    }

    @Test
    void theOpenApiPathsNameOnlyRoutesThatExist() {
        JsonNode paths = Json.MAPPER.readTree(hub.client().get("/api/openapi.json").expectStatus(200).body()).path("paths");
        var routes = hub.hub().routes().stream().map(r -> r.method().toLowerCase() + " " + documented(r.template())).toList();
        paths.properties().forEach(path -> path.getValue().propertyNames().forEach(method ->
                assertThat(routes).as("documented route").contains(method + " " + path.getKey())));
    }

    /** OpenAPI has no rest-of-path variable: {@code {path*}} is documented as {@code {path}}. */
    private static String documented(String template) {
        return template.replace("*}", "}");
    }
}
