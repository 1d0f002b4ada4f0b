package io.trunkline.bench.media;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A client of rtpengine's ng control protocol: each datagram is a cookie, a space and a bencoded
 * dictionary; the reply carries the same cookie. Requests are retransmitted with their cookie
 * (rtpengine caches replies by cookie, so a retransmitted offer does not allocate twice) every
 * {@value #RETRANSMIT_MILLIS} ms, {@value #ATTEMPTS} times.
 */
final class NgClient implements AutoCloseable {

  private static final long RETRANSMIT_MILLIS = 500;
  private static final int ATTEMPTS = 6;

  private final InetSocketAddress rtpengine;
  private final DatagramChannel socket;
  private final ScheduledExecutorService timers =
      Executors.newSingleThreadScheduledExecutor(
          runnable -> {
            Thread thread = new Thread(runnable, "ng-retransmit");
            thread.setDaemon(true);
            return thread;
          });
  private final Thread reader;
  private final Map<String, CompletableFuture<Map<String, Object>>> pending =
      new ConcurrentHashMap<>();
  private final AtomicLong sequence = new AtomicLong();

  /**
   * rtpengine keeps replies by cookie alone for a while, so cookies must not repeat across clients
   * (an earlier run's cookie would get that run's reply).
   */
  private final String cookiePrefix = Integer.toHexString(ThreadLocalRandom.current().nextInt());

  NgClient(InetSocketAddress rtpengine) throws IOException {
    this.rtpengine = rtpengine;
    this.socket = DatagramChannel.open().connect(rtpengine);
    this.reader = new Thread(this::readReplies, "ng-reader");
    reader.setDaemon(true);
    reader.start();
  }

  /**
   * Sends {@code message} (its {@code command} included) and completes with the reply dictionary
   * when its {@code result} is {@code ok}; fails with the {@code error-reason} otherwise.
   */
  CompletableFuture<Map<String, Object>> request(Map<String, Object> message) {
    String cookie = cookiePrefix + "-" + Long.toString(sequence.incrementAndGet(), 36);
    byte[] body = Bencode.encode(message);
    byte[] datagram = concat((cookie + " ").getBytes(StandardCharsets.US_ASCII), body);
    CompletableFuture<Map<String, Object>> reply = new CompletableFuture<>();
    pending.put(cookie, reply);
    transmit(cookie, datagram, 1);
    return reply;
  }

  private void transmit(String cookie, byte[] datagram, int attempt) {
    CompletableFuture<Map<String, Object>> reply = pending.get(cookie);
    if (reply == null) {
      return;
    }
    if (attempt > ATTEMPTS) {
      pending.remove(cookie);
      reply.completeExceptionally(
          new IOException(
              "no reply from rtpengine " + rtpengine + " after " + ATTEMPTS + " sends"));
      return;
    }
    try {
      socket.write(ByteBuffer.wrap(datagram));
    } catch (IOException e) {
      // ICMP port unreachable from a connected socket, or a full buffer: retransmission covers it.
    }
    timers.schedule(
        () -> transmit(cookie, datagram, attempt + 1), RETRANSMIT_MILLIS, TimeUnit.MILLISECONDS);
  }

  private void readReplies() {
    ByteBuffer buffer = ByteBuffer.allocate(65536);
    while (socket.isOpen()) {
      buffer.clear();
      try {
        socket.receive(buffer);
      } catch (ClosedChannelException e) {
        return;
      } catch (IOException e) {
        continue;
      }
      byte[] data = buffer.array();
      int length = buffer.position();
      int space = 0;
      while (space < length && data[space] != ' ') {
        space++;
      }
      if (space == length) {
        continue;
      }
      CompletableFuture<Map<String, Object>> reply =
          pending.remove(new String(data, 0, space, StandardCharsets.US_ASCII));
      if (reply == null) {
        continue; // the reply to a retransmission already answered
      }
      try {
        @SuppressWarnings("unchecked")
        Map<String, Object> dictionary =
            (Map<String, Object>) Bencode.decode(data, space + 1, length - space - 1);
        if ("ok".equals(dictionary.get("result"))) {
          reply.complete(dictionary);
        } else {
          reply.completeExceptionally(
              new IOException(
                  "rtpengine: "
                      + dictionary.get("result")
                      + ": "
                      + dictionary.get("error-reason")));
        }
      } catch (IllegalArgumentException | ClassCastException e) {
        reply.completeExceptionally(new IOException("unreadable ng reply: " + e.getMessage()));
      }
    }
  }

  private static byte[] concat(byte[] head, byte[] tail) {
    byte[] both = Arrays.copyOf(head, head.length + tail.length);
    System.arraycopy(tail, 0, both, head.length, tail.length);
    return both;
  }

  @Override
  public void close() throws IOException {
    socket.close();
    timers.shutdownNow();
    pending.values().forEach(reply -> reply.completeExceptionally(new IOException("closed")));
    pending.clear();
  }
}
