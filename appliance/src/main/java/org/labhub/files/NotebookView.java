package org.labhub.files;

import java.io.InputStream;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.labhub.web.Json;
import tools.jackson.databind.JsonNode;

/**
 * A notebook read-only, as data for the template (which escapes every string): code as text, markdown rendered by
 * {@link Markdown} (raw HTML shown as text, only safe links and images), plain-text outputs as text, PNG and JPEG outputs as {@code data:} images. HTML, JavaScript and SVG outputs are
 * never put on the hub's page, where they would run as the viewer: they are named and left out.
 */
public final class NotebookView {
    private NotebookView() {}

    /**
     * One cell: its kind ("markdown", "code", "raw"), its source, its execution count ("" if none), its outputs, and
     * for markdown cells the safe HTML to show ("" for the others).
     */
    public record Cell(String kind, String source, String count, List<Output> outputs, String html) {}

    /** One output: "text" (with {@code text}), "image" (with a {@code data:} URL) or "omitted" (with what was left out). */
    public record Output(String kind, String text, String image, boolean error) {}

    /** The cells and the kernel's language. */
    public record View(String language, List<Cell> cells) {}

    public static View render(InputStream json) {
        JsonNode nb;
        try {
            nb = Json.MAPPER.readTree(json);
        } catch (RuntimeException e) {
            return new View("", List.of(new Cell("raw", "This notebook could not be read: it is not valid JSON.", "", List.of(), "")));
        }
        String language = nb.path("metadata").path("kernelspec").path("language").asString("");
        List<Cell> cells = new ArrayList<>();
        for (JsonNode c : nb.path("cells")) {
            List<Output> outputs = new ArrayList<>();
            for (JsonNode o : c.path("outputs")) {
                outputs.add(output(o));
            }
            String count = c.path("execution_count").isNumber() ? c.path("execution_count").asString() : "";
            String kind = c.path("cell_type").asString("raw");
            String source = text(c.path("source"));
            cells.add(new Cell(kind, source, count, outputs, kind.equals("markdown") ? Markdown.toHtml(source) : ""));
        }
        return new View(language, cells);
    }

    private static Output output(JsonNode o) {
        String type = o.path("output_type").asString("");
        if (type.equals("stream")) {
            return new Output("text", text(o.path("text")), "", o.path("name").asString("").equals("stderr"));
        }
        if (type.equals("error")) {
            StringBuilder b = new StringBuilder(o.path("ename").asString("") + ": " + o.path("evalue").asString(""));
            for (JsonNode line : o.path("traceback")) {
                b.append('\n').append(line.asString("").replaceAll("\u001B\\[[0-9;]*[A-Za-z]", ""));
            }
            return new Output("text", b.toString(), "", true);
        }
        JsonNode data = o.path("data");
        for (String mime : List.of("image/png", "image/jpeg")) {
            String b64 = text(data.path(mime)).replaceAll("\\s", "");
            if (!b64.isEmpty() && isBase64(b64)) {
                return new Output("image", "", "data:" + mime + ";base64," + b64, false);
            }
        }
        if (data.has("text/plain")) {
            return new Output("text", text(data.path("text/plain")), "", false);
        }
        List<String> left = new ArrayList<>();
        data.propertyNames().forEach(left::add);
        return new Output("omitted", left.isEmpty() ? "an empty output" : String.join(", ", left), "", false);
    }

    private static boolean isBase64(String s) {
        try {
            Base64.getDecoder().decode(s);
            return s.matches("[A-Za-z0-9+/=]+");
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** nbformat stores text as a string or a list of lines. */
    private static String text(JsonNode n) {
        if (n.isArray()) {
            StringBuilder b = new StringBuilder();
            n.forEach(line -> b.append(line.asString("")));
            return b.toString();
        }
        return n.isString() ? n.asString() : "";
    }
}
