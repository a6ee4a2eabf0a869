package org.labhub.jobs;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.labhub.auth.Scope;
import org.labhub.environments.Environment;
import org.labhub.environments.Environments;
import org.labhub.environments.Profile;
import org.labhub.environments.Profiles;
import org.labhub.files.FilesPages;
import org.labhub.runs.RunState;
import org.labhub.spawner.DashboardPage;
import org.labhub.storage.RelPath;
import org.labhub.users.GroupStore;
import org.labhub.users.User;
import org.labhub.web.Access;
import org.labhub.web.Exchange;
import org.labhub.web.HttpError;
import org.labhub.web.Json;
import org.labhub.web.Pages;
import org.labhub.web.Routes;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * The jobs pages: the caller's jobs with the form that submits one ({@code /jobs}), and one job with its live log
 * ({@code /jobs/{id}}). Forms post here and work without a script; {@code jobs.js} follows the log and the state.
 * Who may see or act on a job is decided by {@link Jobs}, as for the API: others' jobs are 404, admins may look and cancel.
 */
public final class JobsPages implements Routes.Provider {
    /** The page shows the end of a long log; the whole of it is a link away. */
    static final int LOG_LINES_SHOWN = 5000;
    /** The driver's progress line: {@code [labhub] NAME: cell 3 of 7 running}. */
    private static final Pattern CELL = Pattern.compile("^\\[labhub] .*: cell (\\d+) of (\\d+) running$");

    private final Jobs jobs;
    private final Pages pages;
    private final GroupStore groups;
    private final Environments environments;
    private final Profiles profiles;
    private final Clock clock;

    public JobsPages(Jobs jobs, Pages pages, GroupStore groups, Environments environments, Profiles profiles, Clock clock) {
        this.jobs = jobs;
        this.pages = pages;
        this.groups = groups;
        this.environments = environments;
        this.profiles = profiles;
        this.clock = clock;
    }

    @Override
    public void register(Routes r) {
        r.get("/jobs", Access.user(Scope.READ), this::list, "Your batch jobs and the form that submits one (?notebook= prefills it)")
         .post("/jobs", Access.user(Scope.SERVERS), this::submit,
                 "Submit a job (form: notebook, environment, profile, parameters, output_folder, time_limit, stop_on_error)")
         .get("/jobs/{id}", Access.user(Scope.READ), this::show, "One job: its state, failing cell, output and live log")
         .post("/jobs/{id}/cancel", Access.user(Scope.SERVERS), this::cancel, "Cancel a queued or running job")
         .post("/jobs/{id}/rerun", Access.user(Scope.SERVERS), this::rerun, "Run a job again as a new job")
         .post("/jobs/{id}/delete", Access.user(Scope.SERVERS), this::delete, "Delete a finished job");
    }

    /** The new-job form's fields as typed (or their defaults). */
    public record Form(String notebook, String environment, String profile, String parameters, String outputFolder,
                       String timeLimit, boolean stopOnError) {
        static Form read(Exchange ex) {
            return new Form(ex.formValue("notebook").strip(), ex.formValue("environment"), ex.formValue("profile"),
                    ex.formValue("parameters"), ex.formValue("output_folder").strip(), ex.formValue("time_limit").strip(),
                    "on".equals(ex.formValue("stop_on_error")));
        }
    }

    /** What went wrong with a submission: next to a field, or for the form as a whole. */
    public record Problems(String form, String parameters, String timeLimit) {
        static final Problems NONE = new Problems("", "", "");
    }

    /**
     * One job as the pages show it.
     *
     * @param stateLabel the state in words ("timed out"); never shown by colour alone
     * @param failingCell "cell 2 (index 1)", or empty
     */
    public record JobView(long id, String owner, String notebook, String notebookName, String notebookUrl, String environment,
                          String profile, String state, String stateLabel, boolean isFinal, int ahead, Optional<Instant> created,
                          Optional<Instant> started, Optional<Instant> finished, String duration, String outputPath,
                          String outputUrl, String outputFolder, String timeLimit, boolean stopOnError, String parameters,
                          String message, String failingCell, String errorName, String errorValue, String url) {

        public boolean cancellable() {
            return !isFinal;
        }

        public boolean queued() {
            return state.equals("queued");
        }

        public boolean running() {
            return state.equals("running");
        }

        /** The executed notebook's file name, without its folder. */
        public String outputName() {
            return outputPath.substring(outputPath.lastIndexOf('/') + 1);
        }
    }

    private void list(Exchange ex) {
        User me = JobsApi.caller(ex);
        Form form = new Form(ex.query("notebook").orElse("").strip(), "", "", "", "", "", true);
        render(ex, 200, me, form, Problems.NONE);
    }

