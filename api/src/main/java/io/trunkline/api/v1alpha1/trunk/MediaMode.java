package io.trunkline.api.v1alpha1.trunk;

/** Whether a trunk's relays anchor media. */
public enum MediaMode {
  Relay,
  Bypass
}
