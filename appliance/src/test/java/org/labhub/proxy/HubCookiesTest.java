package org.labhub.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.junit.jupiter.api.Test;

/** The hub's cookies never cross the proxy: not to a notebook in a request, not from one in a response. */
class HubCookiesTest {
    @Test
    void hubCookiesAreTakenOutOfWhatTheNotebookReceives() {
        HttpFields headers = HttpFields.build()
                .add(HttpHeader.COOKIE, "labhub_session=s3cret; _xsrf=2|abc; __Host-labhub_session=also")
                .add(HttpHeader.COOKIE, "labhub_user=h.mac; username-localhost=\"2|x\"; labhub_csrf=c; LABHUB_FLASH=f");
        assertThat(HubCookies.withoutHubCookies(headers)).hasValue("_xsrf=2|abc; username-localhost=\"2|x\"");
        assertThat(HubCookies.withoutHubCookies(HttpFields.build().add(HttpHeader.COOKIE, "labhub_session=s"))).isEmpty();
        assertThat(HubCookies.withoutHubCookies(HttpFields.EMPTY)).isEmpty();
    }

    @Test
    void aNotebookCannotSetAHubCookie() {
        assertThat(HubCookies.setsHubCookie("labhub_session=evil; Path=/")).isTrue();
        assertThat(HubCookies.setsHubCookie("__Host-labhub_user=evil; Path=/; Secure")).isTrue();
        assertThat(HubCookies.setsHubCookie("__Secure-labhub_session=x")).isTrue();
        assertThat(HubCookies.setsHubCookie("_xsrf=2|abc; Path=/user/alice/")).isFalse();
        assertThat(HubCookies.setsHubCookie("username-localhost=\"2|x\"; HttpOnly; Path=/user/alice/")).isFalse();
    }
}
