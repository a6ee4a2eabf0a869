package org.labhub.smoke;

import java.util.List;
import tools.jackson.databind.JsonNode;

/** The hub answers, its administrator logs in and creates two users, and the first user gets an API token. */
final class AccountSteps {
    private AccountSteps() {}

    static List<Step> all() {
        return List.of(
                new Step("health", AccountSteps::health),
                new Step("admin logs in", AccountSteps::adminLogsIn),
                new Step("admin creates two users", AccountSteps::adminCreatesUsers),
                new Step("user logs in and makes an API token", AccountSteps::userLogsInAndMakesToken));
    }

    static void health(Context c) {
        Hub anyone = c.newBrowser();
        JsonNode h = anyone.api("GET", "/api/health").expect("the hub's health", 200).json();
        String status = h.path("status").asString("");
        if (!status.equals("ok")) {
            throw new StepFailure("GET /api/health says \"" + status + "\", not \"ok\": " + Hub.Response.abbreviate(h.toString()));
        }
    }

    static void adminLogsIn(Context c) {
        Hub admin = c.newBrowser();
        admin.login(c.options.admin(), c.options.adminPassword())
                .expect("log in as " + c.options.admin() + " (password from --admin-password-file)", 303);
        JsonNode me = admin.api("GET", "/api/user").expect("who am I, as " + c.options.admin(), 200).json();
        if (!me.path("admin").asBoolean(false)) {
            throw new StepFailure(c.options.admin() + " logged in but is not an administrator (give one with --admin)");
        }
        c.admin = admin;
    }

    static void adminCreatesUsers(Context c) {
        for (String name : List.of(c.user1, c.user2)) {
            String password = Context.password();
            c.admin.api("POST", "/api/users/" + name, Json.object().put("password", password))
                    .expect("create user " + name, 201);
            c.created.add(name);
            c.passwords.put(name, password);
        }
    }

    static void userLogsInAndMakesToken(Context c) {
        c.user1Browser = logIn(c, c.user1);
        c.user1Token = token(c.user1Browser, c.user1, "read", "servers", "files");
        c.user1Api = c.user1Browser.withToken(c.user1Token);
        String name = c.user1Api.api("GET", "/api/user").expect("who am I, with the new token", 200).field("name");
        if (!name.equals(c.user1)) {
            throw new StepFailure("the token of " + c.user1 + " says it belongs to " + name);
        }
    }

    /** A browser session of a user this run created, through the login form. */
    static Hub logIn(Context c, String user) {
        Hub browser = c.newBrowser();
        browser.login(user, c.passwords.get(user)).expect("log in as " + user, 303);
        return browser;
    }

    /** Makes an API token from a logged-in session (as the account page's script would). */
    static String token(Hub session, String user, String... scopes) {
        var body = Json.object().put("note", "labhub smoke").put("expires_in", 3600);
        var list = body.putArray("scopes");
        for (String s : scopes) {
            list.add(s);
        }
        return session.api("POST", "/api/users/" + user + "/tokens", body).expect("make an API token for " + user, 201).field("token");
    }
}
