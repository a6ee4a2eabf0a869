package org.labhub.web;

import java.util.Map;
import org.labhub.auth.Scope;
import org.labhub.users.GroupStore;
import org.labhub.users.User;

/** The dashboard at {@code /}: where a user lands after login. */
public final class HomePage implements Routes.Provider {
    private final Pages pages;
    private final GroupStore groups;

    public HomePage(Pages pages, GroupStore groups) {
        this.pages = pages;
        this.groups = groups;
    }

    @Override
    public void register(Routes r) {
        r.get("/", Access.user(Scope.READ), this::dashboard, "Dashboard");
    }

    private void dashboard(Exchange ex) {
        User me = ex.principal().user().orElseThrow();
        pages.render(ex, "home", Map.of("groups", groups.groupsOf(me.id())));
    }
}
