package io.trunkline.sip.transaction;

import gov.nist.javax.sip.header.Via;
import gov.nist.javax.sip.message.SIPRequest;
import gov.nist.javax.sip.message.SIPResponse;
import io.trunkline.sip.transport.InboundMessage;
import io.trunkline.sip.transport.SipSender;
import io.trunkline.sip.transport.Transport;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.sip.message.Request;

/**
 * Matches requests and responses to transactions (RFC 3261 §17.1.3, §17.2.3) and runs their timers
 * through a {@link Scheduler}. Safe for any number of threads: transactions lock themselves, and
 * listeners are called outside those locks.
 */
public final class TransactionLayer implements AutoCloseable {

  /** The magic cookie of RFC 3261 branches (§8.1.1.7). */
  public static final String MAGIC_COOKIE = "z9hG4bK";

  private final SipSender sender;
  private final TransactionTimers timers;
  private final Scheduler scheduler;
  private final Lingering lingering;
  private final Map<String, ServerTransaction> servers = new ConcurrentHashMap<>();
  private final Map<String, ClientTransaction> clients = new ConcurrentHashMap<>();

  public TransactionLayer(SipSender sender, TransactionTimers timers, Scheduler scheduler) {
    this.sender = sender;
    this.timers = timers;
    this.scheduler = scheduler;
    this.lingering = new Lingering(scheduler);
  }

  /** What became of an incoming request at the transaction layer. */
  public sealed interface Arrival {
    /** A new request; the proxy handles it and answers through the transaction. */
    record Fresh(ServerTransaction transaction) implements Arrival {}

    /** A retransmission or the ACK of a non-2xx response, already dealt with here. */
    record Absorbed() implements Arrival {}

    /** An ACK for a 2xx, or a request outside any transaction: the proxy forwards it. */
    record Stateless() implements Arrival {}
  }

  /** Matches a request to its server transaction, creating one for a new request. */
  public Arrival arrive(InboundMessage inbound) {
    SIPRequest request = (SIPRequest) inbound.message();
    String method = request.getMethod();
    boolean ack = Request.ACK.equals(method);
    String key = serverKey(request, ack ? Request.INVITE : method);
    ServerTransaction existing = servers.get(key);
    if (ack) {
      if (existing != null && existing.lastStatus() >= 300) {
        existing.onAck();
        return new Arrival.Absorbed();
      }
      return new Arrival.Stateless();
    }
    if (existing != null) {
      existing.onRetransmission();
      return new Arrival.Absorbed();
    }
    ServerTransaction created = new ServerTransaction(this, key, inbound);
    ServerTransaction raced = servers.putIfAbsent(key, created);
    if (raced != null) {
      raced.onRetransmission();
      return new Arrival.Absorbed();
    }
    return new Arrival.Fresh(created);
  }

  /** The INVITE server transaction a CANCEL names (§9.2: same branch as the INVITE). */
  public ServerTransaction inviteFor(SIPRequest cancel) {
    return servers.get(serverKey(cancel, Request.INVITE));
  }

  /** Hands a response to its client transaction; false when none matches (a stray response). */
  public boolean respond(SIPResponse response) {
    Via via = response.getTopmostVia();
    if (via == null || response.getCSeq() == null) {
      return false;
    }
    ClientTransaction transaction =
        clients.get(clientKey(via.getBranch(), response.getCSeq().getMethod()));
    if (transaction == null) {
      return false;
    }
    transaction.onResponse(response);
    return true;
  }

  /**
   * Sends a request statefully. Its top Via must carry a branch unique to this transaction.
   *
   * @param provisionalTimeoutMillis for an INVITE, how long to wait for a provisional response
   *     before giving up on this destination; 0 waits for Timer B only
   */
  public ClientTransaction startClient(
      SIPRequest request,
      Transport transport,
      InetSocketAddress destination,
      long provisionalTimeoutMillis,
      ClientTransaction.Listener listener) {
    String key = clientKey(request.getTopmostVia().getBranch(), request.getMethod());
    ClientTransaction transaction =
        new ClientTransaction(this, key, request, transport, destination, listener);
    clients.put(key, transaction);
    transaction.start(provisionalTimeoutMillis);
    return transaction;
  }

  /** Server and client transactions alive now. */
  public int size() {
    return servers.size() + clients.size();
  }

  @Override
  public void close() {
    scheduler.close();
  }

  SipSender sender() {
    return sender;
  }

  TransactionTimers timers() {
    return timers;
  }

  /**
   * Runs {@code task} after {@code delayMillis} on the worker of {@code callId}, at once when that
   * is 0; null when run.
   */
  Scheduler.Timer schedule(String callId, Runnable task, long delayMillis) {
    if (delayMillis <= 0) {
      task.run();
      return null;
    }
    return scheduler.after(callId, delayMillis, task);
  }

  /**
   * Terminates a transaction after it has lingered {@code delayMillis}, at once when that is 0, on
   * any thread.
   */
  void linger(Transaction transaction, long delayMillis) {
    lingering.end(transaction, delayMillis);
  }

  /** Runs {@code task} soon on the worker of {@code callId}, from any thread. */
  void onCallWorker(String callId, Runnable task) {
    scheduler.after(callId, 0, task);
  }

  void remove(String key, ServerTransaction transaction) {
    servers.remove(key, transaction);
  }

  void remove(String key, ClientTransaction transaction) {
    clients.remove(key, transaction);
  }

  /**
   * §17.2.3: branch, sent-by and method. Requests from RFC 2543 elements have no magic cookie;
   * Call-ID, CSeq, From tag and the top Via stand in for the branch.
   */
  static String serverKey(SIPRequest request, String method) {
    Via via = request.getTopmostVia();
    String branch = via.getBranch();
    String sentBy = via.getHost() + ":" + via.getPort();
    if (branch != null && branch.startsWith(MAGIC_COOKIE)) {
      return branch + "|" + sentBy + "|" + method;
    }
    return request.getCallId().getCallId()
        + "|"
        + request.getCSeq().getSeqNumber()
        + "|"
        + request.getFromTag()
        + "|"
        + sentBy
        + "|"
        + method;
  }

  private static String clientKey(String branch, String method) {
    return branch + "|" + method;
  }
}