    private void render(Exchange ex, int status, User me, Form typed, Problems problems) {
        Instant now = clock.instant();
        Map<String, String> names = displayNames();
        List<JobView> mine = jobs.list(me).stream().map(j -> view(j, now, names)).toList();
        List<String> myGroups = groups.groupsOf(me.id());
        List<Environment> enabled = environments.enabled();
        List<Profile> open = profiles.availableTo(me.admin(), myGroups);
        String env = enabled.stream().map(Environment::name).filter(typed.environment()::equals).findFirst()
                .or(() -> enabled.stream().map(Environment::name).filter("python"::equals).findFirst())
                .orElse(enabled.isEmpty() ? "" : enabled.get(0).name());
        String profile = open.stream().map(Profile::name).filter(typed.profile()::equals).findFirst()
                .or(() -> open.stream().filter(Profile::isDefault).map(Profile::name).findFirst())
                .orElse(open.isEmpty() ? "" : open.get(0).name());
        Map<String, Object> model = new HashMap<>();
        model.put("jobs", mine);
        model.put("busy", mine.stream().anyMatch(j -> !j.isFinal()));
        model.put("form", typed);
        model.put("problems", problems);
        model.put("environments", enabled.stream().map(e -> new DashboardPage.EnvironmentChoice(e.name(), e.displayName(),
                e.description(), e.name().equals(env))).toList());
        model.put("profiles", open.stream().map(p -> new DashboardPage.ProfileChoice(p.name(), p.displayName(),
                p.name().equals(profile))).toList());
        model.put("maxMinutes", Math.max(1, jobs.maxDuration().toMinutes()));
        model.put("defaultMinutes", Math.max(1, Math.min(Jobs.DEFAULT_TIMEOUT.toMinutes(), jobs.maxDuration().toMinutes())));
        pages.render(ex, status, "jobs", model);
    }

    private void submit(Exchange ex) {
        User me = JobsApi.caller(ex);
        Form typed = Form.read(ex);
        JsonNode parameters = null;
        String paramProblem = "";
        if (!typed.parameters().isBlank()) {
            try {
                parameters = Json.MAPPER.readTree(typed.parameters());
                if (!parameters.isObject()) {
                    paramProblem = "Parameters must be a JSON object in braces, such as {\"alpha\": 0.5, \"label\": \"run 1\"}.";
                }
            } catch (JacksonException e) {
                paramProblem = "This is not valid JSON: " + firstLine(e.getOriginalMessage())
                        + ". Write an object such as {\"alpha\": 0.5, \"label\": \"run 1\"}.";
            }
        }
        Long seconds = null;
        String timeProblem = "";
        if (!typed.timeLimit().isEmpty()) {
            try {
                double minutes = Double.parseDouble(typed.timeLimit());
                if (!(minutes > 0) || Double.isInfinite(minutes)) {
                    timeProblem = "The time limit must be more than 0 minutes.";
                } else {
                    seconds = Math.max(1, Math.round(minutes * 60));
                }
            } catch (NumberFormatException e) {
                timeProblem = "The time limit is a number of minutes, such as 30.";
            }
        }
        if (!paramProblem.isEmpty() || !timeProblem.isEmpty()) {
            render(ex, 400, me, typed, new Problems("", paramProblem, timeProblem));
            return;
        }
        Job job;
        try {
            job = jobs.submit(me, new Jobs.Request(typed.notebook(), typed.environment(), typed.profile(), parameters,
                    typed.outputFolder(), seconds, typed.stopOnError()), ex.clientAddress());
        } catch (HttpError e) {
            String words = capitalize(e.getMessage()) + ".";
            boolean aboutParameters = e.getMessage().startsWith("parameter");
            render(ex, e.status(), me, typed, new Problems(aboutParameters ? "" : refused(e.status()) + words,
                    aboutParameters ? words : "", ""));
            return;
        }
        pages.flash().success(ex, "Submitted job " + job.id() + ": " + job.notebook() + ".");
        ex.redirect("/jobs/" + job.id());
    }

    /** A lead-in for the API's answer, by its status, so that the reason reads as a sentence. */
    private static String refused(int status) {
        return switch (status) {
            case 403 -> "Not allowed: ";
            case 409 -> "This cannot run now: ";
            case 429 -> "Too many jobs at once: ";
            case 503 -> "The hub cannot run jobs at the moment: ";
            default -> "The job was not submitted: ";
        };
    }

    private void show(Exchange ex) {
        User me = JobsApi.caller(ex);
        Job job = jobs.visible(me, JobsApi.id(ex));
        JobView view = view(job, clock.instant(), displayNames());
        List<String> lines = jobs.log(job);
        int cut = Math.max(0, lines.size() - LOG_LINES_SHOWN);
        Map<String, Object> model = new HashMap<>();
        model.put("job", view);
        model.put("mine", job.owner().equals(me.name()));
        model.put("log", String.join("\n", lines.subList(cut, lines.size())));
        model.put("logCut", cut);
        model.put("cell", view.running() ? currentCell(lines) : "");
        pages.render(ex, "job", model);
    }

    /** "cell 3 of 7" from the driver's last progress line, or empty. */
    static String currentCell(List<String> lines) {
        for (int i = lines.size() - 1; i >= 0; i--) {
            Matcher m = CELL.matcher(lines.get(i));
            if (m.matches()) {
                return "cell " + m.group(1) + " of " + m.group(2);
            }
        }
        return "";
    }

