package io.trunkline.relay.control;

/**
 * A relay's answer to a ping: where it stands and how much room it has, so a proxy can prefer a
 * relay of its own zone that still has ports.
 */
public record RelayHealth(
    String zone, String trunk, int sessions, int maxSessions, int portPairsFree) {}
