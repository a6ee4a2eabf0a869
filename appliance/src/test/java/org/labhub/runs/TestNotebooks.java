package org.labhub.runs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.labhub.web.Json;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** Small nbformat 4.5 notebooks for run tests: code cells, the first one optionally tagged {@code parameters}. */
public final class TestNotebooks {
    private TestNotebooks() {}

    public static ObjectNode notebook(boolean firstIsParameters, String... codeCells) {
        ObjectNode nb = Json.MAPPER.createObjectNode();
        ArrayNode cells = nb.putArray("cells");
        for (int i = 0; i < codeCells.length; i++) {
            ObjectNode c = cells.addObject();
            c.put("cell_type", "code");
            c.put("id", "cell-" + i);
            c.putNull("execution_count");
            ObjectNode meta = c.putObject("metadata");
            if (i == 0 && firstIsParameters) {
                meta.putArray("tags").add(Parameters.TAG);
            }
            c.putArray("outputs");
            c.put("source", codeCells[i]);
        }
        ObjectNode ks = nb.putObject("metadata").putObject("kernelspec");
        ks.put("name", "python3");
        ks.put("display_name", "Python 3");
        ks.put("language", "python");
        nb.put("nbformat", 4);
        nb.put("nbformat_minor", 5);
        return nb;
    }

    public static Path write(Path file, ObjectNode nb) throws IOException {
        Files.createDirectories(file.getParent());
        Files.write(file, Json.MAPPER.writeValueAsBytes(nb));
        return file;
    }

    /** The text of every stream output of a notebook file, in order. */
    public static String printed(Path file) throws IOException {
        StringBuilder out = new StringBuilder();
        for (var cell : Json.MAPPER.readTree(Files.readAllBytes(file)).path("cells")) {
            for (var o : cell.path("outputs")) {
                if (o.path("output_type").asString("").equals("stream")) {
                    var text = o.path("text");
                    if (text.isArray()) {
                        text.forEach(t -> out.append(t.asString()));
                    } else {
                        out.append(text.asString());
                    }
                }
            }
        }
        return out.toString();
    }

    public static List<String> lines(String... l) {
        return List.of(l);
    }
}
