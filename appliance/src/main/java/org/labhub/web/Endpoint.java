package org.labhub.web;

/** A route's handler. It runs after the router has authenticated the caller and checked the route's {@link Access}. */
@FunctionalInterface
public interface Endpoint {
    void handle(Exchange exchange) throws Exception;
}
