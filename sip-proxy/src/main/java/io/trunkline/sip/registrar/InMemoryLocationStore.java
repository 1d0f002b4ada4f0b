package io.trunkline.sip.registrar;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The location store of one proxy. Expired bindings are dropped as they are met. */
public final class InMemoryLocationStore implements LocationStore {

  private final Map<String, List<Binding>> bindings = new ConcurrentHashMap<>();

  @Override
  public List<Binding> update(String line, List<Binding> changes, Instant now) {
    List<Binding> result =
        bindings.compute(
            line,
            (name, current) -> {
              List<Binding> next = new ArrayList<>();
              if (current != null) {
                for (Binding binding : current) {
                  boolean replaced =
                      changes.stream().anyMatch(c -> c.contact().equals(binding.contact()));
                  if (!replaced && binding.expires().isAfter(now)) {
                    next.add(binding);
                  }
                }
              }
              for (Binding change : changes) {
                if (change.expires().isAfter(now)) {
                  next.add(change);
                }
              }
              next.sort(Comparator.comparing(Binding::expires).reversed());
              return next.isEmpty() ? null : List.copyOf(next);
            });
    return result == null ? List.of() : result;
  }

  @Override
  public void clear(String line) {
    bindings.remove(line);
  }

  @Override
  public List<Binding> lookup(String line, Instant now) {
    List<Binding> current = bindings.getOrDefault(line, List.of());
    return current.stream().filter(b -> b.expires().isAfter(now)).toList();
  }
}
