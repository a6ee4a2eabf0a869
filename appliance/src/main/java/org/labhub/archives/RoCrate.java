package org.labhub.archives;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.labhub.web.Json;

/**
 * {@code ro-crate-metadata.json} (RO-Crate 1.1) at the payload root: the root dataset with name, description,
 * authors, date, license, keywords and every file; the environment as a SoftwareApplication with its image id,
 * digest and Debian package list; and the run that made the outputs as a CreateAction. A "does not run"
 * preservation is said in the root's {@code creativeWorkStatus}.
 */
final class RoCrate {
    private RoCrate() {}

    /** What the crate describes. {@code doesNotRun} holds the failure in words when the analysis was preserved anyway. */
    record Description(String title, String description, List<String> authors, String license, List<String> keywords,
                       Instant published, String environment, String environmentName, String imageId, String imageDigest,
                       boolean byReference, List<String> packages, Optional<String> doesNotRun, Instant runStarted,
                       Instant runFinished, List<String> inputs, List<String> outputs) {}

    static void write(Path data, Description d) throws IOException {
        List<Object> graph = new ArrayList<>();
        graph.add(map("@id", "ro-crate-metadata.json", "@type", "CreativeWork",
                "conformsTo", ref("https://w3id.org/ro/crate/1.1"), "about", ref("./")));
        List<Object> parts = new ArrayList<>();
        List<Object> files = new ArrayList<>();
        for (Path f : BagWriter.payloadFiles(data)) {
            String rel = data.relativize(f).toString().replace(java.io.File.separatorChar, '/');
            if (rel.equals("ro-crate-metadata.json")) {
                continue;
            }
            parts.add(ref(rel));
            files.add(map("@id", rel, "@type", "File", "name", f.getFileName().toString(), "contentSize", Long.toString(Files.size(f)),
                    "encodingFormat", format(rel)));
        }
        Map<String, Object> root = map("@id", "./", "@type", "Dataset", "name", d.title(), "description", d.description(),
                "datePublished", d.published().toString(), "license", d.license().matches("https?://.*") ? ref(d.license()) : d.license(),
                "keywords", String.join(", ", d.keywords()), "hasPart", parts, "mentions", ref("#run"));
        List<Object> authors = new ArrayList<>();
        for (int i = 0; i < d.authors().size(); i++) {
            authors.add(ref("#author-" + (i + 1)));
        }
        root.put("author", authors);
        d.doesNotRun().ifPresent(why -> root.put("creativeWorkStatus", "does not run: " + why));
        graph.add(root);
        for (int i = 0; i < d.authors().size(); i++) {
            graph.add(map("@id", "#author-" + (i + 1), "@type", "Person", "name", d.authors().get(i)));
        }
        graph.addAll(files);
        List<Object> requirements = new ArrayList<>();
        List<Object> packages = new ArrayList<>();
        for (String line : d.packages()) {
            String[] p = line.split("\t", 2);
            String id = "#package-" + p[0];
            requirements.add(ref(id));
            packages.add(map("@id", id, "@type", "SoftwareApplication", "name", p[0], "version", p.length > 1 ? p[1] : ""));
        }
        Map<String, Object> env = map("@id", "#environment", "@type", "SoftwareApplication", "name", d.environmentName(),
                "alternateName", d.environment(), "identifier", d.imageId(), "version", d.imageDigest(),
                "description", d.byReference() ? "Container image kept by reference: only its id is in this archive"
                        : "Container image saved in this archive as an OCI archive: environment/image.oci.tar",
                "softwareRequirements", requirements);
        if (!d.byReference()) {
            env.put("installUrl", "environment/image.oci.tar");
        }
        graph.add(env);
        graph.addAll(packages);
        graph.add(map("@id", "#run", "@type", "CreateAction", "name", "Notebooks executed top to bottom without network",
                "instrument", ref("#environment"), "startTime", d.runStarted().toString(), "endTime", d.runFinished().toString(),
                "actionStatus", ref(d.doesNotRun().isPresent() ? "http://schema.org/FailedActionStatus" : "http://schema.org/CompletedActionStatus"),
                "object", d.inputs().stream().map(RoCrate::ref).toList(), "result", d.outputs().stream().map(RoCrate::ref).toList()));
        Map<String, Object> crate = map("@context", "https://w3id.org/ro/crate/1.1/context", "@graph", graph);
        BagWriter.write(data.resolve("ro-crate-metadata.json"), Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(crate));
    }

    private static String format(String path) {
        if (path.endsWith(".ipynb")) {
            return "application/x-ipynb+json";
        }
        if (path.endsWith(".tar")) {
            return "application/x-tar";
        }
        if (path.endsWith(".sh")) {
            return "text/x-shellscript";
        }
        return path.endsWith(".log") || path.endsWith(".txt") ? "text/plain" : "application/octet-stream";
    }

    static Map<String, Object> ref(String id) {
        return map("@id", id);
    }

    static Map<String, Object> map(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }
}
