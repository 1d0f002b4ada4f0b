package io.trunkline.sip.transaction;

import gov.nist.javax.sip.header.To;
import gov.nist.javax.sip.message.SIPRequest;
import gov.nist.javax.sip.message.SIPResponse;
import io.trunkline.sip.transport.Transport;
import java.net.InetSocketAddress;
import java.text.ParseException;
import java.util.ArrayList;
import javax.sip.SipException;
import javax.sip.message.Request;

/**
 * The proxy's client side of one forwarded request (RFC 3261 §17.1): retransmits over UDP (Timers A
 * and E), gives up after 64 x T1 (Timers B and F) or, for an INVITE, as soon as no provisional
 * response came within the failover time, acknowledges non-2xx final INVITE responses hop by hop
 * (§17.1.1.3), sends CANCEL once it may (§9.1: only after a provisional response), and cancels an
 * INVITE that rings longer than Timer C (§16.8). Once its final response is delivered it lets the
 * request go, as {@link ServerTransaction} does, and lingers with what absorbing retransmissions
 * takes.
 */
public final class ClientTransaction extends Transaction {

  /** What the proxy hears from a client transaction; called outside its lock. */
  public interface Listener {

    /**
     * A response, including each retransmitted 2xx of an INVITE (§13.3.1.4). It is the listener's
     * to change: the transaction has read what it needs and keeps no part of it.
     */
    void onResponse(ClientTransaction transaction, SIPResponse response);

    /**
     * No answer in time: {@code provisional} when an INVITE saw no provisional response within the
     * failover time, otherwise Timer B or F.
     */
    void onTimeout(ClientTransaction transaction, boolean provisional);

    /**
     * The network refused the request before any response (a refused or reset connection, an ICMP
     * port or host unreachable): as final as Timer B or F, and known at once.
     */
    default void onUnreachable(ClientTransaction transaction) {
      onTimeout(transaction, false);
    }
  }

  private enum State {
    CALLING,
    PROCEEDING,
    COMPLETED,
    TERMINATED
  }

  private final TransactionLayer layer;
  private final String key;
  private final Transport transport;
  private final InetSocketAddress destination;
  private final Listener listener;
  private final boolean invite;
  private final ArrayList<Scheduler.Timer> timers = new ArrayList<>();
  private SIPRequest request;
  private String callId;
  private Scheduler.Timer timerC;
  private State state = State.CALLING;
  private boolean cancelWanted;
  private SIPRequest ack;

  ClientTransaction(
      TransactionLayer layer,
      String key,
      SIPRequest request,
      Transport transport,
      InetSocketAddress destination,
      Listener listener) {
    this.layer = layer;
    this.key = key;
    this.request = request;
    this.callId = request.getCallId().getCallId();
    this.transport = transport;
    this.destination = destination;
    this.listener = listener;
    this.invite = Request.INVITE.equals(request.getMethod());
  }

  /** The request sent, until its final response has been delivered; null after it. */
  public synchronized SIPRequest request() {
    return request;
  }

  public InetSocketAddress destination() {
    return destination;
  }

  public Transport transport() {
    return transport;
  }

  void start(long provisionalTimeoutMillis) {
    layer.sender().send(request, transport, destination, this::unreachable);
    synchronized (this) {
      if (!transport.reliable()) {
        retransmitAfter(layer.timers().t1().toMillis());
      }
      timers.add(layer.schedule(callId, () -> timedOut(false), layer.timers().timeoutMillis()));
      if (invite && provisionalTimeoutMillis > 0) {
        timers.add(layer.schedule(callId, () -> timedOut(true), provisionalTimeoutMillis));
      }
    }
  }

  private void retransmitAfter(long delay) {
    timers.add(
        layer.schedule(
            callId,
            () -> {
              SIPRequest again;
              synchronized (this) {
                // INVITE retransmissions stop at the first provisional response; non-INVITE
                // ones go on at T2 until the final one (§17.1.2.2).
                boolean due = state == State.CALLING || (!invite && state == State.PROCEEDING);
                if (!due) {
                  return;
                }
                long next =
                    invite || state == State.CALLING ? 2 * delay : layer.timers().t2().toMillis();
                retransmitAfter(invite ? next : Math.min(next, layer.timers().t2().toMillis()));
                again = request;
              }
              layer.sender().send(again, transport, destination);
            },
            delay));
  }

  private void timedOut(boolean provisional) {
    synchronized (this) {
      // Timer B runs in Calling only (§17.1.1.2); once ringing, the caller's CANCEL ends a call.
      if ((provisional || invite)
          ? state != State.CALLING
          : state.compareTo(State.COMPLETED) >= 0) {
        return;
      }
      if (!provisional) {
        state = State.TERMINATED;
        cancelTimers();
        layer.remove(key, this);
      }
    }
    listener.onTimeout(this, provisional);
  }

  /** The transport could not deliver the request; told on any thread, handled on the call's. */
  private void unreachable() {
    String call;
    synchronized (this) {
      call = callId;
    }
    if (call == null) {
      return; // a final response came: a refusal now is a later message's problem
    }
    layer.onCallWorker(
        call,
        () -> {
          synchronized (this) {
            // Only before any response: a refusal after one is a later message's problem.
            if (state != State.CALLING) {
              return;
            }
            state = State.TERMINATED;
            cancelTimers();
          }
          layer.remove(key, this);
          listener.onUnreachable(this);
        });
  }

