package io.trunkline.sip.transaction;

import gov.nist.javax.sip.message.SIPRequest;
import gov.nist.javax.sip.message.SIPResponse;
import io.trunkline.sip.message.SipEncoder;
import io.trunkline.sip.transport.InboundMessage;
import io.trunkline.sip.transport.Transport;
import javax.sip.message.Request;

/**
 * The proxy's server side of one request (RFC 3261 §17.2): it remembers the last response so that a
 * retransmitted request is answered again instead of being forwarded twice, retransmits a final
 * non-2xx INVITE response over UDP until the ACK comes (Timer G), and lingers after the final
 * response to absorb late retransmissions (Timers H, I and J; RFC 6026's Accepted state for 2xx).
 *
 * <p>Lingering takes the last response's bytes and the way back, not the request: the parsed
 * request is let go with the final response. A call's transactions linger 64 x T1 over UDP, 32 s,
 * far longer than most calls take to set up, so at a thousand calls a second the parsed messages
 * they held filled the heap (decision 0026).
 */
public final class ServerTransaction extends Transaction {

  private final TransactionLayer layer;
  private final String key;
  private final Transport transport;
  private final boolean invite;
  private InboundMessage inbound;
  private String callId;
  private byte[] lastResponse;
  private int lastStatus;
  private boolean confirmed;
  private Scheduler.Timer retransmission;

  ServerTransaction(TransactionLayer layer, String key, InboundMessage inbound) {
    this.layer = layer;
    this.key = key;
    this.inbound = inbound;
    SIPRequest request = request();
    this.callId = request.getCallId().getCallId();
    this.transport = inbound.transport();
    this.invite = Request.INVITE.equals(request.getMethod());
  }

  /** The request, until the final response is sent; null after it. */
  public synchronized SIPRequest request() {
    return (SIPRequest) inbound.message();
  }

  /**
   * The request's Call-ID, until the final response is sent; null after it. JAIN-SIP writes the
   * header's value out anew on every read, so what stays with the call shares this one; the
   * lingering transaction itself needs none (Timer G keeps its own).
   */
  public synchronized String callId() {
    return callId;
  }

  /** The request as it came; its message is null once the final response is sent. */
  public synchronized InboundMessage inbound() {
    return inbound;
  }

  /** The status of the last response sent, 0 before any. */
  public synchronized int lastStatus() {
    return lastStatus;
  }

  /** Sends a response upstream; the first final response moves the transaction to completion. */
  public void respond(SIPResponse response) {
    byte[] bytes = SipEncoder.encode(response, transport.name());
    int status = response.getStatusCode();
    boolean first;
    InboundMessage back;
    String call;
    synchronized (this) {
      first = lastStatus < 200 && status >= 200;
      if (lastStatus < 200 || status >= 200) {
        // An accepted INVITE answers its retransmissions with nothing (RFC 6026 §7.1).
        lastResponse = invite && status >= 200 && status < 300 ? null : bytes;
        lastStatus = Math.max(lastStatus, status);
      }
      call = callId;
      if (first) {
        inbound = inbound.withoutMessage();
        callId = null;
      }
      back = inbound;
    }
    layer.sender().reply(back, bytes);
    if (!first) {
      return;
    }
    long linger = transport.reliable() ? 0 : layer.timers().timeoutMillis();
    if (invite && status >= 300) {
      if (!transport.reliable()) {
        scheduleRetransmission(call, layer.timers().t1().toMillis());
      }
      // Timer H: give up waiting for the ACK; the transaction ends either way.
      layer.linger(this, layer.timers().timeoutMillis());
    } else {
      // 2xx to INVITE: RFC 6026 §7.1 Accepted state; others: Timer J.
      layer.linger(this, invite ? layer.timers().timeoutMillis() : linger);
    }
  }

  /** A retransmission of the request arrived: repeat the last response, if any (§17.2.1). */
  void onRetransmission() {
    byte[] again;
    InboundMessage back;
    synchronized (this) {
      again = lastResponse;
      back = inbound;
    }
    if (again != null) {
      layer.sender().reply(back, again);
    }
  }

  /** The ACK of a non-2xx final response arrived (§17.2.1 Confirmed): stop retransmitting. */
  void onAck() {
    synchronized (this) {
      if (confirmed) {
        return;
      }
      confirmed = true;
      if (retransmission != null) {
        retransmission.cancel();
      }
    }
    // Timer I absorbs ACK retransmissions for T4 over UDP.
    layer.linger(this, transport.reliable() ? 0 : layer.timers().t4().toMillis());
  }

  private synchronized void scheduleRetransmission(String call, long delay) {
    if (confirmed) {
      return;
    }
    retransmission =
        layer.schedule(
            call,
            () -> {
              byte[] again;
              synchronized (this) {
                again = confirmed ? null : lastResponse;
              }
              if (again != null) {
                layer.sender().reply(inbound(), again);
                // Timer G doubles up to T2 (§17.2.1).
                scheduleRetransmission(call, Math.min(2 * delay, layer.timers().t2().toMillis()));
              }
            },
            delay);
  }

  @Override
  void terminate() {
    synchronized (this) {
      confirmed = true;
      if (retransmission != null) {
        retransmission.cancel();
      }
    }
    layer.remove(key, this);
  }
}
