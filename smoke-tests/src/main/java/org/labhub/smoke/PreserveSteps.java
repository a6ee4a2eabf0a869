package org.labhub.smoke;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** A notebook preserved as an archive (run in its environment, outputs kept) whose landing page answers. */
final class PreserveSteps {
    private static final Duration PRESERVE_LIMIT = Duration.ofMinutes(5);

    private PreserveSteps() {}

    static Step preserve() {
        return new Step("preserve a notebook", PreserveSteps::preserveNotebook);
    }

    static void preserveNotebook(Context c) {
        c.user1Api.put("/api/files/" + c.user1 + "/" + c.notebookName, notebook().toString().getBytes(StandardCharsets.UTF_8), "application/json")
                .expect("write " + c.notebookName + " with the files API", 201);
        ObjectNode body = Json.object().put("path", c.notebookName).put("title", "labhub smoke " + c.run)
                .put("description", "Written by the smoke suite; prints 42.").put("license", "CC0-1.0")
                // by reference: the archive names the image instead of copying it (a copy takes minutes and gigabytes)
                .put("by_reference", true);
        body.putArray("authors").add("labhub smoke");
        if (c.environment != null && !c.environment.isEmpty()) {
            body.put("environment", c.environment);
        }
        String status = c.user1Api.api("POST", "/api/archives", body).expect("preserve " + c.notebookName, 202).field("status");
        String[] last = {""};
        JsonNode done = c.deadline.await("the preservation of " + c.notebookName, PRESERVE_LIMIT, () -> {
            Hub.Response r = c.user1Api.api("GET", status).expect("follow the preservation", 200, 422);
            JsonNode t = r.json();
            String state = t.path("state").asString("");
            last[0] = state + " " + t.path("message").asString("");
            if (state.equals("failed") || r.status() == 422) {
                JsonNode f = t.path("failure");
                throw new StepFailure("the preservation failed: " + t.path("message").asString("")
                        + (f.isMissingNode() ? "" : " (cell " + f.path("cell_index").asInt() + ": " + f.path("error_name").asString("")
                        + " " + f.path("error_value").asString("") + ")"));
            }
            return state.equals("done") ? t : null;
        }, () -> last[0].trim());
        String archive = done.path("archive").asString("");
        if (archive.isEmpty()) {
            throw new StepFailure("the preservation is done but names no archive: " + Hub.Response.abbreviate(done.toString()));
        }
        JsonNode a = c.user1Api.api("GET", "/api/archives/" + archive).expect("read archive " + archive, 200).json();
        if (!a.path("state").asString("").equals("ok")) {
            throw new StepFailure("archive " + archive + " is " + a.path("state").asString("") + ": " + a.path("problem").asString(""));
        }
        // the notebook ran in its environment when it was preserved: the archived copy holds its output
        String executed = c.user1Api.api("GET", "/api/archives/" + archive + "/files/data/outputs/" + c.notebookName)
                .expect("read the executed notebook from the archive", 200).body();
        if (!printed(executed).trim().equals("42")) {
            throw new StepFailure("the archived notebook printed '" + Hub.Response.abbreviate(printed(executed)) + "', not 42");
        }
        String page = c.user1Browser.get("/archives/" + archive).expect("open the archive's landing page", 200).body();
        if (!page.contains("labhub smoke " + c.run)) {
            throw new StepFailure("the landing page /archives/" + archive + " does not show the archive's title");
        }
    }

    /** Everything a notebook's cells printed (stream outputs; text is a string or a list of lines). */
    static String printed(String notebook) {
        StringBuilder out = new StringBuilder();
        JsonNode nb = Json.parseOrNull(notebook);
        if (nb == null) {
            return "";
        }
        for (JsonNode cell : nb.path("cells")) {
            for (JsonNode o : cell.path("outputs")) {
                if (o.path("output_type").asString("").equals("stream")) {
                    JsonNode text = o.path("text");
                    if (text.isArray()) {
                        text.forEach(t -> out.append(t.asString("")));
                    } else {
                        out.append(text.asString(""));
                    }
                }
            }
        }
        return out.toString();
    }

    /** One code cell that prints 42 (nbformat 4.5). */
    private static ObjectNode notebook() {
        ObjectNode nb = Json.object();
        ObjectNode cell = nb.putArray("cells").addObject();
        cell.put("cell_type", "code").put("id", "smoke-1").putNull("execution_count");
        cell.putObject("metadata");
        cell.putArray("outputs");
        cell.put("source", "print(6*7)");
        nb.putObject("metadata").putObject("kernelspec").put("name", "python3").put("display_name", "Python 3").put("language", "python");
        nb.put("nbformat", 4).put("nbformat_minor", 5);
        return nb;
    }
}
