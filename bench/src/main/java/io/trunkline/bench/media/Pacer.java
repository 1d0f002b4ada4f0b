package io.trunkline.bench.media;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Sends the streams of the sockets on one loop, each socket in its own millisecond of the 20. */
final class Pacer implements Runnable {

  static final int SLOTS_PER_PACKET = 20;
  static final long SLOT_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

  /** A late loop catches up at most this many slots per timer run, so reads are not starved. */
  private static final int MAX_CATCH_UP_SLOTS = 10;

  final EventLoop loop;
  private final long windowFirstSlot;
  private final long lastSlot;
  private final List<PhoneSocket> sockets = new ArrayList<>();

  @SuppressWarnings("unchecked")
  private final List<PhoneSocket>[] slots = new List[SLOTS_PER_PACKET];

  private long startNanos;
  private long slot;
  private Promise<Void> done;
  private ScheduledFuture<?> timer;
  long windowStartNanos;
  long windowEndNanos;
  long maxLagNanos;

  Pacer(EventLoop loop, int windowFirstPacket, int packets) {
    this.loop = loop;
    this.windowFirstSlot = (long) windowFirstPacket * SLOTS_PER_PACKET;
    this.lastSlot = (long) packets * SLOTS_PER_PACKET - 1;
    for (int i = 0; i < SLOTS_PER_PACKET; i++) {
      slots[i] = new ArrayList<>();
    }
  }

  void add(PhoneSocket socket) {
    // Callers and callees alternate, so a call's two directions are half an interval apart.
    slots[(sockets.size() * (SLOTS_PER_PACKET / 2 + 1)) % SLOTS_PER_PACKET].add(socket);
    sockets.add(socket);
  }

  Future<Void> start(long startNanos) {
    this.startNanos = startNanos;
    this.done = loop.newPromise();
    loop.execute(
        () ->
            timer =
                loop.scheduleAtFixedRate(
                    this,
                    Math.max(0, startNanos - System.nanoTime()),
                    SLOT_NANOS,
                    TimeUnit.NANOSECONDS));
    return done;
  }

  @Override
  public void run() {
    long now = System.nanoTime();
    for (int caughtUp = 0; caughtUp < MAX_CATCH_UP_SLOTS && slot <= lastSlot; caughtUp++) {
      long due = startNanos + slot * SLOT_NANOS;
      if (due > now) {
        break;
      }
      maxLagNanos = Math.max(maxLagNanos, now - due);
      if (slot == windowFirstSlot) {
        windowStartNanos = now;
      }
      int packet = (int) (slot / SLOTS_PER_PACKET);
      for (PhoneSocket socket : slots[(int) (slot % SLOTS_PER_PACKET)]) {
        for (RtpStream stream : socket.outgoing) {
          stream.send(packet);
        }
        socket.channel.flush();
      }
      if (slot == lastSlot) {
        windowEndNanos = now;
        timer.cancel(false);
        done.trySuccess(null);
      }
      slot++;
    }
  }

  /** Stops sending before the plan's end (on the pacer's loop). */
  void stop() {
    if (timer != null) {
      timer.cancel(false);
    }
    slot = lastSlot + 1;
    done.trySuccess(null);
  }

  /** Sent, arrived, duplicates, foreign and silent streams of packets {@code [from, to)}. */
  long[] count(int from, int to) {
    long[] counts = new long[5];
    for (PhoneSocket socket : sockets) {
      for (RtpStream stream : socket.incoming) {
        int arrived = stream.arrivedBetween(from, to);
        counts[0] += to - from;
        counts[1] += arrived;
        counts[2] += stream.duplicates();
        counts[3] += stream.foreign();
        counts[4] += arrived == 0 ? 1 : 0;
      }
    }
    return counts;
  }
}
