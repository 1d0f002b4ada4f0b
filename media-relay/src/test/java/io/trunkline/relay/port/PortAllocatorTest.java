package io.trunkline.relay.port;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class PortAllocatorTest {

  @Test
  void pairsAnEvenRtpPortWithTheOddRtcpPortAbove() {
    PortAllocator allocator = new PortAllocator(30001, 30006);

    // 30001 rounds up to 30002; 30006 has no 30007 inside the range.
    assertThat(allocator.capacity()).isEqualTo(2);
    PortPair first = allocator.allocate().orElseThrow();
    assertThat(first.rtp()).isEqualTo(30002);
    assertThat(first.rtcp()).isEqualTo(30003);
    assertThat(allocator.allocate().orElseThrow().rtp()).isEqualTo(30004);
  }

  @Test
  void refusesARangeWithoutAPair() {
    assertThatThrownBy(() -> new PortAllocator(30001, 30002))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no even/odd pair");
    assertThatThrownBy(() -> new PortAllocator(40000, 30000))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void exhaustsThenServesAgainAfterARelease() {
    PortAllocator allocator = new PortAllocator(30000, 30007);
    List<PortPair> held = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      held.add(allocator.allocate().orElseThrow());
    }

    assertThat(allocator.allocate()).isEmpty();
    assertThat(allocator.portsInUse()).isEqualTo(8);
    assertThat(allocator.pairsFree()).isZero();

    assertThat(allocator.release(held.get(1))).isTrue();
    assertThat(allocator.allocate()).contains(held.get(1));
    assertThat(allocator.allocate()).isEmpty();
  }

  @Test
  void reusesAReleasedPairLast() {
    PortAllocator allocator = new PortAllocator(30000, 30007);
    PortPair first = allocator.allocate().orElseThrow();
    allocator.release(first);

    // Next-fit: the pairs never used come before the one just freed.
    assertThat(allocator.allocate().orElseThrow().rtp()).isEqualTo(30002);
    assertThat(allocator.allocate().orElseThrow().rtp()).isEqualTo(30004);
    assertThat(allocator.allocate().orElseThrow().rtp()).isEqualTo(30006);
    assertThat(allocator.allocate()).contains(first);
  }

  @Test
  void aPairIsReleasedExactlyOnce() {
    PortAllocator allocator = new PortAllocator(30000, 30003);
    PortPair pair = allocator.allocate().orElseThrow();

    assertThat(allocator.release(pair)).isTrue();
    assertThat(allocator.release(pair)).isFalse();
    assertThat(allocator.release(new PortPair(40000))).isFalse();
    assertThat(allocator.pairsInUse()).isZero();
  }

  @Test
  void concurrentAllocationsNeverShareAPairAndLeakNothing() throws Exception {
    PortAllocator allocator = new PortAllocator(20000, 20199);
    Set<Integer> held = ConcurrentHashMap.newKeySet();
    int threads = 8;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CountDownLatch start = new CountDownLatch(1);
    try {
      List<Future<Integer>> workers = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        workers.add(
            pool.submit(
                () -> {
                  start.await();
                  int duplicates = 0;
                  for (int i = 0; i < 20_000; i++) {
                    Optional<PortPair> pair = allocator.allocate();
                    if (pair.isEmpty()) {
                      continue;
                    }
                    if (!held.add(pair.get().rtp())) {
                      duplicates++;
                    }
                    held.remove(pair.get().rtp());
                    if (!allocator.release(pair.get())) {
                      duplicates++;
                    }
                  }
                  return duplicates;
                }));
      }
      start.countDown();
      for (Future<Integer> worker : workers) {
        assertThat(worker.get(60, TimeUnit.SECONDS)).isZero();
      }
    } finally {
      pool.shutdownNow();
      assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }
    assertThat(allocator.pairsInUse()).isZero();
    assertThat(allocator.pairsFree()).isEqualTo(100);
  }

  @Test
  void concurrentExhaustionHandsOutEveryPairOnce() throws Exception {
    PortAllocator allocator = new PortAllocator(20000, 20999);
    int threads = 4;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CountDownLatch start = new CountDownLatch(1);
    try {
      List<Future<List<PortPair>>> workers = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        workers.add(
            pool.submit(
                () -> {
                  start.await();
                  List<PortPair> mine = new ArrayList<>();
                  for (Optional<PortPair> pair = allocator.allocate();
                      pair.isPresent();
                      pair = allocator.allocate()) {
                    mine.add(pair.get());
                  }
                  return mine;
                }));
      }
      start.countDown();
      Set<PortPair> all = new HashSet<>();
      int total = 0;
      for (Future<List<PortPair>> worker : workers) {
        List<PortPair> mine = worker.get(60, TimeUnit.SECONDS);
        total += mine.size();
        all.addAll(mine);
      }
      assertThat(total).isEqualTo(500);
      assertThat(all).hasSize(500);
      assertThat(allocator.portsInUse()).isEqualTo(1000);
    } finally {
      pool.shutdownNow();
      assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }
  }
}
