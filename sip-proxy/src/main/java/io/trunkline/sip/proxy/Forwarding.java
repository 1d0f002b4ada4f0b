package io.trunkline.sip.proxy;

import io.trunkline.sip.health.CarrierProber;
import io.trunkline.sip.media.MediaAnchor;
import io.trunkline.sip.metrics.ProxyMetrics;
import io.trunkline.sip.transaction.TransactionLayer;
import io.trunkline.sip.transport.CallWorkers;
import java.time.Clock;

/**
 * What forwarding a request needs, shared by the INVITE and in-dialog forwarders: the §16.6
 * rewriting, the transactions, the answered calls, the media relays, the carriers' health (which
 * calls report to), the call's worker for continuations of asynchronous steps, metrics and the
 * clock.
 */
record Forwarding(
    RequestForwarder requests,
    TransactionLayer transactions,
    Dialogs dialogs,
    MediaAnchor media,
    CarrierProber carriers,
    CallWorkers workers,
    ProxyMetrics metrics,
    Clock clock) {}
