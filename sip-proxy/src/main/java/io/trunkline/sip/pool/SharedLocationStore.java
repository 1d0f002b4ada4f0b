package io.trunkline.sip.pool;

import io.lettuce.core.ScriptOutputType;
import io.trunkline.sip.registrar.Binding;
import io.trunkline.sip.registrar.InMemoryLocationStore;
import io.trunkline.sip.registrar.LocationStore;
import io.trunkline.sip.transport.Transport;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A pool's registrations, in its store: a line registered through one replica is called through
 * any. Each line is a hash from Contact to binding, changed by one script so that two REGISTERs of
 * a line on two replicas cannot lose one another's contacts, and gone with its last binding.
 *
 * <p>The stages that ask (the registrar, the target resolver) wait for the answer on the call's
 * worker, bounded by the store's timeout. While the store is unreachable this replica answers from
 * the registrations it took itself, which it keeps beside the store's.
 */
public final class SharedLocationStore implements LocationStore {

  private static final PoolStore.Script LOCATE = PoolStore.Script.named("locate");

  private final PoolStore store;
  private final Duration timeout;
  private final InMemoryLocationStore mine = new InMemoryLocationStore();

  public SharedLocationStore(PoolStore store, Duration timeout) {
    this.store = store;
    this.timeout = timeout;
  }

  @Override
  public List<Binding> update(String line, List<Binding> changes, Instant now) {
    List<Binding> local = mine.update(line, changes, now);
    if (!store.shared()) {
      return local;
    }
    List<String> args = new ArrayList<>(1 + changes.size() * 3);
    args.add(Long.toString(now.toEpochMilli()));
    for (Binding change : changes) {
      args.add(change.contact());
      args.add(Long.toString(change.expires().toEpochMilli()));
      args.add(encode(change));
    }
    try {
      List<String> fields =
          store
              .<List<String>>run(
                  LOCATE,
                  ScriptOutputType.MULTI,
                  new String[] {key(line)},
                  args.toArray(String[]::new))
              .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      return decode(fields, now);
    } catch (Exception unreachable) {
      return local;
    }
  }

  @Override
  public void clear(String line) {
    mine.clear(line);
    if (store.shared()) {
      store.command(redis -> redis.del(key(line)).toCompletableFuture());
    }
  }

  @Override
  public List<Binding> lookup(String line, Instant now) {
    if (!store.shared()) {
      return mine.lookup(line, now);
    }
    try {
      Map<String, String> fields =
          store
              .<Map<String, String>>command(redis -> redis.hgetall(key(line)).toCompletableFuture())
              .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      List<String> flat = new ArrayList<>(fields.size() * 2);
      fields.forEach(
          (contact, binding) -> {
            flat.add(contact);
            flat.add(binding);
          });
      return decode(flat, now);
    } catch (Exception unreachable) {
      return mine.lookup(line, now);
    }
  }

  private String key(String line) {
    return store.key("location/" + line);
  }

  /** Expiry first (the script reads it), then where the REGISTER came from and its CSeq. */
  static String encode(Binding binding) {
    return String.join(
        "\n",
        Long.toString(binding.expires().toEpochMilli()),
        binding.source().getHostString(),
        Integer.toString(binding.source().getPort()),
        binding.transport().name(),
        Long.toString(binding.cseq()),
        binding.callId());
  }

  /** Live bindings from the hash's fields and values, newest first. */
  static List<Binding> decode(List<String> fieldsAndValues, Instant now) {
    List<Binding> bindings = new ArrayList<>();
    for (int i = 0; i + 1 < fieldsAndValues.size(); i += 2) {
      String[] parts = fieldsAndValues.get(i + 1).split("\n", 6);
      Instant expires = Instant.ofEpochMilli(Long.parseLong(parts[0]));
      if (expires.isAfter(now)) {
        bindings.add(
            new Binding(
                fieldsAndValues.get(i),
                new InetSocketAddress(parts[1], Integer.parseInt(parts[2])),
                Transport.valueOf(parts[3]),
                expires,
                parts[5],
                Long.parseLong(parts[4])));
      }
    }
    bindings.sort(Comparator.comparing(Binding::expires).reversed());
    return List.copyOf(bindings);
  }
}