    private void cancel(Exchange ex) {
        User me = JobsApi.caller(ex);
        long id = JobsApi.id(ex);
        act(ex, id, () -> {
            jobs.cancel(me, id, ex.clientAddress());
            pages.flash().success(ex, "Job " + id + " is cancelled.");
        });
        ex.redirect("list".equals(ex.formValue("back")) ? "/jobs" : "/jobs/" + id);
    }

    private void rerun(Exchange ex) {
        User me = JobsApi.caller(ex);
        long id = JobsApi.id(ex);
        try {
            Job again = jobs.rerun(me, id, ex.clientAddress());
            pages.flash().success(ex, "Submitted job " + again.id() + ", running job " + id + " again.");
            ex.redirect("/jobs/" + again.id());
        } catch (HttpError e) {
            if (e.status() == 404) {
                throw e;
            }
            pages.flash().error(ex, "Job " + id + " could not run again: " + e.getMessage() + ".");
            ex.redirect("/jobs/" + id);
        }
    }

    private void delete(Exchange ex) {
        User me = JobsApi.caller(ex);
        long id = JobsApi.id(ex);
        boolean deleted = act(ex, id, () -> {
            jobs.delete(me, id, ex.clientAddress());
            pages.flash().success(ex, "Deleted job " + id + ". Its executed notebook stays in your files.");
        });
        ex.redirect(deleted || "list".equals(ex.formValue("back")) ? "/jobs" : "/jobs/" + id);
    }

    /** Runs an action on a job; a job that is not the caller's stays 404, anything else refused becomes the flash. */
    private boolean act(Exchange ex, long id, Runnable action) {
        try {
            action.run();
            return true;
        } catch (HttpError e) {
            if (e.status() == 404) {
                throw e;
            }
            pages.flash().error(ex, "Job " + id + ": " + e.getMessage() + ".");
            return false;
        }
    }

    /** Display names of environments and profiles; a job keeps showing the bare name of one deleted since. */
    private Map<String, String> displayNames() {
        Map<String, String> names = new HashMap<>();
        environments.all().forEach(e -> names.put("env:" + e.name(), e.displayName()));
        profiles.availableTo(true, List.of()).forEach(p -> names.put("profile:" + p.name(), p.displayName()));
        return names;
    }

    private JobView view(Job j, Instant now, Map<String, String> names) {
        String error = j.failingError();
        int colon = error.indexOf(": ");
        String cell = j.failingCell().isPresent()
                ? "cell " + (j.failingCell().getAsInt() + 1) + " (index " + j.failingCell().getAsInt() + ")" : "";
        return new JobView(j.id(), j.owner(), j.notebook(), j.notebookName(), fileUrl(j.owner(), j.notebook()),
                names.getOrDefault("env:" + j.environment(), j.environment()),
                j.profile().isEmpty() ? "the default" : names.getOrDefault("profile:" + j.profile(), j.profile()),
                JobStore.stateId(j.state()), label(j.state()), j.state().isFinal(), jobs.ahead(j), Optional.of(j.createdAt()),
                j.startedAt(), j.finishedAt(), j.duration(now).map(JobsPages::duration).orElse("—"), j.outputPath(),
                j.outputPath().isEmpty() ? "" : fileUrl(j.owner(), j.outputPath()), j.outputFolder().isEmpty() ? "/" : j.outputFolder(),
                duration(j.timeout()), j.stopOnError(), parametersText(j.parameters()), j.message(), cell,
                colon < 0 ? error : error.substring(0, colon), colon < 0 ? "" : error.substring(colon + 2), "/jobs/" + j.id());
    }

    /** The file browser's page of a path in the owner's files. */
    static String fileUrl(String owner, String path) {
        try {
            return "/files/" + FilesPages.enc(owner) + FilesPages.encPath(RelPath.parse(path));
        } catch (IllegalArgumentException e) {
            return "";
        }
    }

    static String label(RunState s) {
        return JobStore.stateId(s).replace('_', ' ');
    }

    /** {@code 45 s}, {@code 3 min 5 s}, {@code 2 h 10 min}. */
    static String duration(Duration d) {
        long s = Math.max(0, d.toSeconds());
        if (s < 60) {
            return s + " s";
        }
        if (s < 3600) {
            return (s / 60) + " min" + (s % 60 == 0 ? "" : " " + (s % 60) + " s");
        }
        return (s / 3600) + " h" + ((s % 3600) / 60 == 0 ? "" : " " + ((s % 3600) / 60) + " min");
    }

    private static String parametersText(String json) {
        if (json == null || json.isBlank() || json.equals("{}")) {
            return "";
        }
        return json;
    }

    private static String firstLine(String s) {
        String line = s == null ? "" : s.strip().split("\n", 2)[0];
        return line.length() > 200 ? line.substring(0, 200) + "…" : line;
    }

    private static String capitalize(String s) {
        return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }
}
