package org.labhub.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.labhub.testing.HubClient;
import org.labhub.testing.TestHub;

class ForwardedHeadersTest {
    private static final Map<String, String> STRICT = Map.of("auth.throttle.address_lockout", "3", "auth.throttle.free_failures", "10");

    private static int loginFrom(TestHub hub, String forwardedFor, String user, String password) {
        HubClient c = hub.client();
        c.get("/login");
        return c.formRaw("/login", Map.of("username", user, "password", password, "next", "/", "csrf", c.csrf()),
                Map.of("Origin", hub.baseUrl(), "X-Forwarded-For", forwardedFor)).status();
    }

    @Test
    void behindATrustedProxyEachClientAddressHasItsOwnLockout() throws Exception {
        Map<String, String> settings = new java.util.HashMap<>(STRICT);
        settings.put("http.forwarded_headers", "true");
        try (TestHub hub = TestHub.start(settings)) {
            hub.user("proxied", "proxied-password-1");
            for (int i = 0; i < 3; i++) {
                assertThat(loginFrom(hub, "203.0.113.5", "guess" + i, "wrong-password")).isEqualTo(401);
            }
            assertThat(loginFrom(hub, "203.0.113.5", "proxied", "proxied-password-1")).isEqualTo(429);
            assertThat(loginFrom(hub, "198.51.100.8", "proxied", "proxied-password-1")).isEqualTo(303);
        }
    }

    @Test
    void withoutTheSettingForwardedHeadersAreIgnored() throws Exception {
        try (TestHub hub = TestHub.start(STRICT)) {
            hub.user("direct", "direct-password-1");
            for (int i = 0; i < 3; i++) {
                assertThat(loginFrom(hub, "203.0.113." + i, "guess" + i, "wrong-password")).isEqualTo(401);
            }
            assertThat(loginFrom(hub, "198.51.100.8", "direct", "direct-password-1")).isEqualTo(429);
        }
    }
}