  /** A response whose top Via names this transaction (§17.1.3). */
  void onResponse(SIPResponse response) {
    int status = response.getStatusCode();
    boolean deliver;
    boolean cancelNow = false;
    SIPRequest ackToSend = null;
    synchronized (this) {
      if (status < 200) {
        deliver = state == State.CALLING || state == State.PROCEEDING;
        if (state == State.CALLING) {
          state = State.PROCEEDING;
          cancelNow = cancelWanted;
        }
        if (invite && deliver && status > 100) {
          restartTimerC();
        }
      } else if (status < 300 && invite) {
        // 2xx and its retransmissions go up to be forwarded: the ACK is end to end (§13.2.2.4).
        deliver = state != State.TERMINATED;
        if (state.compareTo(State.COMPLETED) < 0) {
          state = State.COMPLETED;
          cancelTimers();
          // RFC 6026 §8.4 Timer M: stay to pass on 2xx retransmissions.
          layer.linger(this, layer.timers().timeoutMillis());
        }
      } else {
        deliver = state.compareTo(State.COMPLETED) < 0;
        if (invite) {
          if (ack == null && request != null) {
            ack = errorAck(response);
          }
          ackToSend = ack;
        }
        if (deliver) {
          state = State.COMPLETED;
          cancelTimers();
          // Timers D and K: absorb retransmitted finals (re-acknowledging them) for a while.
          long linger =
              transport.reliable()
                  ? 0
                  : invite ? layer.timers().timeoutMillis() : layer.timers().t4().toMillis();
          layer.linger(this, linger);
        }
      }
    }
    if (ackToSend != null) {
      layer.sender().send(ackToSend, transport, destination);
    }
    if (cancelNow) {
      sendCancel();
    }
    if (deliver) {
      listener.onResponse(this, response);
    }
    if (status >= 200) {
      // Delivered: a challenge's answer (§22.2) was built from the request by now, and what
      // lingers runs on no call's worker, so its own copy of the Call-ID goes too.
      synchronized (this) {
        request = null;
        callId = null;
      }
    }
  }

  /**
   * Timer C (RFC 3261 §16.6 step 11, §16.7 step 2): each provisional response other than 100 gives
   * a ringing INVITE another full period; when one passes in silence the proxy cancels the branch
   * (§16.8), and gives up on it if even the CANCEL brings no final response within 64 x T1.
   */
  private void restartTimerC() {
    if (timerC != null) {
      timerC.cancel();
    }
    timerC = layer.schedule(callId, this::timerCFired, layer.timers().c().toMillis());
  }

  private void timerCFired() {
    synchronized (this) {
      if (state != State.PROCEEDING) {
        return;
      }
      timerC = layer.schedule(callId, this::cancelUnanswered, layer.timers().timeoutMillis());
    }
    sendCancel();
  }

  private void cancelUnanswered() {
    synchronized (this) {
      if (state != State.PROCEEDING) {
        return;
      }
      state = State.TERMINATED;
      cancelTimers();
    }
    layer.remove(key, this);
    listener.onTimeout(this, false);
  }

  /**
   * Cancels a pending INVITE: at once if a provisional response came, else as soon as one does
   * (§9.1). Returns false when nothing is left to cancel.
   */
  public boolean cancel() {
    synchronized (this) {
      if (!invite || state.compareTo(State.COMPLETED) >= 0) {
        return false;
      }
      if (state == State.CALLING) {
        cancelWanted = true;
        return true;
      }
    }
    sendCancel();
    return true;
  }

  /** Stops waiting: no retransmissions, no timeouts, and responses that still come are ignored. */
  public void abandon() {
    synchronized (this) {
      cancelWanted = true;
      cancelTimers();
    }
    // A late provisional response must still be able to trigger the CANCEL, so the transaction
    // stays matchable until the network has settled.
    layer.linger(this, layer.timers().timeoutMillis());
  }

  private void sendCancel() {
    SIPRequest pending = request();
    if (pending == null) {
      return; // a final response came first: nothing left to cancel
    }
    try {
      SIPRequest cancel = pending.createCancelRequest();
      layer.startClient(cancel, transport, destination, 0, IGNORE);
    } catch (SipException e) {
      throw new IllegalStateException("a forwarded INVITE always yields a CANCEL", e);
    }
  }

  private SIPRequest errorAck(SIPResponse response) {
    try {
      return request.createErrorAck((To) response.getTo());
    } catch (SipException | ParseException e) {
      throw new IllegalStateException("a forwarded INVITE always yields an ACK", e);
    }
  }

  private void cancelTimers() {
    timers.forEach(Scheduler.Timer::cancel);
    timers.clear();
    // Most transactions linger after this (Timers D, K and M), the busiest 32 s: without its
    // array the list is a few bytes.
    timers.trimToSize();
    if (timerC != null) {
      timerC.cancel();
      timerC = null;
    }
  }

  @Override
  void terminate() {
    synchronized (this) {
      state = State.TERMINATED;
      cancelTimers();
    }
    layer.remove(key, this);
  }

  /** For CANCELs and probes whose answers change nothing. */
  static final Listener IGNORE =
      new Listener() {
        @Override
        public void onResponse(ClientTransaction transaction, SIPResponse response) {}

        @Override
        public void onTimeout(ClientTransaction transaction, boolean provisional) {}
      };
}
