package org.labhub.smoke;

import java.util.ArrayList;
import java.util.List;

/** Deletes what the run made (its users, with their files, tokens and shares); safe to call again after a failure. */
final class CleanupSteps {
    private CleanupSteps() {}

    static Step deleteUsers() {
        return new Step("clean up the users", CleanupSteps::deleteUsers);
    }

    static void deleteUsers(Context c) {
        if (c.created.isEmpty()) {
            return;
        }
        if (c.admin == null) {
            throw new StepFailure("cannot delete " + c.created + ": the admin is not logged in");
        }
        for (String name : new ArrayList<>(c.created)) {
            c.admin.api("DELETE", "/api/users/" + name + "?files=delete").expect("delete user " + name, 204, 404);
            c.admin.api("GET", "/api/users/" + name).expect("user " + name + " should be gone", 404);
            c.created.remove(name);
        }
    }

    /** What is left to undo after a failure, as steps (none when the run made nothing). */
    static List<Step> afterFailure(Context c) {
        List<Step> undo = new ArrayList<>();
        if (c.serverStarted && !c.serverStopped) {
            undo.add(ServerSteps.stop());
        }
        if (!c.created.isEmpty()) {
            undo.add(deleteUsers());
        }
        return undo;
    }
}
