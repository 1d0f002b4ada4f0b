package io.trunkline.testing.netty;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.testkit.engine.EventConditions.container;
import static org.junit.platform.testkit.engine.EventConditions.event;
import static org.junit.platform.testkit.engine.EventConditions.finishedSuccessfully;
import static org.junit.platform.testkit.engine.EventConditions.finishedWithFailure;
import static org.junit.platform.testkit.engine.EventConditions.test;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.instanceOf;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.message;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Events;

/** Runs tests that leak on purpose through JUnit and checks that exactly the leaking ones fail. */
class NettyLeakDetectionTest {

  private static final String FIXTURES = "trunkline.leak-fixtures";

  @Test
  void theTestThatLeaksABufferFailsAndTheNextOnePasses() {
    Events tests = run(OneLeaksOneReleases.class).testEvents();

    tests.assertStatistics(stats -> stats.started(2).succeeded(1).failed(1));
    tests
        .assertThatEvents()
        .haveExactly(
            1,
            event(
                test("leaksABuffer"),
                finishedWithFailure(
                    instanceOf(AssertionError.class),
                    message(text -> text.startsWith("leaksABuffer() leaked 1 resource")),
                    // The record says where the buffer was made.
                    message(text -> text.contains("LEAK: ByteBuf")),
                    message(text -> text.contains("OneLeaksOneReleases.leaksABuffer")))))
        .haveExactly(1, event(test("releasesItsBuffer"), finishedSuccessfully()));
  }

  @Test
  void aTestThatReleasesItsBufferPasses() {
    run(Releases.class).testEvents().assertStatistics(stats -> stats.started(1).succeeded(1));
  }

  @Test
  void aLeakOutsideAnyTestFailsTheClassNotItsTests() {
    EngineExecutionResults results = run(LeaksBeforeAll.class);

    results.testEvents().assertStatistics(stats -> stats.started(1).succeeded(1));
    results
        .containerEvents()
        .assertThatEvents()
        .haveExactly(
            1,
            event(
                container(LeaksBeforeAll.class),
                finishedWithFailure(
                    message(text -> text.contains("leaked outside its tests")),
                    message(text -> text.contains("LeaksBeforeAll.leak")))));
  }

  private static EngineExecutionResults run(Class<?> fixture) {
    return EngineTestKit.engine("junit-jupiter")
        .configurationParameter(FIXTURES, "true")
        .selectors(selectClass(fixture))
        .execute();
  }

  /** The fixtures below run only through {@link EngineTestKit}, never as tests of their own. */
  static final class OnlyThroughTestKit implements ExecutionCondition {
    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
      return context.getConfigurationParameter(FIXTURES).isPresent()
          ? ConditionEvaluationResult.enabled("run by NettyLeakDetectionTest")
          : ConditionEvaluationResult.disabled("a fixture of NettyLeakDetectionTest");
    }
  }

  @ExtendWith({OnlyThroughTestKit.class, NettyLeakDetection.class})
  @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
  static class OneLeaksOneReleases {

    @Test
    @Order(1)
    void leaksABuffer() {
      // Pooled, as a channel's allocator gives (Netty does not track unpooled heap buffers).
      ByteBuf buffer = ByteBufAllocator.DEFAULT.buffer(16);
      buffer.writeInt(0x5eed);
    }

    @Test
    @Order(2)
    void releasesItsBuffer() {
      ByteBuf buffer = ByteBufAllocator.DEFAULT.buffer(16);
      buffer.writeInt(0x5eed);
      buffer.release();
    }
  }

  @ExtendWith({OnlyThroughTestKit.class, NettyLeakDetection.class})
  static class Releases {

    @Test
    void releasesItsBuffer() {
      ByteBuf buffer = Unpooled.directBuffer(16);
      buffer.writeInt(0x5eed);
      buffer.release();
    }
  }

  @ExtendWith({OnlyThroughTestKit.class, NettyLeakDetection.class})
  static class LeaksBeforeAll {

    @BeforeAll
    static void leak() {
      Unpooled.directBuffer(16).writeInt(0x5eed);
    }

    @Test
    void doesNothing() {}
  }
}
