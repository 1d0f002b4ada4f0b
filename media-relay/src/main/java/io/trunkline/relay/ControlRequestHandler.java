package io.trunkline.relay;

import io.trunkline.relay.control.ControlReply;
import io.trunkline.relay.control.ControlRequest;

/**
 * What the relay does with a decoded request. Called on the single control thread, one request at a
 * time, so session changes need no further ordering; it must answer every request, refusals
 * included, and never throw.
 */
@FunctionalInterface
public interface ControlRequestHandler {

  ControlReply handle(ControlRequest request);
}
