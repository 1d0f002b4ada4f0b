package io.trunkline.sip.config;

import io.trunkline.api.config.TrunkConfig;
import io.trunkline.api.config.TrunkCredentials;

/**
 * The configuration a proxy serves calls with: taken whole when a dialog starts, so a reload
 * changes new calls only and live dialogs keep theirs.
 */
public record Snapshot(TrunkConfig config, TrunkCredentials credentials) {}
