package io.trunkline.sip.pool;

import io.lettuce.core.ScriptOutputType;
import io.trunkline.sip.auth.InMemorySourceBans;
import io.trunkline.sip.auth.SourceBans;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * A pool's source bans: a source's wrong answers count together whichever proxy they reach (a
 * scanner spread over the pool by its flows is banned as fast as one on a single proxy), and a ban
 * made on one proxy reaches the others within a second. Checking a ban asks no store: each proxy
 * keeps the pool's bans beside its own and looks them up every second. Without the store a proxy
 * counts and bans on its own.
 */
public final class SharedSourceBans implements SourceBans {

  private static final System.Logger LOG = System.getLogger(SharedSourceBans.class.getName());
  private static final PoolStore.Script FAIL = PoolStore.Script.named("fail");
  private static final PoolStore.Script BANS = PoolStore.Script.named("bans");

  /** How often a proxy learns the bans the others made. */
  static final Duration FOLLOW = Duration.ofSeconds(1);

  private final PoolStore store;
  private final Policy policy;
  private final Duration timeout;
  private final Clock clock;
  private final InMemorySourceBans mine;

  public SharedSourceBans(PoolStore store, Policy policy, Duration timeout, Clock clock) {
    this.store = store;
    this.policy = policy;
    this.timeout = timeout;
    this.clock = clock;
    this.mine = new InMemorySourceBans(policy, clock);
    store.every(FOLLOW, this::follow);
  }

  @Override
  public boolean banned(InetAddress source) {
    return mine.banned(source);
  }

  @Override
  public boolean failed(InetAddress source) {
    if (!store.shared()) {
      return mine.failed(source);
    }
    String address = source.getHostAddress();
    try {
      long banMillis =
          store
              .<Long>run(
                  FAIL,
                  ScriptOutputType.INTEGER,
                  new String[] {store.key("failures/" + address), store.key("bans")},
                  address,
                  Long.toString(policy.window().toMillis()),
                  Integer.toString(policy.maxFailures()),
                  Long.toString(policy.ban().toMillis()),
                  UUID.randomUUID().toString())
              .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      if (banMillis > 0) {
        mine.ban(source, clock.instant().plusMillis(banMillis));
        return true;
      }
      return false;
    } catch (Exception unreachable) {
      return mine.failed(source);
    }
  }

  @Override
  public void forgetQuiet() {
    mine.forgetQuiet();
  }

  /** Takes in the bans the pool's other proxies made. */
  private void follow() {
    if (!store.shared()) {
      return;
    }
    try {
      List<String> live =
          store
              .<List<String>>run(BANS, ScriptOutputType.MULTI, new String[] {store.key("bans")})
              .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      for (int i = 0; i + 1 < live.size(); i += 2) {
        mine.ban(
            InetAddress.getByName(live.get(i)),
            clock.instant().plusMillis(Long.parseLong(live.get(i + 1))));
      }
    } catch (UnknownHostException e) {
      LOG.log(System.Logger.Level.WARNING, "a ban in the pool store names no address", e);
    } catch (Exception unreachable) {
      // The store turned this proxy to its own counts; it follows the pool's again when back.
    }
  }
}
